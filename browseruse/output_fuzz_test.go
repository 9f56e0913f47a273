package browseruse

import (
	"errors"
	"strings"
	"testing"
)

// FuzzOutputSchema feeds (schema, output) pairs to what RunTaskAs does with
// them: compile the schema, check and decode the output. It must never
// panic; a schema is either compiled or refused with a
// *RequestValidationError, and an output either decoded or refused with an
// *OutputError, each with its reasons. For a schema without $refs, three
// schemas JSON Schema holds equal to it ({"allOf":[S]}, {"not":{"not":S}},
// {"anyOf":[S,false]}) must give the same verdict, which tries the
// wrappers the compiler builds around kin-openapi's nullable short cut.
func FuzzOutputSchema(f *testing.F) {
	derived, err := OutputSchema[fuzzTree]()
	if err != nil {
		f.Fatal(err)
	}
	for _, schema := range []string{pydanticPerson, pydanticPets, pydanticV1, derived,
		`{"type":["string","null"],"enum":["a",null]}`, `{"const":null}`, `{"anyOf":[{},{"type":"null"}]}`,
		`{"not":{"type":"null"}}`, `{"properties":{"x":false},"additionalProperties":true}`, `true`, `false`,
		`{"type":"array","items":{"$ref":"#"}}`, `{"$ref":"#/definitions/A","definitions":{"A":{"$ref":"#/definitions/A"}}}`,
		`{"type":"object","nullable":true,"required":["a"],"properties":{"a":{"type":"integer","minimum":1,"exclusiveMaximum":9}}}`,
		`{"type":"string","pattern":"^[a-z]+$","minLength":2,"format":"uuid"}`, `{"prefixItems":[]}`, `{"$ref":"https://x"}`,
	} {
		for _, output := range []string{`null`, `{}`, `"a"`, `1.5`, `[[]]`, `{"a":0}`, `{"name":"A","address":{"city":"L"},"kind":"a","parent":null}`, `not json`, ``} {
			f.Add(schema, output)
		}
	}
	f.Fuzz(func(t *testing.T, schema, output string) {
		verdict := checkFuzzed(t, schema, output)
		if verdict == "refused" || strings.Contains(schema, "$ref") {
			return
		}
		for _, same := range []string{`{"allOf":[` + schema + `]}`, `{"not":{"not":` + schema + `}}`, `{"anyOf":[` + schema + `,false]}`} {
			if v := checkFuzzed(t, same, output); v != verdict && v != "refused" {
				t.Fatalf("%s gives %q but %s gives %q", schema, verdict, same, v)
			}
		}
	})
}

// fuzzTree gives a derived schema to start from: $refs to the root, a
// nullable pointer, a ,string pattern, tags.
type fuzzTree struct {
	Name string     `json:"name" jsonschema:"minLength=1,enum=a,enum=b"`
	N    int        `json:"n,string,omitempty"`
	Next *fuzzTree  `json:"next"`
	Kids []fuzzTree `json:"kids"`
}

// checkFuzzed runs what RunTaskAs runs: "refused", "accepted" or
// "mismatch", failing on an error of another type or without reasons.
func checkFuzzed(t *testing.T, schema, output string) string {
	compiled, err := outputSchema(schema)
	if err != nil {
		var rv *RequestValidationError
		if !errors.As(err, &rv) || len(rv.Violations) == 0 || !errors.Is(err, ErrInvalidParams) {
			t.Fatalf("schema %q: %T %v", schema, err, err)
		}
		return "refused"
	}
	_, err = decodeOutput[any](&Task{ID: "t", Output: &output}, compiled)
	if err == nil {
		return "accepted"
	}
	var oe *OutputError
	if !errors.As(err, &oe) || len(oe.Violations) == 0 || !errors.Is(err, ErrOutputMismatch) {
		t.Fatalf("schema %q, output %q: %T %v", schema, output, err, err)
	}
	return "mismatch"
}
