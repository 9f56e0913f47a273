package browserusetest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"regexp"
	"regexp/syntax"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// outputFor returns a JSON value that validates against a task's
// structuredOutput, a JSON schema, as DefaultTaskRunner describes; or an
// error that says where and why it cannot. It never panics: the schema is
// the user's, and fakeserver takes it from any HTTP client.
func outputFor(schemaText string) (string, error) {
	dec := json.NewDecoder(strings.NewReader(schemaText))
	dec.UseNumber() // const, enum and bounds keep their exact text
	var root any
	if err := dec.Decode(&root); err != nil {
		return "", fmt.Errorf("the schema is not JSON: %v", err)
	}
	if dec.More() {
		return "", fmt.Errorf("the schema is not one JSON value")
	}
	g := &generator{root: root, active: map[string]int{"#": 1}, patterns: map[string]*regexp.Regexp{}}
	v, err := g.value(root, "", 0, 0)
	if err != nil {
		return "", err
	}
	out, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("cannot encode the value: %v", err)
	}
	return string(out), nil
}

const (
	maxDepth  = 64      // nesting of schemas and values
	maxValues = 10_000  // values made for one output
	maxItems  = 1_000   // a minItems or minProperties
	maxLength = 10_000  // a minLength, in characters
	maxWork   = 1 << 20 // bytes of strings written, tries included
)

// unsupported are the keywords that constrain a value in ways the
// generator does not follow: a schema that uses one is refused rather than
// answered with a value that may not validate.
var unsupported = []string{
	"not", "if", "then", "else", "patternProperties", "propertyNames", "contains", "minContains", "maxContains",
	"dependentRequired", "dependentSchemas", "dependencies", "unevaluatedProperties", "unevaluatedItems",
	"$dynamicRef", "$recursiveRef",
}

// generator makes one value for one schema document.
type generator struct {
	root     any            // the whole schema, for $ref
	values   int            // values made so far
	work     int            // bytes of strings written so far
	active   map[string]int // the $refs being expanded, by depth of nesting
	patterns map[string]*regexp.Regexp
}

// schemaError says where (a JSON pointer into the value) and why no value
// can be made.
type schemaError struct {
	at, why string
}

// Error says where, then why.
func (e *schemaError) Error() string {
	at := e.at
	if at == "" {
		at = "the root"
	}
	return "at " + at + ": " + e.why
}

func fail(at, format string, args ...any) error {
	return &schemaError{at: at, why: fmt.Sprintf(format, args...)}
}

// value makes a value for schema s, at a place of the output; variant
// asks for a value different from those of smaller variants where the
// schema allows it (for uniqueItems).
func (g *generator) value(s any, at string, variant, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fail(at, "the schema nests deeper than %d levels (a $ref cycle through required properties?)", maxDepth)
	}
	if g.values++; g.values > maxValues {
		return nil, fail(at, "the value would hold more than %d values", maxValues)
	}
	switch s := s.(type) {
	case bool:
		if !s {
			return nil, fail(at, "the schema false allows no value")
		}
		return anyValue(variant), nil // true allows anything
	case map[string]any:
		return g.schemaValue(s, at, variant, depth)
	}
	return nil, fail(at, "a schema is an object or a boolean, not %s", jsonKind(s))
}

// anyValue is a value for a schema that allows anything: true, which an
// OpenAPI 3.0 validator (browseruse's) accepts where it refuses null, then
// false, then numbers.
func anyValue(variant int) any {
	if variant < 2 {
		return variant == 0
	}
	return json.Number(strconv.Itoa(variant))
}

// untypedValue is a value for a schema without "type" whose keywords
// (which constrain only their own types) suggested one it cannot make: a
// boolean, which no keyword but enum and const constrains.
func untypedValue(at string, variant int) (any, error) {
	if variant < 2 {
		return variant == 0, nil
	}
	return nil, fail(at, "cannot make %d distinct values", variant+1)
}

