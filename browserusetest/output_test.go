package browserusetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// strictFormats check the formats the generator makes more strictly than
// kin-openapi does by default (date-time with its zone offset, a URI with
// a scheme and a host, an address net/mail reads back the same).
var strictFormats = map[string]openapi3.StringFormatValidator{
	"uuid": regexpFormat(`^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`),
	"email": openapi3.NewCallbackValidator(func(s string) error {
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			return fmt.Errorf("not an address: %v", err)
		}
		return nil
	}),
	"uri": openapi3.NewCallbackValidator(func(s string) error {
		if u, err := url.Parse(s); err != nil || !u.IsAbs() || u.Host == "" {
			return fmt.Errorf("not an absolute URI: %v", err)
		}
		return nil
	}),
	"date":      layoutFormat(time.DateOnly),
	"date-time": layoutFormat(time.RFC3339),
	"time":      layoutFormat("15:04:05Z07:00"),
	"ipv4": openapi3.NewCallbackValidator(func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is4() {
			return errors.New("not IPv4")
		}
		return nil
	}),
	"ipv6": openapi3.NewCallbackValidator(func(s string) error {
		if a, err := netip.ParseAddr(s); err != nil || !a.Is6() {
			return errors.New("not IPv6")
		}
		return nil
	}),
	"hostname": regexpFormat(`^[a-z0-9]+(\.[a-z0-9]+)+$`),
	"duration": regexpFormat(`^P\d+D$`),
}

func regexpFormat(pattern string) openapi3.StringFormatValidator {
	re := regexp.MustCompile(pattern)
	return openapi3.NewCallbackValidator(func(s string) error {
		if !re.MatchString(s) {
			return fmt.Errorf("does not match %s", pattern)
		}
		return nil
	})
}

func layoutFormat(layout string) openapi3.StringFormatValidator {
	return openapi3.NewCallbackValidator(func(s string) error {
		_, err := time.Parse(layout, s)
		return err
	})
}

// validates reports why a JSON value does not validate against a JSON
// schema, by kin-openapi's JSON Schema 2020-12 validator (santhosh-tekuri/
// jsonschema, which also reads $defs, definitions and const) with
// strictFormats; and, when openAPI30 is set, by its OpenAPI 3.0 validator,
// the one browseruse checks outputs with, too.
func validates(schemaText, value string, openAPI30 bool) error {
	var schema openapi3.Schema
	if err := json.Unmarshal([]byte(schemaText), &schema); err != nil {
		return fmt.Errorf("schema: %w", err)
	}
	var v any
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		return fmt.Errorf("value %s: %w", value, err)
	}
	formats := openapi3.WithStringFormatValidators(strictFormats)
	if err := schema.VisitJSON(v, openapi3.EnableJSONSchema2020(), formats); err != nil {
		return fmt.Errorf("JSON Schema 2020-12: %w", err)
	}
	if openAPI30 {
		if err := schema.VisitJSON(v, formats); err != nil {
			return fmt.Errorf("OpenAPI 3.0: %w", err)
		}
	}
	return nil
}

// answer is the default script's answer to a task with this schema.
func answer(schema string) browserusetest.TaskResult {
	return browserusetest.DefaultTaskRunner(browserusetest.TaskInput{Task: "t", StructuredOutput: schema})
}

