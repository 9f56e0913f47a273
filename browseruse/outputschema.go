package browseruse

// The structured output schema of RunTaskAs, compiled from JSON Schema into
// the schema graph kin-openapi checks values with.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// compileSchema turns a JSON Schema (draft 2020-12, or earlier drafts'
// definitions) into the openapi3.Schema graph kin-openapi checks values
// with. kin-openapi's checker is OpenAPI 3.0's, so the translation is done
// here, to keep every check what JSON Schema says:
//   - local $refs ("#", "#/$defs/A", "#/definitions/A", any JSON pointer to a
//     schema) are resolved, recursion included; a $ref beside other keywords
//     applies with them, as in 2020-12;
//   - const becomes a one-value enum; null in type or enum, and OpenAPI's
//     nullable: true, become kin-openapi's nullable;
//   - true and false subschemas accept anything and nothing;
//   - the keywords kin-openapi would skip (prefixItems, if/then/else,
//     patternProperties, ...), remote refs, and $ref loops that never reach
//     a property or an item, are problems: the schema is refused.
//
// Keywords JSON Schema calls annotations (title, description, default,
// examples, readOnly, discriminator, ...) and unknown ones are ignored.
func compileSchema(text string) (*openapi3.Schema, []string) {
	var doc any
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, []string{"is not a JSON schema: " + jsonProblem(err)}
	}
	c := &schemaCompiler{places: map[string]any{}, built: map[string]*openapi3.Schema{}, where: map[*openapi3.Schema]string{}}
	c.collect("", doc)
	root := c.compile("", nil)
	if len(c.problems) > 0 {
		return nil, c.problems
	}
	all := reachable(root)
	if c.findLoops(all); len(c.problems) > 0 {
		return nil, c.problems
	}
	for _, s := range all {
		if s.Not != nil {
			// kin-openapi refuses null wherever not is, unless nullable: say
			// nullable exactly where the schema of not refuses null.
			s.Nullable = !acceptsNull(s.Not.Value)
		}
	}
	return root, nil
}

// acceptsNull says whether a compiled schema accepts null. Null is checked
// by no property or item, so this follows only the schemas applied to the
// same value, which findLoops has made sure end.
func acceptsNull(s *openapi3.Schema) bool {
	switch {
	case s.Always != nil:
		return *s.Always
	case s.Not != nil:
		return !acceptsNull(s.Not.Value)
	case len(s.AllOf) > 0:
		return !slices.ContainsFunc(s.AllOf, func(r *openapi3.SchemaRef) bool { return !acceptsNull(r.Value) })
	case len(s.AnyOf) > 0:
		return slices.ContainsFunc(s.AnyOf, func(r *openapi3.SchemaRef) bool { return acceptsNull(r.Value) })
	case len(s.OneOf) > 0:
		n := 0
		for _, r := range s.OneOf {
			if acceptsNull(r.Value) {
				n++
			}
		}
		return n == 1
	}
	return s.Nullable || s.Type.IncludesNull()
}

// A schemaCompiler compiles one document: places holds every schema in it
// by JSON pointer ("" is the root), built the compiled ones.
type schemaCompiler struct {
	places   map[string]any
	built    map[string]*openapi3.Schema
	problems []string
	where    map[*openapi3.Schema]string // pointer of each compiled schema, for loop problems
}

func (c *schemaCompiler) problem(ptr, format string, args ...any) {
	if ptr != "" {
		format = ptr + ": " + format
	}
	c.problems = append(c.problems, fmt.Sprintf(format, args...))
}

// Keywords that hold subschemas, by the shape they hold them in.
var (
	oneSchema  = []string{"items", "additionalProperties", "not"}
	schemaList = []string{"allOf", "anyOf", "oneOf"}
	schemaMap  = []string{"properties", "$defs", "definitions"}
)