func (g *generator) schemaValue(m map[string]any, at string, variant, depth int) (any, error) {
	for _, k := range unsupported {
		if _, ok := m[k]; ok {
			return nil, fail(at, "the keyword %q is not one the fake follows", k)
		}
	}
	if ref, ok := m["$ref"]; ok {
		target, err := g.resolve(ref, at)
		if err != nil {
			return nil, err
		}
		key := ref.(string) // resolve checked it
		g.active[key]++
		defer func() { g.active[key]-- }()
		if siblings := without(m, "$ref"); len(siblings) > 0 {
			if target, err = merge(target, siblings, at); err != nil {
				return nil, err
			}
		}
		return g.value(target, at, variant, depth+1)
	}
	if branches, ok := m["allOf"]; ok {
		merged := any(without(m, "allOf"))
		for _, b := range asList(branches) {
			b, err := g.deref(b, at)
			if err != nil {
				return nil, err
			}
			if merged, err = merge(merged, b, at); err != nil {
				return nil, err
			}
		}
		return g.value(merged, at, variant, depth+1)
	}
	types, inferred := typesOf(m)
	if c, ok := m["const"]; ok {
		return c, nil
	}
	if e, ok := m["enum"]; ok {
		var values []any // those of the schema's types
		for _, v := range asList(e) {
			if inferred || ofTypes(v, types) {
				values = append(values, v)
			}
		}
		if len(values) == 0 {
			return nil, fail(at, "enum lists no value of the schema's type")
		}
		return values[variant%len(values)], nil
	}
	for _, k := range []string{"anyOf", "oneOf"} {
		if branches, ok := m[k]; ok {
			return g.firstBranch(m, k, asList(branches), at, variant, depth)
		}
	}
	var first error
	for _, t := range types {
		v, err := g.typed(t, m, at, variant, depth)
		if err == nil {
			return v, nil
		}
		if first == nil {
			first = err
		}
	}
	switch {
	case len(types) == 0:
		return anyValue(variant), nil
	case inferred:
		return untypedValue(at, variant) // without "type", a value of another type is valid
	}
	return nil, first
}

// ofTypes reports whether a JSON value is of one of the types.
func ofTypes(v any, types []string) bool {
	var kind string
	switch v := v.(type) {
	case nil:
		kind = "null"
	case bool:
		kind = "boolean"
	case string:
		kind = "string"
	case json.Number:
		if f, err := v.Float64(); err == nil && f == math.Trunc(f) && slices.Contains(types, "integer") {
			return true
		}
		kind = "number"
	case []any:
		kind = "array"
	case map[string]any:
		kind = "object"
	}
	return slices.Contains(types, kind)
}

// firstBranch makes a value from the first branch of anyOf or oneOf that
// can make one, merged with the schema's other keywords; branches that
// only allow null are tried last.
func (g *generator) firstBranch(m map[string]any, keyword string, branches []any, at string, variant, depth int) (any, error) {
	if len(branches) == 0 {
		return nil, fail(at, "%s lists no schema", keyword)
	}
	rest := without(m, keyword)
	ordered := slices.Clone(branches)
	slices.SortStableFunc(ordered, func(a, b any) int { return boolInt(onlyNull(a)) - boolInt(onlyNull(b)) })
	var first error
	for _, b := range ordered {
		b, err := g.deref(b, at)
		if err == nil {
			b, err = merge(rest, b, at)
		}
		var v any
		if err == nil {
			v, err = g.value(b, at, variant, depth+1)
		}
		if err == nil {
			return v, nil
		}
		if first == nil {
			first = err
		}
	}
	return nil, first
}