// TestDefaultScriptAnswersAValueOfThePydanticSchema: the schema Pydantic
// 2.13's model_json_schema() gives a model with nested models ($defs), an
// enum, Literal, Optional, bounds, a pattern, formats, a tuple, a set, a
// dict, a discriminated union and a recursive model. The answer validates;
// Pydantic itself accepted it too when this test was written (checked by
// hand: Python is not needed to run the tests).
func TestDefaultScriptAnswersAValueOfThePydanticSchema(t *testing.T) {
	schema, err := os.ReadFile("testdata/pydantic_person.json")
	require.NoError(t, err)
	got := answer(string(schema))
	require.False(t, got.Failed, got.Output)
	require.NoError(t, validates(string(schema), got.Output, false))
	require.JSONEq(t, `{
		"id": "3c90c3cc-0d44-4b50-8888-8dd25736052a", "name": "string", "age": 18, "score": 0.5, "stars": 1,
		"price": 1.25, "when": "2026-01-01T00:00:00Z", "birthday": "2026-01-01", "alarm": "00:00:00Z",
		"site": "https://example.com/", "color": "red", "kind": "person",
		"home": {"street": "string", "zip": "00000", "country": "string"},
		"work": {"street": "string", "zip": "00000", "country": "string"},
		"tags": ["string", "string1"], "codes": [0], "pair": [0, "string1"], "counts": {},
		"pet": {"pet_type": "cat", "meows": 0}, "tree": {"name": "string", "children": [{"name": "string"}]},
		"code": "AAA-0000", "anything": true}`, got.Output)
	require.Equal(t, got, answer(string(schema)), "the same schema, the same answer")

	// The validator is not a rubber stamp.
	require.Error(t, validates(string(schema), `{}`, false))
	require.Error(t, validates(string(schema), strings.Replace(got.Output, `"00000"`, `"0000"`, 1), false))
	require.Error(t, validates(string(schema), strings.Replace(got.Output, `"AAA-0000"`, `"AAA-000"`, 1), false))
	require.Error(t, validates(string(schema), strings.Replace(got.Output, `2026-01-01T00:00:00Z`, `2026-01-01T00:00:00`, 1), false))
	require.Error(t, validatesIfReadable(string(schema), strings.Replace(got.Output, `"cat"`, `"cow"`, 1)), "the fuzz target's check")
	require.Error(t, validatesIfReadable(`{"type":"integer"}`, `"x"`))
}

