package browseruse

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// checkOutput compiles schema as RunTaskAs does and checks output with it:
// "" when the output is accepted, else the violations or the refusal.
func checkOutput(schema, output string) string {
	s, err := outputSchema(schema)
	if err != nil {
		return "refused: " + err.Error()
	}
	_, err = decodeOutput[any](&Task{ID: "t", Output: &output}, s)
	var oe *OutputError
	if errors.As(err, &oe) {
		return strings.Join(oe.Violations, "; ")
	}
	if err != nil {
		return "unexpected: " + err.Error()
	}
	return ""
}

// pydanticPerson is what Pydantic v2's Person.model_json_schema() gives for
// a model with a nested model, an optional field, a literal and a
// self-reference: every nested model is a $ref into $defs.
const pydanticPerson = `{
  "$defs": {
    "Address": {
      "properties": {
        "city": {"title": "City", "type": "string"},
        "zip": {"anyOf": [{"type": "string"}, {"type": "null"}], "default": null, "title": "Zip"}
      },
      "required": ["city"], "title": "Address", "type": "object"
    }
  },
  "properties": {
    "name": {"description": "full name", "title": "Name", "type": "string"},
    "address": {"$ref": "#/$defs/Address"},
    "kind": {"enum": ["a", "b"], "title": "Kind", "type": "string"},
    "parent": {"anyOf": [{"$ref": "#"}, {"type": "null"}], "default": null}
  },
  "required": ["name", "address", "kind"], "title": "Person", "type": "object"
}`

// pydanticPets is a discriminated union as Pydantic v2 writes it: oneOf of
// $refs, with an OpenAPI discriminator (an annotation to JSON Schema) and a
// const tag in each model.
const pydanticPets = `{"$defs":{
  "Cat":{"properties":{"pet_type":{"const":"cat","title":"Pet Type","type":"string"},"meows":{"type":"integer"}},"required":["pet_type","meows"],"type":"object"},
  "Dog":{"properties":{"pet_type":{"const":"dog","title":"Pet Type","type":"string"},"barks":{"type":"boolean"}},"required":["pet_type","barks"],"type":"object"}},
 "properties":{"pet":{"discriminator":{"mapping":{"cat":"#/$defs/Cat","dog":"#/$defs/Dog"},"propertyName":"pet_type"},
   "oneOf":[{"$ref":"#/$defs/Cat"},{"$ref":"#/$defs/Dog"}],"title":"Pet"}},
 "required":["pet"],"title":"Owner","type":"object"}`

// pydanticV1 is Pydantic v1's shape: definitions, and allOf around a $ref
// that carries a description.
const pydanticV1 = `{"title":"Order","type":"object","properties":{
  "item":{"title":"Item","description":"what was bought","allOf":[{"$ref":"#/definitions/Item"}]}},
 "required":["item"],
 "definitions":{"Item":{"title":"Item","type":"object","properties":{"sku":{"title":"Sku","type":"string"}},"required":["sku"]}}}`