// onlyNull reports whether a schema is {"type": "null"}.
func onlyNull(s any) bool {
	m, ok := s.(map[string]any)
	return ok && len(m) == 1 && m["type"] == "null"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// typesOf returns the types to try: the schema's "type" (null last), or
// the type its keywords suggest (inferred true).
func typesOf(m map[string]any) (types []string, inferred bool) {
	switch t := m["type"].(type) {
	case string:
		return []string{t}, false
	case []any:
		var null bool
		for _, v := range t {
			if s, ok := v.(string); ok && s == "null" {
				null = true
			} else if ok {
				types = append(types, s)
			}
		}
		if null {
			types = append(types, "null")
		}
		return types, false
	}
	has := func(keys ...string) bool {
		for _, k := range keys {
			if _, ok := m[k]; ok {
				return true
			}
		}
		return false
	}
	switch {
	case has("properties", "required", "additionalProperties", "minProperties", "maxProperties"):
		return []string{"object"}, true
	case has("items", "prefixItems", "minItems", "maxItems", "uniqueItems"):
		return []string{"array"}, true
	case has("minLength", "maxLength", "pattern", "format"):
		return []string{"string"}, true
	case has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
		return []string{"number"}, true
	}
	return nil, true
}

func (g *generator) typed(t string, m map[string]any, at string, variant, depth int) (any, error) {
	switch t {
	case "null":
		return nil, nil
	case "boolean":
		if variant > 1 {
			return nil, fail(at, "there are only two booleans")
		}
		return variant == 0, nil
	case "integer", "number":
		return numberValue(m, at, variant, t == "integer")
	case "string":
		return g.stringValue(m, at, variant)
	case "array":
		return g.arrayValue(m, at, variant, depth)
	case "object":
		return g.objectValue(m, at, variant, depth)
	}
	return nil, fail(at, "unknown type %q", t)
}

// ---- objects and arrays ----

func (g *generator) objectValue(m map[string]any, at string, variant, depth int) (any, error) {
	props, _ := m["properties"].(map[string]any)
	required := map[string]bool{}
	var requiredOrder []string
	for _, r := range asList(m["required"]) {
		if name, ok := r.(string); ok && !required[name] {
			required[name] = true
			requiredOrder = append(requiredOrder, name)
		}
	}
	extra, hasExtra := m["additionalProperties"]
	if !hasExtra {
		extra = true
	}
	closed := extra == false
	minProps, maxProps := count(m, "minProperties", -1), count(m, "maxProperties", -1)
	if minProps > maxItems {
		return nil, fail(at, "minProperties %d is more than the fake makes (%d)", minProps, maxItems)
	}
	inCycle := g.inCycle()
	out := map[string]any{}
	for _, name := range sortedKeys(props) {
		if !required[name] && inCycle {
			continue // a $ref cycle: only what is required, so that it ends
		}
		v, err := g.value(props[name], at+"/"+pointerEscape(name), variant, depth+1)
		if err != nil {
			if required[name] {
				return nil, err
			}
			continue // an optional property it cannot make is left out
		}
		out[name] = v
	}
	for _, name := range requiredOrder {
		if _, done := out[name]; done {
			continue
		}
		if closed {
			return nil, fail(at, "%q is required but additionalProperties is false and properties does not list it", name)
		}
		v, err := g.value(extra, at+"/"+pointerEscape(name), variant, depth+1)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	for i := 1; len(out) < minProps; i++ {
		if closed {
			return nil, fail(at, "minProperties %d needs properties that additionalProperties false refuses", minProps)
		}
		name := "property" + strconv.Itoa(i)
		if _, listed := props[name]; listed {
			continue
		}
		v, err := g.value(extra, at+"/"+name, variant, depth+1)
		if err != nil {
			return nil, err
		}
		out[name] = v
	}
	if maxProps >= 0 && len(out) > maxProps {
		names := sortedKeys(out)
		for i := len(names) - 1; i >= 0 && len(out) > maxProps; i-- {
			if !required[names[i]] {
				delete(out, names[i])
			}
		}
		if len(out) > maxProps {
			return nil, fail(at, "%d properties are required but maxProperties is %d", len(out), maxProps)
		}
	}
	return out, nil
}

// inCycle reports whether a $ref is being expanded inside itself.
func (g *generator) inCycle() bool {
	for _, n := range g.active {
		if n > 1 {
			return true
		}
	}
	return false
}

func (g *generator) arrayValue(m map[string]any, at string, variant, depth int) (any, error) {
	minN, maxN := max(count(m, "minItems", -1), 0), count(m, "maxItems", -1)
	if minN > maxItems {
		return nil, fail(at, "minItems %d is more than the fake makes (%d)", minN, maxItems)
	}
	if maxN >= 0 && minN > maxN {
		return nil, fail(at, "minItems %d is more than maxItems %d", minN, maxN)
	}
	var prefix []any
	var rest any = true
	if p, ok := m["prefixItems"].([]any); ok { // JSON Schema 2020-12
		prefix = p
		if items, ok := m["items"]; ok {
			rest = items
		}
	} else if p, ok := m["items"].([]any); ok { // drafts 4 to 7: a tuple
		prefix = p
		if items, ok := m["additionalItems"]; ok {
			rest = items
		}
	} else if items, ok := m["items"]; ok {
		rest = items
	}
	n := minN
	if n == 0 && maxN != 0 {
		n = 1 // one item, if it can be made, shows what an item looks like
	}
	items := []any{}
	for i := range n {
		schema := rest
		if i < len(prefix) {
			schema = prefix[i]
		}
		v, err := g.value(schema, at+"/"+strconv.Itoa(i), variant*n+i, depth+1)
		if err != nil {
			if i < minN {
				return nil, err
			}
			break
		}
		items = append(items, v)
	}
	if unique, _ := m["uniqueItems"].(bool); unique {
		seen := map[string]bool{}
		for _, v := range items {
			key, err := canonical(v)
			if err != nil || seen[key] {
				return nil, fail(at, "cannot make %d distinct items (uniqueItems)", len(items))
			}
			seen[key] = true
		}
	}
	return items, nil
}

// ---- numbers ----

func numberValue(m map[string]any, at string, variant int, integer bool) (any, error) {
	lo, loOpen, hasLo := bound(m, "minimum", "exclusiveMinimum", 1)
	hi, hiOpen, hasHi := bound(m, "maximum", "exclusiveMaximum", -1)
	fits := func(v float64) bool {
		return !math.IsNaN(v) && !math.IsInf(v, 0) && (!hasLo || v > lo || v == lo && !loOpen) && (!hasHi || v < hi || v == hi && !hiOpen) &&
			(!integer || v == math.Trunc(v))
	}
	v := 0.0
	switch {
	case integer:
		if hasLo && !fits(v) && v <= lo {
			v = math.Floor(lo) + 1
			if !loOpen && lo == math.Trunc(lo) {
				v = lo
			}
		}
		if hasHi && !fits(v) && v >= hi {
			v = math.Ceil(hi) - 1
			if !hiOpen && hi == math.Trunc(hi) {
				v = hi
			}
		}
		if variant > 0 {
			if w := v + float64(variant); fits(w) {
				v = w
			} else {
				v -= float64(variant)
			}
		}
	default:
		if hasLo && !fits(v) && v <= lo {
			v = lo
			if loOpen {
				v = lo + 1
				if hasHi {
					v = lo + (hi-lo)/2
				}
			}
		}
		if hasHi && !fits(v) && v >= hi {
			v = hi
			if hiOpen {
				v = hi - 1
				if hasLo {
					v = lo + (hi-lo)/2
				}
			}
		}
		if variant > 0 {
			if w := v + float64(variant); fits(w) {
				v = w
			} else if hasHi {
				v += (hi - v) * float64(variant) / float64(variant+1)
			}
		}
	}
	if step, ok := number(m["multipleOf"]); ok {
		if !(step > 0) || math.IsInf(step, 0) {
			return nil, fail(at, "multipleOf must be a positive number")
		}
		var found bool
		k := math.Ceil(v / step)
		for range 100 {
			if w := multiple(k, step); fits(w) {
				v, found = w, true
				break
			}
			k++
		}
		if !found {
			return nil, fail(at, "no multiple of %v fits minimum and maximum", step)
		}
	}
	if !fits(v) {
		return nil, fail(at, "no number fits minimum and maximum")
	}
	return json.Number(formatNumber(v)), nil
}

// bound reads minimum/maximum with its exclusive form: a boolean (draft 4,
// OpenAPI 3.0) that makes the bound open, or a number (draft 6 and later)
// that is a bound of its own. sign is 1 for a lower bound, -1 for upper.
func bound(m map[string]any, inclusive, exclusive string, sign float64) (v float64, open, ok bool) {
	v, ok = number(m[inclusive])
	switch ex := m[exclusive].(type) {
	case bool:
		open = ok && ex
	default:
		if e, isNum := number(ex); isNum && (!ok || sign*e >= sign*v) {
			return e, true, true
		}
	}
	return v, open, ok
}

// multiple is k*step, rounded to step's decimals so that its text is a
// decimal multiple (0.1*3 is 0.30000000000000004 in binary).
func multiple(k, step float64) float64 {
	v := k * step
	s := strconv.FormatFloat(step, 'f', -1, 64)
	if dot := strings.IndexByte(s, '.'); dot >= 0 && len(s)-dot-1 <= 20 {
		if r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'f', len(s)-dot-1, 64), 64); err == nil {
			return r
		}
	}
	return v
}