// TestDefaultScriptFollowsEachKeyword: one schema per rule, each answer
// validated (by both of kin-openapi's validators where the schema is
// OpenAPI 3.0 too) and compared with the value it should be.
func TestDefaultScriptFollowsEachKeyword(t *testing.T) {
	for _, tc := range []struct {
		name, schema, want string
		openAPI30          bool // the schema means the same in OpenAPI 3.0
	}{
		{"required and optional properties", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"},"c":{"type":"boolean"}},"required":["a"]}`, `{"a":"string","b":0,"c":true}`, true},
		{"required beyond properties", `{"type":"object","required":["x"],"additionalProperties":{"type":"integer"}}`, `{"x":0}`, true},
		{"minProperties", `{"type":"object","minProperties":2,"additionalProperties":{"type":"string","format":"email"}}`, `{"property1":"user@example.com","property2":"user@example.com"}`, true},
		{"maxProperties drops the optional", `{"type":"object","properties":{"a":{"type":"null"},"b":{"type":"null"},"c":{"type":"null"}},"required":["c"],"maxProperties":2}`, `{"a":null,"c":null}`, true},
		{"null type", `{"type":"null"}`, `null`, false},
		{"enum: the first", `{"type":"string","enum":["b","a"]}`, `"b"`, true},
		{"enum: the first of the type", `{"type":"integer","enum":["x",2.5,3]}`, `3`, true},
		{"const", `{"const":{"k":[1,"2"]}}`, `{"k":[1,"2"]}`, false},
		{"integer bounds", `{"type":"integer","minimum":3,"maximum":9}`, `3`, true},
		{"negative bounds", `{"type":"integer","maximum":-2.5}`, `-3`, true},
		{"exclusive bounds, numeric", `{"type":"number","exclusiveMinimum":0,"exclusiveMaximum":1}`, `0.5`, false},
		{"exclusive bounds, boolean", `{"type":"integer","minimum":7,"exclusiveMinimum":true}`, `8`, true},
		{"multipleOf", `{"type":"number","minimum":1.1,"multipleOf":0.25}`, `1.25`, true},
		{"multipleOf a decimal", `{"type":"number","minimum":0.25,"multipleOf":0.1}`, `0.3`, true},
		{"integer multipleOf a fraction", `{"type":"integer","minimum":1,"multipleOf":0.4}`, `2`, true},
		{"string", `{"type":"string"}`, `"string"`, true},
		{"minLength pads", `{"type":"string","minLength":8}`, `"stringxx"`, true},
		{"maxLength cuts", `{"type":"string","maxLength":3}`, `"ing"`, true},
		{"minLength in characters", `{"type":"string","pattern":"^é+$","minLength":3}`, `"ééé"`, true},
		{"pattern", `{"type":"string","pattern":"^[A-Z]{2}\\d{3}(-[a-z]+)?$"}`, `"AA000"`, true},
		{"pattern with minLength", `{"type":"string","pattern":"^[a-z]+$","minLength":5,"maxLength":5}`, `"aaaaa"`, true},
		{"pattern not anchored", `{"type":"string","pattern":"ab","minLength":5}`, `"abaaa"`, true},
		{"pattern negated class", `{"type":"string","pattern":"^[^a-z0-9]$"}`, `"A"`, true},
		{"pattern alternatives", `{"type":"string","pattern":"^(yes|no)$"}`, `"yes"`, true},
		{"date-time", `{"type":"string","format":"date-time"}`, `"2026-01-01T00:00:00Z"`, true},
		{"date", `{"type":"string","format":"date"}`, `"2026-01-01"`, true},
		{"time", `{"type":"string","format":"time"}`, `"00:00:00Z"`, false},
		{"uuid", `{"type":"string","format":"uuid"}`, `"3c90c3cc-0d44-4b50-8888-8dd25736052a"`, true},
		{"email", `{"type":"string","format":"email"}`, `"user@example.com"`, true},
		{"email with minLength", `{"type":"string","format":"email","minLength":20}`, `"userxxxx@example.com"`, true},
		{"uri", `{"type":"string","format":"uri","minLength":1,"maxLength":2083}`, `"https://example.com/"`, true},
		{"hostname", `{"type":"string","format":"hostname"}`, `"example.com"`, true},
		{"ipv4", `{"type":"string","format":"ipv4"}`, `"192.0.2.1"`, true},
		{"ipv6", `{"type":"string","format":"ipv6"}`, `"2001:db8::1"`, true},
		{"duration", `{"type":"string","format":"duration"}`, `"P1D"`, false},
		{"unknown format", `{"type":"string","format":"color"}`, `"string"`, true},
		{"array: one item", `{"type":"array","items":{"type":"integer","minimum":1}}`, `[1]`, true},
		{"array: minItems", `{"type":"array","items":{"type":"string"},"minItems":3}`, `["string","string1","string2"]`, true},
		{"array: maxItems 0", `{"type":"array","items":{"type":"string"},"maxItems":0}`, `[]`, true},
		{"uniqueItems", `{"type":"array","uniqueItems":true,"minItems":3,"items":{"type":"string","format":"date-time"}}`, `["2026-01-01T00:00:00Z","2026-01-01T00:00:01Z","2026-01-01T00:00:02Z"]`, true},
		{"uniqueItems of enums", `{"type":"array","uniqueItems":true,"minItems":2,"items":{"enum":["x","y"]}}`, `["x","y"]`, true},
		{"uniqueItems of objects", `{"type":"array","uniqueItems":true,"minItems":2,"items":{"type":"object","properties":{"n":{"type":"integer","maximum":10}},"required":["n"]}}`, `[{"n":0},{"n":1}]`, true},
		{"prefixItems", `{"type":"array","prefixItems":[{"type":"boolean"},{"type":"string"}],"minItems":2}`, `[true,"string1"]`, false},
		{"draft 7 tuple", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"array","items":[{"type":"integer"},{"type":"null"}],"minItems":2}`, `[0,null]`, false},
		{"type array with null", `{"type":["null","integer"],"minimum":4}`, `4`, false},
		{"nullable", `{"type":"string","nullable":true}`, `"string"`, true},
		{"anyOf: first, null last", `{"anyOf":[{"type":"null"},{"type":"string","format":"uuid"}]}`, `"3c90c3cc-0d44-4b50-8888-8dd25736052a"`, true},
		{"anyOf: the first that can be made", `{"anyOf":[{"type":"string","minLength":3,"maxLength":2},{"type":"boolean"}]}`, `true`, true},
		{"oneOf", `{"oneOf":[{"type":"object","properties":{"kind":{"const":"a"}},"required":["kind"]},{"type":"integer"}]}`, `{"kind":"a"}`, false},
		{"allOf merged", `{"allOf":[{"type":"object","properties":{"a":{"type":"integer","minimum":2}},"required":["a"]},{"properties":{"a":{"maximum":5},"b":{"type":"string"}},"required":["b"]}]}`, `{"a":2,"b":"string"}`, true},
		{"allOf of numbers", `{"allOf":[{"type":"number"},{"type":"integer","minimum":1.5},{"maximum":9}]}`, `2`, true},
		{"$defs", `{"$defs":{"P":{"type":"object","properties":{"x":{"type":"integer","minimum":3}},"required":["x"]}},"type":"object","properties":{"p":{"$ref":"#/$defs/P"}},"required":["p"]}`, `{"p":{"x":3}}`, false},
		{"definitions", `{"definitions":{"P":{"type":"string","enum":["only"]}},"type":"array","items":{"$ref":"#/definitions/P"}}`, `["only"]`, false},
		{"$ref with siblings", `{"$defs":{"N":{"type":"integer"}},"$ref":"#/$defs/N","minimum":10}`, `10`, false},
		{"$ref escapes", `{"$defs":{"a/b~c d":{"const":1}},"$ref":"#/$defs/a~1b~0c%20d"}`, `1`, false},
		{"$ref to the root, cut at the cycle", `{"type":"object","properties":{"name":{"type":"string"},"next":{"$ref":"#"}},"required":["name"]}`, `{"name":"string","next":{"name":"string"}}`, false},
		{"boolean schemas", `{"type":"object","properties":{"any":true,"none":false},"required":["any"]}`, `{"any":true}`, false},
		{"no type", `{}`, `true`, true},
		{"no type, a keyword", `{"minimum":3}`, `3`, true},
		{"no type, bounds nothing fits", `{"minimum":3,"maximum":1}`, `true`, true},
		{"no type, unique", `{"type":"array","uniqueItems":true,"minItems":3,"items":{}}`, `[true,false,2]`, true},
		{"annotations", `{"title":"T","description":"d","examples":["x"],"default":"y","type":"string","deprecated":true,"x-order":1}`, `"string"`, true},
		{"zod-to-json-schema shape", `{"$schema":"http://json-schema.org/draft-07/schema#","type":"object","additionalProperties":false,
			"properties":{"name":{"type":"string","minLength":1},"role":{"type":"string","enum":["admin","user"]},"nick":{"type":["string","null"]},
				"address":{"$ref":"#/definitions/Address"}},"required":["name","role","nick","address"],
			"definitions":{"Address":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}}}`,
			`{"name":"string","role":"admin","nick":"string","address":{"city":"string"}}`, false},
		{"optional it cannot make is left out", `{"type":"object","properties":{"a":{"type":"string"},"b":{"not":{}}}}`, `{"a":"string"}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := answer(tc.schema)
			require.False(t, got.Failed, got.Output)
			require.JSONEq(t, tc.want, got.Output)
			if tc.name != "draft 7 tuple" { // kin-openapi cannot read an array of items
				require.NoError(t, validates(tc.schema, got.Output, tc.openAPI30))
			}
		})
	}
}