// TestOutputCheckFollowsJSONSchema: each output is accepted or refused as
// JSON Schema says, whatever kin-openapi (an OpenAPI 3.0 checker) would
// make of the keyword by itself.
func TestOutputCheckFollowsJSONSchema(t *testing.T) {
	for _, c := range []struct{ name, schema, output, want string }{
		{"pydantic $defs", pydanticPerson, `{"name":"Ann","address":{"city":"Lisbon","zip":null},"kind":"a"}`, ""},
		{"pydantic $defs, nested rule", pydanticPerson, `{"name":"Ann","address":{"zip":"1000"},"kind":"a"}`, "/address/city: is required"},
		{"pydantic $defs, nested type", pydanticPerson, `{"name":"Ann","address":{"city":"L","zip":7},"kind":"a"}`, "/address/zip:"},
		{"root recursion", pydanticPerson, `{"name":"A","address":{"city":"L"},"kind":"a","parent":{"name":"B","address":{"city":"P"},"kind":"b","parent":null}}`, ""},
		{"root recursion, deep rule", pydanticPerson, `{"name":"A","address":{"city":"L"},"kind":"a","parent":{"name":"B","address":{"city":"P"},"kind":"c"}}`, "/parent: must match a schema of anyOf"},
		{"pydantic v1 definitions", pydanticV1, `{"item":{"sku":"X1"}}`, ""},
		{"pydantic v1 definitions, rule", pydanticV1, `{"item":{}}`, "/item/sku: is required"},
		{"oneOf with discriminator", pydanticPets, `{"pet":{"pet_type":"dog","barks":true}}`, ""},
		{"oneOf with discriminator, wrong tag", pydanticPets, `{"pet":{"pet_type":"dog","meows":3}}`, "/pet/pet_type: must be one of cat"},
		{"type list with null: null", `{"type":["string","null"]}`, `null`, ""},
		{"type list with null: string", `{"type":["string","null"]}`, `"x"`, ""},
		{"type list with null: number", `{"type":["string","null"]}`, `1`, "(output): must be of type string or null"},
		{"type list: integer", `{"type":["integer","null"]}`, `1.5`, "(output): must be of type integer or null"},
		{"type list: two types", `{"type":["integer","string"]}`, `true`, "must be of type integer or string"},
		{"type list: integer or string", `{"type":["integer","string"]}`, `"7"`, ""},
		{"type null only", `{"type":"null"}`, `0`, "must be of type null"},
		{"const", `{"const":"a"}`, `"b"`, "must be one of a"},
		{"const, matched", `{"const":"a"}`, `"a"`, ""},
		{"const null", `{"const":null}`, `null`, ""},
		{"const null, not null", `{"const":null}`, `"a"`, "(output):"},
		{"const refuses null", `{"const":"a"}`, `null`, "(output):"},
		{"const and enum agree", `{"const":"a","enum":["a","b"]}`, `"b"`, "(output):"},
		{"const outside enum", `{"const":"a","enum":["b"]}`, `"a"`, "(output): is not allowed here"},
		{"empty enum", `{"enum":[]}`, `"a"`, "(output): is not allowed here"},
		{"enum with null", `{"enum":["a",null]}`, `null`, ""},
		{"enum with null, other", `{"enum":["a",null]}`, `"b"`, "must be one of a"},
		{"type refuses the null enum allows", `{"type":"string","enum":["a",null]}`, `null`, "(output):"},
		{"enum refuses the null type allows", `{"type":["string","null"],"enum":["a"]}`, `null`, "(output):"},
		{"enum of numbers", `{"enum":[1,2.5]}`, `2.5`, ""},
		{"anyOf with null", `{"anyOf":[{"type":"string"},{"type":"null"}]}`, `null`, ""},
		{"anyOf with null, number", `{"anyOf":[{"type":"string"},{"type":"null"}]}`, `1`, "(output): must match a schema of anyOf"},
		{"anyOf beside enum: null", `{"anyOf":[{"type":"null"},{"type":"string"}],"enum":["a"]}`, `null`, "(output):"},
		{"anyOf beside enum: value", `{"anyOf":[{"type":"null"},{"type":"string"}],"enum":["a"]}`, `"a"`, ""},
		{"anyOf with an empty schema takes null", `{"anyOf":[{},{"type":"string"}]}`, `null`, ""},
		{"empty schema takes null", `{"type":"object","properties":{"extra":{}}}`, `{"extra":null}`, ""},
		{"nullable (OpenAPI 3.0)", `{"type":"string","nullable":true}`, `null`, ""},
		{"not", `{"not":{"type":"null"}}`, `null`, "(output): must not match the schema of not"},
		{"not, other value", `{"not":{"type":"null"}}`, `1`, ""},
		{"not takes the null its schema refuses", `{"not":{"type":"string"}}`, `null`, ""},
		{"not not", `{"not":{"not":{"type":["string","null"]}}}`, `null`, ""},
		{"true subschema", `{"properties":{"x":true}}`, `{"x":[1,{}]}`, ""},
		{"false subschema", `{"properties":{"x":false}}`, `{"x":1}`, "/x: is not allowed here"},
		{"false subschema, absent", `{"properties":{"x":false}}`, `{}`, ""},
		{"false items", `{"type":"array","items":false}`, `[1]`, "/0: is not allowed here"},
		{"false root", `false`, `{}`, "(output): is not allowed here"},
		{"additionalProperties false", `{"type":"object","properties":{"a":{}},"additionalProperties":false}`, `{"a":1,"b":2}`, "(output): has a property the schema does not allow"},
		{"additionalProperties schema", `{"type":"object","additionalProperties":{"type":"integer"}}`, `{"b":"x"}`, "/b: must be of type integer"},
		{"$ref beside a keyword (2020-12)", `{"$defs":{"S":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/S","maxLength":3}}}`, `{"a":"abcd"}`, "/a: must be at most 3 characters long"},
		{"$ref beside a keyword, type", `{"$defs":{"S":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/S","maxLength":3}}}`, `{"a":5}`, "/a: must be of type string"},
		{"$ref beside a keyword, fits", `{"$defs":{"S":{"type":"string"}},"properties":{"a":{"$ref":"#/$defs/S","maxLength":3}}}`, `{"a":"abc"}`, ""},
		{"root $ref (invopop)", `{"$schema":"https://json-schema.org/draft/2020-12/schema","$ref":"#/$defs/T","$defs":{"T":{"type":"object","required":["a"],"properties":{"a":{"type":"string"}}}}}`, `{}`, "/a: is required"},
		{"escaped def names", `{"$defs":{"a/b":{"type":"string"},"My Model":{"type":"integer"}},"properties":{"x":{"$ref":"#/$defs/a~1b"},"y":{"$ref":"#/$defs/My%20Model"}}}`, `{"x":1,"y":"z"}`, "/x: must be of type string; /y: must be of type integer"},
		{"ref to a property", `{"properties":{"a":{"type":"string"},"b":{"$ref":"#/properties/a"}}}`, `{"b":1}`, "/b: must be of type string"},
		{"ref chain", `{"$defs":{"A":{"$ref":"#/$defs/B"},"B":{"type":"integer"}},"$ref":"#/$defs/A"}`, `"x"`, "(output): must be of type integer"},
		{"recursion through items", `{"type":"object","required":["name"],"properties":{"name":{"type":"string"},"children":{"type":"array","items":{"$ref":"#"}}}}`, `{"name":"a","children":[{"name":"b","children":[{}]}]}`, "/children/0/children/0/name: is required"},
		{"mutual recursion", `{"$defs":{"A":{"type":"object","properties":{"b":{"$ref":"#/$defs/B"}}},"B":{"type":"object","properties":{"a":{"$ref":"#/$defs/A"}},"required":["a"]}},"$ref":"#/$defs/A"}`, `{"b":{"a":{"b":{}}}}`, "/b/a/b/a: is required"},
		{"exclusiveMinimum (2020-12)", `{"exclusiveMinimum":5}`, `5`, "(output): is out of the schema's exclusive bounds"},
		{"exclusiveMinimum (OpenAPI 3.0)", `{"minimum":5,"exclusiveMinimum":true}`, `5`, "(output):"},
		{"multipleOf", `{"multipleOf":0.5}`, `0.75`, "must be a multiple of 0.5"},
		{"uuid format", `{"type":"string","format":"uuid"}`, `"nope"`, "must be a valid uuid"},
		{"unknown format is an annotation", `{"type":"string","format":"postal-code"}`, `"anything"`, ""},
		{"annotations are ignored", `{"type":"string","title":"T","description":"d","default":1,"examples":[2],"readOnly":true,"deprecated":true,"x-foo":{}}`, `"s"`, ""},
	} {
		assert.Equal(t, c.want == "", checkOutput(c.schema, c.output) == "", "%s: %s", c.name, checkOutput(c.schema, c.output))
		assert.Contains(t, checkOutput(c.schema, c.output), c.want, c.name)
	}
}