func formatNumber(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e21 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// ---- strings ----

// formatBase is the date the date and time formats start from.
var formatBase = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

func (g *generator) stringValue(m map[string]any, at string, variant int) (any, error) {
	minLen, maxLen := max(count(m, "minLength", -1), 0), count(m, "maxLength", -1)
	if minLen > maxLength {
		return nil, fail(at, "minLength %d is more than the fake makes (%d)", minLen, maxLength)
	}
	if maxLen >= 0 && minLen > maxLen {
		return nil, fail(at, "minLength %d is more than maxLength %d", minLen, maxLen)
	}
	fitsLength := func(s string) bool {
		n := utf8.RuneCountInString(s)
		return n >= minLen && (maxLen < 0 || n <= maxLen)
	}
	if p, ok := m["pattern"]; ok {
		pattern, _ := p.(string)
		re, ok := g.patterns[pattern]
		if !ok {
			var err error
			if re, err = regexp.Compile(pattern); err != nil {
				return nil, fail(at, "the pattern %q is not RE2 syntax, which the fake reads: %v", pattern, err)
			}
			g.patterns[pattern] = re
		}
		if s, ok := g.matching(pattern, re, minLen, fitsLength, variant); ok {
			return s, nil
		}
		if g.work > maxWork {
			return nil, fail(at, "the value would hold more than %d bytes of strings", maxWork)
		}
		return nil, fail(at, "cannot make a string of the pattern %q within minLength and maxLength", pattern)
	}
	format, _ := m["format"].(string)
	s, known := formatValue(format, variant)
	if !known {
		s = "string"
		if variant > 0 {
			s += strconv.Itoa(variant)
		}
	}
	if n := utf8.RuneCountInString(s); n < minLen {
		pad := strings.Repeat("x", minLen-n)
		switch {
		case !known:
			s += pad
		case format == "email" || format == "idn-email":
			s = strings.Replace(s, "@", pad+"@", 1)
		case strings.HasPrefix(s, "https://"):
			s += pad // a longer path
		}
	}
	if n := len(s); !known && maxLen >= 0 && n > maxLen {
		s = s[n-maxLen:] // keep the variant's digits at the end
	}
	if !fitsLength(s) {
		return nil, fail(at, "cannot make a %s within minLength and maxLength", format)
	}
	if g.work += len(s); g.work > maxWork {
		return nil, fail(at, "the value would hold more than %d bytes of strings", maxWork)
	}
	return s, nil
}

// formatValue is a string of a format, and whether the format is known.
func formatValue(format string, variant int) (string, bool) {
	n := strconv.Itoa(variant)
	if variant == 0 {
		n = ""
	}
	switch format {
	case "date-time":
		return formatBase.Add(time.Duration(variant) * time.Second).Format(time.RFC3339), true
	case "date":
		return formatBase.AddDate(0, 0, variant).Format(time.DateOnly), true
	case "time":
		return formatBase.Add(time.Duration(variant)*time.Second).Format("15:04:05") + "Z", true
	case "uuid":
		return fmt.Sprintf("3c90c3cc-0d44-4b50-8888-%012x", 0x8dd25736052a+int64(variant)%(1<<44)), true
	case "email", "idn-email":
		return "user" + n + "@example.com", true
	case "uri", "url", "iri", "uri-reference", "iri-reference":
		return "https://example.com/" + n, true
	case "hostname", "idn-hostname":
		if variant == 0 {
			return "example.com", true
		}
		return "host" + n + ".example.com", true
	case "ipv4":
		return "192.0.2." + strconv.Itoa(1+variant%254), true
	case "ipv6":
		return "2001:db8::" + strconv.FormatInt(int64(variant%0xffff)+1, 16), true
	case "duration":
		return "P" + strconv.Itoa(variant+1) + "D", true
	}
	return "", false
}

// matching makes a string that re (compiled from pattern) matches, within
// the length bounds, by walking the pattern's syntax tree: the first
// alternative, the fewest repetitions, then a few more repetitions of each
// repeat, then padding for a pattern that is not anchored.
func (g *generator) matching(pattern string, re *regexp.Regexp, minLen int, fits func(string) bool, variant int) (string, bool) {
	tree, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	tree = tree.Simplify()
	base, ok := fromTree(tree, 0, variant)
	if !ok {
		return "", false
	}
	need := max(minLen-utf8.RuneCountInString(base), 0)
	for _, stretch := range []int{0, 1, 2, 3, need, need + 1} {
		if g.work > maxWork {
			return "", false
		}
		s, ok := fromTree(tree, stretch, variant)
		if g.work += len(s) + minLen; !ok {
			continue
		}
		if fits(s) && re.MatchString(s) {
			return s, true
		}
		if n := utf8.RuneCountInString(s); n < minLen {
			pad := strings.Repeat("a", minLen-n)
			for _, padded := range []string{s + pad, pad + s} {
				if fits(padded) && re.MatchString(padded) {
					return padded, true
				}
			}
		}
	}
	return "", false
}

// fromTree writes a string for a regexp syntax tree: each repeat runs its
// minimum plus stretch times; variant picks among the first character
// class's characters.
func fromTree(tree *syntax.Regexp, stretch, variant int) (string, bool) {
	var b strings.Builder
	picked := false
	chosen := map[*syntax.Regexp]rune{} // a class's character, once picked (a class may have hundreds of ranges)
	var walk func(r *syntax.Regexp) bool
	repeat := func(r *syntax.Regexp, n int) bool {
		for range n {
			if !walk(r) {
				return false
			}
		}
		return true
	}
	walk = func(r *syntax.Regexp) bool {
		if b.Len() > 4*maxLength {
			return false
		}
		switch r.Op {
		case syntax.OpNoMatch:
			return false
		case syntax.OpLiteral:
			b.WriteString(string(r.Rune))
		case syntax.OpCharClass:
			v := 0
			if !picked {
				v, picked = variant, true
			}
			c, ok := chosen[r]
			if !ok || v != 0 {
				if c, ok = classRune(r.Rune, v); !ok {
					return false
				}
				if v == 0 {
					chosen[r] = c
				}
			}
			b.WriteRune(c)
		case syntax.OpAnyCharNotNL, syntax.OpAnyChar:
			v := 0
			if !picked {
				v, picked = variant, true
			}
			b.WriteByte(byte('a' + v%26))
		case syntax.OpCapture:
			return walk(r.Sub[0])
		case syntax.OpStar:
			return repeat(r.Sub[0], stretch)
		case syntax.OpPlus:
			return repeat(r.Sub[0], 1+stretch)
		case syntax.OpQuest:
			return repeat(r.Sub[0], min(stretch, 1))
		case syntax.OpRepeat:
			n := r.Min + stretch
			if r.Max >= 0 {
				n = min(n, r.Max)
			}
			return repeat(r.Sub[0], n)
		case syntax.OpConcat:
			for _, sub := range r.Sub {
				if !walk(sub) {
					return false
				}
			}
		case syntax.OpAlternate:
			return walk(r.Sub[0])
		}
		return true // empty match, anchors and boundaries write nothing
	}
	if !walk(tree) {
		return "", false
	}
	return b.String(), true
}

// classPreferred are tried first when picking a character of a class.
const classPreferred = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_. "

// classRune picks the variant-th character of a class (pairs of lo, hi),
// readable ones first.
func classRune(ranges []rune, variant int) (rune, bool) {
	in := func(c rune) bool {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= c && c <= ranges[i+1] {
				return true
			}
		}
		return false
	}
	for _, c := range classPreferred {
		if in(c) {
			if variant == 0 {
				return c, true
			}
			variant--
		}
	}
	tries := 0
	for _, printable := range []bool{true, false} {
		for i := 0; i+1 < len(ranges); i += 2 {
			for c := ranges[i]; c <= ranges[i+1] && c <= utf8.MaxRune; c++ {
				if c < 0x20 == printable || !utf8.ValidRune(c) || strings.ContainsRune(classPreferred, c) {
					continue
				}
				if variant == 0 {
					return c, true
				}
				variant--
				if tries++; tries > maxItems {
					return 0, false
				}
			}
		}
	}
	return 0, false
}

