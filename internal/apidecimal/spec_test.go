package apidecimal_test

import (
	"errors"
	"maps"
	"regexp"
	"slices"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/apidecimal"
)

const goType = "apidecimal.Decimal"

// decimalSchemas walks every schema of openapi.yaml (the components, and
// all they and the operations' parameters reach) and returns the pattern of
// each schema x-go-type maps to Decimal, by location, and the locations of
// string schemas that carry one of those patterns unmapped: decimal fields
// that gen would type as plain strings.
func decimalSchemas() (mapped map[string]string, unmapped []string, err error) {
	doc, err := gen.GetSpec()
	if err != nil {
		return nil, nil, err
	}
	mapped = map[string]string{}
	patterned := map[string]string{}
	seen := map[*openapi3.Schema]bool{}
	var walk func(where string, ref *openapi3.SchemaRef)
	walk = func(where string, ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		if s.Extensions["x-go-type"] == goType {
			mapped[where] = s.Pattern
		} else if s.Pattern != "" {
			patterned[where] = s.Pattern
		}
		for name, p := range s.Properties {
			walk(where+"/"+name, p)
		}
		walk(where+"/[]", s.Items)
		walk(where+"/*", s.AdditionalProperties.Schema)
		for _, alts := range [][]*openapi3.SchemaRef{s.AllOf, s.AnyOf, s.OneOf} {
			for _, alt := range alts {
				walk(where, alt)
			}
		}
	}
	for _, name := range slices.Sorted(maps.Keys(doc.Components.Schemas)) {
		walk(name, doc.Components.Schemas[name])
	}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for _, p := range op.Parameters {
				walk(method+" "+path+" "+p.Value.Name, p.Value.Schema)
			}
		}
	}
	if len(mapped) == 0 {
		return nil, nil, errors.New("no schema of openapi.yaml maps to " + goType)
	}
	for where, pattern := range patterned {
		if slices.Contains(slices.Collect(maps.Values(mapped)), pattern) {
			unmapped = append(unmapped, where)
		}
	}
	return mapped, unmapped, nil
}

// Every decimal of the spec is a Decimal in gen, and has a pattern.
func TestEveryDecimalIsMapped(t *testing.T) {
	mapped, unmapped, err := decimalSchemas()
	if err != nil {
		t.Fatal(err)
	}
	for _, where := range unmapped {
		t.Errorf("%s: a decimal pattern without x-go-type %s", where, goType)
	}
	for where, pattern := range mapped {
		if pattern == "" {
			t.Errorf("%s: maps to %s but has no pattern: the client would accept any string", where, goType)
		}
	}
}

// corpus holds the edge cases of the decimal grammar.
var corpus = []string{
	"", "0", "00", "-0", "+0", "0.0125", "7.", ".5", "+.5", "-.5", ".", "+", "-", "+-1", "1.2.3", "..5", "5..",
	"1e5", "1E-7", "0E-8", "1/3", "0x10", "1_000", " 1", "1 ", "NaN", "inf", "١٢", "12345678901234567890.1234567890",
}

// Valid accepts exactly what the spec's patterns accept, so the client's
// validation and Rat agree: a value that passes one passes the other. The
// patterns are read from the embedded spec, never copied here.
func TestValidIsTheSpecsPattern(t *testing.T) {
	mapped, _, err := decimalSchemas()
	if err != nil {
		t.Fatal(err)
	}
	for where, pattern := range mapped {
		re := regexp.MustCompile(pattern)
		for _, s := range corpus {
			if re.MatchString(s) != apidecimal.Valid(s) {
				t.Errorf("%s: pattern %s matches %q: %v; Valid: %v", where, pattern, s, re.MatchString(s), apidecimal.Valid(s))
			}
		}
	}
}

func FuzzValidIsTheSpecsPattern(f *testing.F) {
	for _, s := range corpus {
		f.Add(s)
	}
	mapped, _, err := decimalSchemas()
	if err != nil {
		f.Fatal(err)
	}
	var res []*regexp.Regexp
	for _, pattern := range mapped {
		res = append(res, regexp.MustCompile(pattern))
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, re := range res {
			if re.MatchString(s) != apidecimal.Valid(s) {
				t.Fatalf("pattern %s matches %q: %v; Valid: %v", re, s, re.MatchString(s), apidecimal.Valid(s))
			}
		}
		_, err := apidecimal.Decimal(s).Rat()
		if (err == nil) != apidecimal.Valid(s) {
			t.Fatalf("Rat(%q): %v, Valid: %v", s, err, apidecimal.Valid(s))
		}
	})
}