// TestDefaultScriptFailsTheTaskItCannotAnswer: a schema the generator
// cannot satisfy, or does not follow, fails the task with an output that
// says where and why, rather than a value that would not validate.
func TestDefaultScriptFailsTheTaskItCannotAnswer(t *testing.T) {
	for _, tc := range []struct{ schema, why string }{
		{`{"type":`, "not JSON"},
		{`{} {}`, "not one JSON value"},
		{`[1]`, "a schema is an object or a boolean"},
		{`false`, "allows no value"},
		{`{"not":{"type":"string"}}`, `"not"`},
		{`{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"if":{}}},"required":["b"]}},"required":["a"]}`, `at /a/b: the keyword "if"`},
		{`{"$ref":"https://example.com/s.json"}`, "not local"},
		{`{"$ref":"#/$defs/missing"}`, "points to nothing"},
		{`{"$ref":5}`, "not a string"},
		{`{"type":"integer","minimum":5,"maximum":1}`, "no number fits"},
		{`{"type":"integer","minimum":1,"maximum":1.5,"multipleOf":2}`, "no multiple of 2"},
		{`{"type":"number","multipleOf":-1}`, "positive"},
		{`{"type":"string","minLength":3,"maxLength":2}`, "more than maxLength"},
		{`{"type":"string","minLength":100000}`, "more than the fake makes"},
		{`{"type":"string","pattern":"^(?=a)"}`, "not RE2 syntax"},
		{`{"type":"string","pattern":"^a$","minLength":2}`, "pattern"},
		{`{"type":"string","format":"date","maxLength":4}`, "cannot make a date"},
		{`{"type":"array","minItems":5000}`, "more than the fake makes"},
		{`{"type":"array","items":{"const":1},"minItems":2,"uniqueItems":true}`, "distinct"},
		{`{"type":"array","items":{"type":"boolean"},"minItems":3,"uniqueItems":true}`, "only two booleans"},
		{`{"type":"object","required":["x"],"additionalProperties":false}`, `"x" is required`},
		{`{"type":"object","properties":{"a":{"type":"null"}},"required":["a","b"],"maxProperties":1,"additionalProperties":{}}`, "maxProperties is 1"},
		{`{"$defs":{"L":{"type":"object","properties":{"next":{"$ref":"#/$defs/L"}},"required":["next"]}},"$ref":"#/$defs/L"}`, "deeper than 64"},
		{`{"$defs":{"A":{"$ref":"#/$defs/A"}},"allOf":[{"$ref":"#/$defs/A"}]}`, "circle"},
		{`{"allOf":[{"type":"string"},{"type":"integer"}]}`, "types"},
		{`{"allOf":[{"enum":[1]},{"enum":[2]}]}`, "no value in common"},
		{`{"allOf":[{"pattern":"a"},{"pattern":"b"}]}`, `"pattern" two values`},
		{`{"type":"string","enum":[1,2]}`, "no value of the schema's type"},
		{`{"anyOf":[]}`, "lists no schema"},
		{`{"type":"array","minItems":200,"items":{"type":"array","minItems":200}}`, "more than 10000 values"},
	} {
		got := answer(tc.schema)
		require.True(t, got.Failed, "%s: %s", tc.schema, got.Output)
		require.False(t, got.Success != nil && *got.Success, tc.schema)
		require.Contains(t, got.Output, tc.why, tc.schema)
		require.True(t, strings.HasPrefix(got.Output, "browserusetest: the default script cannot make an output for this structuredOutput"), got.Output)
		require.Contains(t, got.Output, "WithTaskRunner", "it says what to do")
	}
}