// ---- references and merging ----

// resolve finds the schema a local $ref points to.
func (g *generator) resolve(ref any, at string) (any, error) {
	s, ok := ref.(string)
	if !ok {
		return nil, fail(at, "$ref is not a string")
	}
	if s == "#" || s == "" {
		return g.root, nil
	}
	if !strings.HasPrefix(s, "#/") {
		return nil, fail(at, "the $ref %q is not local (#/...): the fake resolves only those", s)
	}
	node := g.root
	for _, part := range strings.Split(s[2:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(unescapePercent(part), "~1", "/"), "~0", "~")
		switch n := node.(type) {
		case map[string]any:
			var found bool
			if node, found = n[part]; !found {
				return nil, fail(at, "the $ref %q points to nothing", s)
			}
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(n) {
				return nil, fail(at, "the $ref %q points to nothing", s)
			}
			node = n[i]
		default:
			return nil, fail(at, "the $ref %q points to nothing", s)
		}
	}
	return node, nil
}

func unescapePercent(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				b.WriteByte(byte(v))
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// deref follows a schema's $refs (merging their siblings) until it has
// none at its top.
func (g *generator) deref(s any, at string) (any, error) {
	for range maxDepth {
		m, ok := s.(map[string]any)
		if !ok {
			return s, nil
		}
		ref, ok := m["$ref"]
		if !ok {
			return s, nil
		}
		target, err := g.resolve(ref, at)
		if err != nil {
			return nil, err
		}
		if s, err = merge(target, without(m, "$ref"), at); err != nil {
			return nil, err
		}
	}
	return nil, fail(at, "the $refs go round in a circle")
}

// merge is the schema of values that fit both a and b, for allOf, a $ref's
// siblings, and the keywords beside anyOf and oneOf.
func merge(a, b any, at string) (any, error) {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	switch {
	case a == false || b == false:
		return false, nil
	case !aok && !bok: // true and true, or not schemas at all
		if a == true && b == true {
			return true, nil
		}
	case !aok && a == true:
		return b, nil
	case !bok && b == true:
		return a, nil
	}
	if !aok || !bok {
		return nil, fail(at, "a schema is an object or a boolean")
	}
	out := make(map[string]any, len(am)+len(bm))
	for k, v := range am {
		out[k] = v
	}
	for _, k := range sortedKeys(bm) {
		bv := bm[k]
		av, both := out[k]
		if !both {
			out[k] = bv
			continue
		}
		switch k {
		case "title", "description", "default", "examples", "example", "$comment", "$schema", "$id", "$anchor",
			"$defs", "definitions", "deprecated", "readOnly", "writeOnly", "nullable", "discriminator":
			// annotations (nullable only widens): a's stay
		case "properties":
			ap, _ := av.(map[string]any)
			bp, _ := bv.(map[string]any)
			props := make(map[string]any, len(ap)+len(bp))
			for name, s := range ap {
				props[name] = s
			}
			for name, s := range bp {
				if prev, ok := props[name]; ok {
					props[name] = map[string]any{"allOf": []any{prev, s}}
				} else {
					props[name] = s
				}
			}
			out[k] = props
		case "required":
			out[k] = append(slices.Clip(asList(av)), asList(bv)...)
		case "allOf":
			out[k] = append(slices.Clip(asList(av)), asList(bv)...)
		case "items", "additionalProperties", "additionalItems":
			out[k] = map[string]any{"allOf": []any{av, bv}} // schemas: fit both
		case "anyOf", "oneOf":
			x, y := asList(av), asList(bv)
			if len(x)*len(y) > 64 {
				return nil, fail(at, "allOf combines %s lists of %d and %d schemas, more than the fake tries", k, len(x), len(y))
			}
			var both []any // one branch of each
			for _, xs := range x {
				for _, ys := range y {
					both = append(both, map[string]any{"allOf": []any{xs, ys}})
				}
			}
			out[k] = both
		case "type":
			types := intersect(typeList(av), typeList(bv))
			if len(types) == 0 {
				return nil, fail(at, "allOf asks for types %v and %v at once", av, bv)
			}
			out[k] = types
		case "enum":
			var common []any
			for _, x := range asList(av) {
				for _, y := range asList(bv) {
					if equalJSON(x, y) {
						common = append(common, x)
						break
					}
				}
			}
			if len(common) == 0 {
				return nil, fail(at, "allOf asks for enums with no value in common")
			}
			out[k] = common
		case "minimum", "minLength", "minItems", "minProperties":
			out[k] = pick(av, bv, math.Max)
		case "maximum", "maxLength", "maxItems", "maxProperties":
			out[k] = pick(av, bv, math.Min)
		default:
			if !equalJSON(av, bv) {
				return nil, fail(at, "allOf gives %q two values the fake cannot combine", k)
			}
		}
	}
	return out, nil
}

// pick combines two numeric keywords with choose (math.Max or math.Min).
func pick(a, b any, choose func(x, y float64) float64) any {
	x, xok := number(a)
	y, yok := number(b)
	switch {
	case xok && yok:
		if choose(x, y) == x {
			return a
		}
		return b
	case yok:
		return b
	}
	return a
}

func typeList(t any) []any {
	if s, ok := t.(string); ok {
		return []any{s}
	}
	return asList(t)
}

func intersect(a, b []any) []any {
	var out []any
	for _, xv := range a {
		for _, yv := range b {
			x, xok := xv.(string)
			y, yok := yv.(string)
			if !xok || !yok {
				continue
			}
			if x == y || x == "integer" && y == "number" || x == "number" && y == "integer" {
				if x == "number" {
					x = y // number and integer: integer
				}
				out = append(out, x)
				break
			}
		}
	}
	return out
}

// ---- small helpers ----

func without(m map[string]any, key string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if k != key {
			out[k] = v
		}
	}
	return out
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

// number reads a JSON number.
func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil && !math.IsInf(f, 0)
}

// count reads a non-negative integer keyword, def when absent or not one;
// a fraction is rounded the strict way (up for min..., down for max...).
func count(m map[string]any, key string, def int) int {
	f, ok := number(m[key])
	if !ok || f < 0 {
		return def
	}
	if f > math.MaxInt32 {
		return math.MaxInt32
	}
	if strings.HasPrefix(key, "max") {
		return int(math.Floor(f))
	}
	return int(math.Ceil(f))
}

func pointerEscape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func canonical(v any) (string, error) {
	data, err := json.Marshal(v)
	return string(data), err
}

func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case []any:
		return "an array"
	}
	return fmt.Sprintf("%T", v)
}