// unchecked are the JSON Schema keywords that constrain a value but that
// kin-openapi's checker skips: a schema using one is refused rather than
// checked wrongly.
var unchecked = map[string]bool{
	"prefixItems": true, "additionalItems": true, "contains": true, "minContains": true, "maxContains": true,
	"patternProperties": true, "propertyNames": true, "dependentRequired": true, "dependentSchemas": true,
	"dependencies": true, "unevaluatedItems": true, "unevaluatedProperties": true,
	"if": true, "then": true, "else": true, "$dynamicRef": true, "$recursiveRef": true,
}

// collect records every schema of the document under its JSON pointer.
func (c *schemaCompiler) collect(ptr string, node any) {
	c.places[ptr] = node
	m, ok := node.(map[string]any)
	if !ok {
		return
	}
	for _, k := range oneSchema {
		if sub, ok := m[k]; ok {
			c.collect(ptr+"/"+k, sub)
		}
	}
	for _, k := range schemaList {
		subs, _ := m[k].([]any)
		for i, sub := range subs {
			c.collect(ptr+"/"+k+"/"+strconv.Itoa(i), sub)
		}
	}
	for _, k := range schemaMap {
		subs, _ := m[k].(map[string]any)
		for name, sub := range subs {
			c.collect(ptr+"/"+k+"/"+pointerEscaper.Replace(name), sub)
		}
	}
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// compile compiles the schema at ptr once. chain holds the $ref-only
// schemas followed to get there, to refuse a loop of them.
func (c *schemaCompiler) compile(ptr string, chain []string) *openapi3.Schema {
	if s, ok := c.built[ptr]; ok {
		return s
	}
	switch node := c.places[ptr].(type) {
	case bool:
		s := &openapi3.Schema{Always: &node}
		c.built[ptr], c.where[s] = s, ptr
		return s
	case map[string]any:
		if ref, ok := node["$ref"]; ok && onlyRef(node) {
			target, ok := c.target(ptr, ref)
			switch {
			case !ok:
				return anything
			case slices.Contains(chain, target) || target == ptr:
				c.problem(ptr, "$ref %q is a loop of $refs that never reaches a schema", ref)
				return anything
			}
			s := c.compile(target, append(chain, ptr))
			c.built[ptr] = s
			return s
		}
		if _, ok := node["$id"]; ok && ptr != "" {
			c.problem(ptr, "$id below the root changes what $refs mean; it is not supported")
		}
		s := &openapi3.Schema{}
		c.built[ptr], c.where[s] = s, ptr
		*s = c.build(ptr, node)
		return s
	}
	c.problem(ptr, "is not a schema (a JSON object or a boolean)")
	return anything
}

// anything stands in for a schema that has a problem (and so is never
// used to check a value).
var anything = &openapi3.Schema{}

// onlyRef reports whether m is a $ref and annotations, nothing that checks.
func onlyRef(m map[string]any) bool {
	for k := range m {
		if k != "$ref" && (checks[k] || unchecked[k]) {
			return false
		}
	}
	return true
}

// checks are the keywords build applies.
var checks = map[string]bool{
	"type": true, "enum": true, "const": true, "nullable": true, "$ref": true,
	"properties": true, "required": true, "additionalProperties": true, "items": true,
	"allOf": true, "anyOf": true, "oneOf": true, "not": true,
	"format": true, "pattern": true, "minLength": true, "maxLength": true,
	"minimum": true, "maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "multipleOf": true,
	"minItems": true, "maxItems": true, "uniqueItems": true, "minProperties": true, "maxProperties": true,
}

// target resolves a $ref found at ptr to the JSON pointer of its schema.
func (c *schemaCompiler) target(ptr string, ref any) (string, bool) {
	text, ok := ref.(string)
	if !ok {
		c.problem(ptr, "$ref must be a string")
		return "", false
	}
	fragment, local := strings.CutPrefix(text, "#")
	if !local {
		c.problem(ptr, "$ref %q is not local: only refs into this schema (\"#/$defs/...\") can be resolved", text)
		return "", false
	}
	target, err := url.PathUnescape(fragment)
	if err != nil || target != "" && !strings.HasPrefix(target, "/") {
		c.problem(ptr, "$ref %q is not a JSON pointer (\"#/$defs/Name\")", text)
		return "", false
	}
	if _, ok := c.places[target]; !ok {
		c.problem(ptr, "$ref %q points at no schema of this document", text)
		return "", false
	}
	return target, true
}

var jsonTypes = []string{"null", "boolean", "object", "array", "number", "integer", "string"}

// build compiles a schema object: the keywords that check this very value
// (type, enum, bounds, properties, items) make one kin-openapi schema; $ref,
// allOf, anyOf, oneOf and not join it under an allOf, so that each says
// for itself whether null is allowed (kin-openapi lets a nullable schema's
// null skip every other keyword).
func (c *schemaCompiler) build(ptr string, m map[string]any) openapi3.Schema {
	var s openapi3.Schema
	var parts openapi3.SchemaRefs
	var types, enum []any
	hasTypes, hasEnum, nullable, local := false, false, false, false
	for _, k := range slices.Sorted(maps.Keys(m)) {
		v, at := m[k], ptr+"/"+pointerEscaper.Replace(k)
		local = local || checks[k] && !applicators[k]
		switch k {
		case "type":
			hasTypes = true
			if types = asList(v); len(types) == 0 {
				c.problem(ptr, "type must be a type name or a non-empty list of them")
			}
			for _, t := range types {
				if name, _ := t.(string); !slices.Contains(jsonTypes, name) {
					c.problem(ptr, "type %v is not one of %s", t, strings.Join(jsonTypes, ", "))
				}
			}
		case "enum":
			list, ok := v.([]any)
			if !ok {
				c.problem(ptr, "enum must be a list")
			}
			enum, hasEnum = intersect(enum, hasEnum, list), true
		case "const":
			enum, hasEnum = intersect(enum, hasEnum, []any{v}), true
		case "nullable":
			b, ok := v.(bool)
			if !ok {
				c.problem(ptr, "nullable must be true or false")
			}
			nullable = b
		case "$ref":
			if target, ok := c.target(ptr, v); ok {
				parts = append(parts, openapi3.NewSchemaRef("", c.compile(target, nil)))
			}
		case "properties":
			props, ok := v.(map[string]any)
			if !ok {
				c.problem(ptr, "properties must be an object")
			}
			s.Properties = openapi3.Schemas{}
			for _, name := range slices.Sorted(maps.Keys(props)) {
				s.Properties[name] = openapi3.NewSchemaRef("", c.compile(at+"/"+pointerEscaper.Replace(name), nil))
			}
		case "required":
			list, _ := v.([]any)
			for _, name := range list {
				if name, ok := name.(string); ok {
					s.Required = append(s.Required, name)
				}
			}
			if list == nil || len(s.Required) != len(list) {
				c.problem(ptr, "required must be a list of property names")
			}
		case "additionalProperties":
			if b, ok := v.(bool); ok {
				s.AdditionalProperties.Has = &b
			} else {
				s.AdditionalProperties.Schema = openapi3.NewSchemaRef("", c.compile(at, nil))
			}
		case "items":
			if _, ok := v.([]any); ok {
				c.problem(ptr, "items as a list (a tuple of earlier drafts) cannot be checked")
				break
			}
			s.Items = openapi3.NewSchemaRef("", c.compile(at, nil))
		case "allOf", "anyOf", "oneOf":
			list, ok := v.([]any)
			if !ok || len(list) == 0 {
				c.problem(ptr, "%s must be a non-empty list of schemas", k)
				break
			}
			var refs openapi3.SchemaRefs
			for i := range list {
				refs = append(refs, openapi3.NewSchemaRef("", c.compile(at+"/"+strconv.Itoa(i), nil)))
			}
			switch k {
			case "allOf":
				parts = append(parts, refs...)
			case "anyOf":
				parts = append(parts, openapi3.NewSchemaRef("", &openapi3.Schema{AnyOf: refs}))
			case "oneOf":
				parts = append(parts, openapi3.NewSchemaRef("", &openapi3.Schema{OneOf: refs}))
			}
		case "not":
			parts = append(parts, openapi3.NewSchemaRef("", &openapi3.Schema{Not: openapi3.NewSchemaRef("", c.compile(at, nil))}))
		case "format":
			s.Format = c.text(ptr, k, v)
		case "pattern":
			s.Pattern = c.text(ptr, k, v)
			if err := (&openapi3.Schema{Pattern: s.Pattern}).Validate(context.Background()); err != nil {
				c.problem(ptr, "pattern %q is not a regular expression Go can check", s.Pattern)
			}
		case "minLength":
			s.MinLength = c.count(ptr, k, v)
		case "maxLength":
			s.MaxLength = new(c.count(ptr, k, v))
		case "minItems":
			s.MinItems = c.count(ptr, k, v)
		case "maxItems":
			s.MaxItems = new(c.count(ptr, k, v))
		case "minProperties":
			s.MinProps = c.count(ptr, k, v)
		case "maxProperties":
			s.MaxProps = new(c.count(ptr, k, v))
		case "minimum":
			s.Min = c.number(ptr, k, v)
		case "maximum":
			s.Max = c.number(ptr, k, v)
		case "multipleOf":
			if s.MultipleOf = c.number(ptr, k, v); s.MultipleOf != nil && *s.MultipleOf <= 0 {
				c.problem(ptr, "multipleOf must be > 0")
			}
		case "exclusiveMinimum", "exclusiveMaximum":
			bound := openapi3.ExclusiveBound{}
			if b, ok := v.(bool); ok {
				bound.Bool = &b // draft 4 and OpenAPI 3.0: says how minimum/maximum bounds
			} else {
				bound.Value = c.number(ptr, k, v)
			}
			if k == "exclusiveMinimum" {
				s.ExclusiveMin = bound
			} else {
				s.ExclusiveMax = bound
			}
		case "uniqueItems":
			b, ok := v.(bool)
			if !ok {
				c.problem(ptr, "uniqueItems must be true or false")
			}
			s.UniqueItems = b
		default:
			if unchecked[k] {
				c.problem(ptr, "%s is not supported: the output check cannot apply it", k)
			}
		}
	}
	nulls(&s, types, hasTypes, enum, hasEnum, nullable)
	if len(parts) == 0 {
		return s
	}
	if local {
		parts = append(openapi3.SchemaRefs{openapi3.NewSchemaRef("", &s)}, parts...)
	}
	return openapi3.Schema{AllOf: parts}
}

// applicators are the keywords that apply other schemas to the value.
var applicators = map[string]bool{"$ref": true, "allOf": true, "anyOf": true, "oneOf": true, "not": true}

// nulls sets s's type, enum and nullable. JSON Schema allows null where
// type and enum allow it (s's other keywords are about strings, numbers,
// arrays or objects); kin-openapi lets null through a nullable schema, or
// one whose type lists null, before any other keyword.
func nulls(s *openapi3.Schema, types []any, hasTypes bool, enum []any, hasEnum, nullable bool) {
	nullOK := !hasTypes || nullable || slices.Contains(types, any("null"))
	var names openapi3.Types
	for _, t := range types {
		if name, _ := t.(string); name != "null" {
			names = append(names, name)
		}
	}
	var values []any
	for _, v := range enum {
		if v != nil {
			values = append(values, v)
		}
	}
	if hasEnum {
		nullOK = nullOK && len(values) < len(enum)
	}
	if hasTypes && len(names) == 0 || hasEnum && len(values) == 0 {
		*s = openapi3.Schema{Type: &openapi3.Types{openapi3.TypeNull}} // null only, if even that
		if !nullOK {
			*s = openapi3.Schema{Always: new(false)}
		}
		return
	}
	if hasTypes {
		s.Type = &names
	}
	s.Enum, s.Nullable = values, nullOK
}

// intersect narrows an enum (when there is one already) to the values in list.
func intersect(enum []any, hasEnum bool, list []any) []any {
	if !hasEnum {
		return append([]any{}, list...)
	}
	var both []any
	for _, v := range enum {
		if slices.ContainsFunc(list, func(w any) bool { return reflect.DeepEqual(v, w) }) {
			both = append(both, v)
		}
	}
	return both
}

// asList returns a keyword's value as a list: a lone value becomes one.
func asList(v any) []any {
	if list, ok := v.([]any); ok {
		return list
	}
	return []any{v}
}

func (c *schemaCompiler) text(ptr, k string, v any) string {
	s, ok := v.(string)
	if !ok {
		c.problem(ptr, "%s must be a string", k)
	}
	return s
}

func (c *schemaCompiler) number(ptr, k string, v any) *float64 {
	f, ok := v.(float64)
	if !ok {
		c.problem(ptr, "%s must be a number", k)
		return nil
	}
	return &f
}

func (c *schemaCompiler) count(ptr, k string, v any) uint64 {
	f, ok := v.(float64)
	if !ok || f < 0 || f != math.Trunc(f) || f > 1<<53 {
		c.problem(ptr, "%s must be a whole number >= 0", k)
		return 0
	}
	return uint64(f)
}

// findLoops refuses a schema that applies itself to the same value without
// going through a property or an item, as {"$defs": {"A": {"allOf":
// [{"$ref": "#/$defs/A"}]}}} does: JSON Schema would never finish checking
// it, and kin-openapi would let anything through.
func (c *schemaCompiler) findLoops(all []*openapi3.Schema) {
	done := map[*openapi3.Schema]bool{}
	var path []*openapi3.Schema
	var visit func(*openapi3.Schema) bool
	visit = func(s *openapi3.Schema) bool {
		if i := slices.Index(path, s); i >= 0 {
			for _, on := range path[i:] {
				if ptr, ok := c.where[on]; ok {
					c.problem(ptr, "applies itself to the same value through $ref, allOf, anyOf, oneOf or not, and so never ends")
					return true
				}
			}
		}
		if done[s] {
			return false
		}
		path = append(path, s)
		for _, sub := range subschemas(s, false) {
			if visit(sub) {
				return true
			}
		}
		path = path[:len(path)-1]
		done[s] = true
		return false
	}
	for _, s := range all {
		if visit(s) {
			return
		}
	}
}

// reachable lists root and every schema under it.
func reachable(root *openapi3.Schema) []*openapi3.Schema {
	var all []*openapi3.Schema
	seen := map[*openapi3.Schema]bool{}
	var reach func(*openapi3.Schema)
	reach = func(s *openapi3.Schema) {
		if !seen[s] {
			seen[s] = true
			all = append(all, s)
			for _, sub := range subschemas(s, true) {
				reach(sub)
			}
		}
	}
	reach(root)
	return all
}

// subschemas lists the schemas s applies to the same value (allOf, anyOf,
// oneOf, not) and, with nested, those it applies to its items and properties.
func subschemas(s *openapi3.Schema, nested bool) []*openapi3.Schema {
	var subs []*openapi3.Schema
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.AnyOf, s.OneOf} {
		for _, r := range list {
			subs = append(subs, r.Value)
		}
	}
	if s.Not != nil {
		subs = append(subs, s.Not.Value)
	}
	if nested {
		if s.Items != nil {
			subs = append(subs, s.Items.Value)
		}
		if ap := s.AdditionalProperties.Schema; ap != nil {
			subs = append(subs, ap.Value)
		}
		for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
			subs = append(subs, s.Properties[name].Value)
		}
	}
	return subs
}