// TestOutputSchemaRefusesWhatItCannotCheck: a schema whose check would be
// wrong, or that cannot be resolved, is refused (as an invalid
// StructuredOutput, before any task) with the problem named.
func TestOutputSchemaRefusesWhatItCannotCheck(t *testing.T) {
	for _, c := range []struct{ name, schema, want string }{
		{"not JSON", `{not json`, "is not a JSON schema"},
		{"trailing data", `{} {}`, "is not a JSON schema"},
		{"not a schema", `[1]`, "is not a schema"},
		{"remote ref", `{"$ref":"https://example.com/s.json"}`, `$ref "https://example.com/s.json" is not local`},
		{"relative file ref", `{"properties":{"a":{"$ref":"other.json#/$defs/A"}}}`, `/properties/a: $ref "other.json#/$defs/A" is not local`},
		{"missing target", `{"properties":{"a":{"$ref":"#/$defs/Missing"}}}`, `/properties/a: $ref "#/$defs/Missing" points at no schema`},
		{"missing target beside keywords", `{"type":"object","$ref":"#/definitions/Missing"}`, `$ref "#/definitions/Missing" points at no schema`},
		{"target is no schema", `{"properties":{"a":{"type":"string"}},"items":{"$ref":"#/properties"}}`, `$ref "#/properties" points at no schema`},
		{"anchor", `{"$ref":"#node"}`, `$ref "#node" is not a JSON pointer`},
		{"bad escape", `{"$ref":"#/$defs/%zz"}`, `is not a JSON pointer`},
		{"ref not a string", `{"$ref":5}`, "$ref must be a string"},
		{"self ref", `{"$defs":{"A":{"$ref":"#/$defs/A"}},"$ref":"#/$defs/A"}`, "a loop of $refs"},
		{"ref loop", `{"$defs":{"A":{"$ref":"#/$defs/B"},"B":{"$ref":"#/$defs/A"}},"properties":{"x":{"$ref":"#/$defs/A"}}}`, "a loop of $refs"},
		{"allOf loop", `{"$defs":{"A":{"type":"object","allOf":[{"$ref":"#/$defs/A"}]}},"properties":{"x":{"$ref":"#/$defs/A"}}}`, "/$defs/A: applies itself to the same value"},
		{"root loop", `{"type":"object","anyOf":[{"$ref":"#"}]}`, "applies itself to the same value"},
		{"not loop", `{"$defs":{"A":{"not":{"$ref":"#/$defs/A"}}},"$ref":"#/$defs/A"}`, "applies itself to the same value"},
		{"prefixItems", `{"type":"array","prefixItems":[{"type":"string"}]}`, "prefixItems is not supported"},
		{"tuple items", `{"type":"array","items":[{"type":"string"}]}`, "items as a list"},
		{"if/then", `{"if":{"type":"string"},"then":{"minLength":2}}`, "if is not supported"},
		{"patternProperties", `{"properties":{"a":{"patternProperties":{"^x":{}}}}}`, "/properties/a: patternProperties is not supported"},
		{"dependentRequired", `{"dependentRequired":{"a":["b"]}}`, "dependentRequired is not supported"},
		{"unevaluatedProperties", `{"unevaluatedProperties":false}`, "unevaluatedProperties is not supported"},
		{"nested $id", `{"properties":{"a":{"$id":"https://example.com/a","type":"string"}}}`, "/properties/a: $id below the root"},
		{"pattern Go cannot run", `{"type":"string","pattern":"^(?!x)"}`, `pattern "^(?!x)" is not a regular expression Go can check`},
		{"unknown type", `{"type":"str"}`, "type str is not one of"},
		{"empty type list", `{"type":[]}`, "type must be a type name or a non-empty list"},
		{"negative minLength", `{"minLength":-1}`, "minLength must be a whole number >= 0"},
		{"fractional maxItems", `{"maxItems":1.5}`, "maxItems must be a whole number >= 0"},
		{"zero multipleOf", `{"multipleOf":0}`, "multipleOf must be > 0"},
		{"string minimum", `{"minimum":"1"}`, "minimum must be a number"},
		{"required not a list", `{"required":"a"}`, "required must be a list of property names"},
		{"properties not an object", `{"properties":[]}`, "properties must be an object"},
		{"property not a schema", `{"properties":{"a":5}}`, "/properties/a: is not a schema"},
		{"empty anyOf", `{"anyOf":[]}`, "anyOf must be a non-empty list of schemas"},
		{"enum not a list", `{"enum":"a"}`, "enum must be a list"},
		{"nullable not a bool", `{"nullable":"yes"}`, "nullable must be true or false"},
	} {
		_, err := outputSchema(c.schema)
		var rv *RequestValidationError
		if assert.ErrorAs(t, err, &rv, c.name) {
			assert.ErrorIs(t, err, ErrInvalidParams, c.name)
			assert.Equal(t, "RunTaskAs", rv.Operation, c.name)
			assert.Contains(t, err.Error(), "StructuredOutput (structuredOutput): ", c.name)
			assert.Contains(t, err.Error(), c.want, c.name)
		}
	}
	// Only what the check reaches is compiled: an unused $defs entry does
	// not matter, whatever it holds.
	_, err := outputSchema(`{"type":"object","$defs":{"Old":{"if":{},"$ref":"https://example.com"}}}`)
	require.NoError(t, err)
}