// TestRunTaskAsOnTheDefaultScript: RunTaskAs against the fake, with no
// script, decodes the value made from OutputSchema[T]; a schema the fake
// cannot answer fails the task with the reason in its output.
func TestRunTaskAsOnTheDefaultScript(t *testing.T) {
	type Flight struct {
		Airline string    `json:"airline"`
		Price   float64   `json:"price"`
		Departs time.Time `json:"departs"`
		Stops   []string  `json:"stops"`
	}
	_, c := start(t)
	ctx := context.Background()
	flight, task, err := browseruse.RunTaskAs[Flight](ctx, c, browseruse.CreateTaskParams{Task: "find a flight"})
	require.NoError(t, err)
	require.Equal(t, Flight{Airline: "string", Departs: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), Stops: []string{"string"}}, flight)
	require.True(t, browseruse.Deref(task.IsSuccess))

	_, err = c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t", StructuredOutput: `{"not":{}}`})
	var failed *browseruse.TaskError
	require.ErrorAs(t, err, &failed)
	require.Contains(t, browseruse.Deref(failed.Task.Output), `the keyword "not"`)
}

// FuzzDefaultTaskRunnerOutput: no schema makes the default script panic;
// an answer it does not fail is JSON, and validates against the schema
// whenever kin-openapi's JSON Schema validator reads it (oneOf aside: the
// script takes it as anyOf, as documented).
func FuzzDefaultTaskRunnerOutput(f *testing.F) {
	person, err := os.ReadFile("testdata/pydantic_person.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(person))
	for _, s := range []string{
		`{"type":"object","properties":{"a":{"type":"string","pattern":"^x+[0-9]{2,}$","minLength":6}},"required":["a"]}`,
		`{"type":"array","uniqueItems":true,"minItems":4,"items":{"type":"number","minimum":0,"maximum":1}}`,
		`{"allOf":[{"anyOf":[{"type":"string"},{"type":"integer"}]},{"anyOf":[{"type":"integer","minimum":2},{"type":"null"}]}]}`,
		`{"$defs":{"T":{"type":"object","properties":{"kids":{"type":"array","items":{"$ref":"#/$defs/T"}}}}},"$ref":"#/$defs/T"}`,
		`{"type":["string","null"],"format":"email","maxLength":30,"minLength":25}`,
		`{"type":"integer","exclusiveMaximum":-1e300,"multipleOf":1e-7}`,
		`{"type":"string","pattern":"\\b\\w+\\b|[\\x00-\\x1f]{3}"}`,
		`{"items":[{"const":null}],"additionalItems":false,"minItems":2}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, schema string) {
		got := answer(schema) // must not panic
		if got.Failed || schema == "" {
			return // "" asks for no structured output
		}
		var v any
		if err := json.Unmarshal([]byte(got.Output), &v); err != nil {
			t.Fatalf("%s: answered %q, not JSON: %v", schema, got.Output, err)
		}
		if strings.Contains(schema, "oneOf") {
			return
		}
		if err := validatesIfReadable(schema, got.Output); err != nil {
			t.Fatalf("%s: answered %s: %v", schema, got.Output, err)
		}
	})
}

// validatesIfReadable is validates with the 2020-12 validator alone, nil
// when kin-openapi cannot read the schema (it is not one JSON Schema
// draft the validator takes, or kin-openapi fails on it).
func validatesIfReadable(schemaText, value string) (err error) {
	var schema openapi3.Schema
	if json.Unmarshal([]byte(schemaText), &schema) != nil {
		return nil
	}
	var raw any
	if json.Unmarshal([]byte(schemaText), &raw) != nil || miscased(raw) {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(value), &v); err != nil {
		return err
	}
	defer func() {
		if recover() != nil {
			err = nil // kin-openapi's own failure, not the answer's
		}
	}()
	err = schema.VisitJSON(v, openapi3.EnableJSONSchema2020(), openapi3.WithStringFormatValidators(strictFormats))
	if err != nil && !fromJSONSchemaValidator(err) {
		return nil // kin-openapi could not compile it, and fell back to its OpenAPI 3.0 validator
	}
	return err
}

// fromJSONSchemaValidator reports whether err holds an error of
// santhosh-tekuri/jsonschema, the validator behind EnableJSONSchema2020
// (kin-openapi keeps it reachable with errors.As; its module is not
// imported here, so it is matched by a method and its type's name).
func fromJSONSchemaValidator(err error) bool {
	var inner interface {
		error
		GoString() string
	}
	return errors.As(err, &inner) && fmt.Sprintf("%T", inner) == "*jsonschema.ValidationError"
}

// kinKeywords are the JSON names of openapi3.Schema's fields, and $ref.
var kinKeywords = func() []string {
	names := []string{"$ref"}
	st := reflect.TypeFor[openapi3.Schema]()
	for i := range st.NumField() {
		if name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}()

// miscased reports whether a schema has a key that kin-openapi, which
// decodes with encoding/json, would take for a keyword spelt otherwise
// ("tYpe" for "type"), though JSON Schema keywords are case-sensitive.
func miscased(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, inner := range v {
			for _, kw := range kinKeywords {
				if k != kw && strings.EqualFold(k, kw) {
					return true
				}
			}
			if miscased(inner) {
				return true
			}
		}
	case []any:
		for _, inner := range v {
			if miscased(inner) {
				return true
			}
		}
	}
	return false
}
