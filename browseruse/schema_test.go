package browseruse_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// pydanticFlights is Pydantic v2's model_json_schema() of a model with a
// nested model and a list of them: each nested model is a $ref into $defs.
const pydanticFlights = `{"$defs":{"Flight":{"properties":{
    "airline":{"title":"Airline","type":"string"},
    "price":{"title":"Price","type":"number"},
    "note":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Note"}},
   "required":["airline","price"],"title":"Flight","type":"object"}},
 "properties":{"cheapest":{"$ref":"#/$defs/Flight"},"flights":{"items":{"$ref":"#/$defs/Flight"},"title":"Flights","type":"array"}},
 "required":["cheapest","flights"],"title":"Flights","type":"object"}`

// TestRunTaskAsResolvesPydanticRefs: a schema with $refs into $defs checks
// the output, nested rules included (kin-openapi alone panicked on it, after
// the task had run); one whose $ref cannot be resolved creates no task.
func TestRunTaskAsResolvesPydanticRefs(t *testing.T) {
	type Flight struct {
		Airline string  `json:"airline"`
		Price   float64 `json:"price"`
		Note    *string `json:"note"`
	}
	type Flights struct {
		Cheapest Flight   `json:"cheapest"`
		Flights  []Flight `json:"flights"`
	}
	output := `{"cheapest":{"airline":"TAP","price":89.99},"flights":[{"airline":"TAP","price":89.99,"note":null}]}`
	srv, c := taskEnv(t, func(browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: output}
	})
	ctx := context.Background()
	got, _, err := browseruse.RunTaskAs[Flights](ctx, c, browseruse.CreateTaskParams{Task: "t", StructuredOutput: pydanticFlights}, fastPolls)
	require.NoError(t, err)
	require.Equal(t, Flights{Cheapest: Flight{Airline: "TAP", Price: 89.99}, Flights: []Flight{{Airline: "TAP", Price: 89.99}}}, got)

	output = `{"cheapest":{"airline":"TAP"},"flights":[{"airline":"TAP","price":"cheap"}]}`
	_, _, err = browseruse.RunTaskAs[Flights](ctx, c, browseruse.CreateTaskParams{Task: "t", StructuredOutput: pydanticFlights}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrOutputMismatch)
	require.ErrorContains(t, err, "/cheapest/price: is required; /flights/0/price: must be of type number")

	srv.ResetRequests()
	_, _, err = browseruse.RunTaskAs[Flights](ctx, c, browseruse.CreateTaskParams{Task: "t",
		StructuredOutput: `{"properties":{"flights":{"items":{"$ref":"#/$defs/Flight"}}}}`}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.ErrorContains(t, err, `StructuredOutput (structuredOutput): /properties/flights/items: $ref "#/$defs/Flight" points at no schema`)
	require.Zero(t, srv.RequestCount(""), "nothing is sent")
}

// Types for TestOutputSchemaFitsEncodingJSON.
type (
	schemaBase struct {
		ID int `json:"id"`
	}
	schemaPtr struct {
		Note *string `json:"note"`
	}
	schemaRaw struct {
		Raw json.RawMessage `json:"raw"`
	}
	schemaQuoted struct {
		N int     `json:"n,string"`
		U uint16  `json:"u,string"`
		F float64 `json:"f,string"`
		B bool    `json:"b,string"`
		S string  `json:"s,string"`
		P *int    `json:"p,string"`
		//lint:ignore SA5008 the case is encoding/json's rule: ,string applies to scalars only
		L []int `json:"l,string"`
	}
	schemaTaggedEmbed struct {
		schemaBase `json:"base"`
	}
	schemaPtrEmbed struct {
		*SchemaExported
		Name string `json:"name"`
	}
	// SchemaExported is embedded by pointer: its fields are promoted, and
	// optional, since a nil *SchemaExported writes none of them.
	SchemaExported struct {
		Code string `json:"code"`
	}
	schemaClashA struct {
		Name  string
		Kind  string
		Level int
	}
	schemaClashB struct {
		Name string
		Kind string `json:"Kind"`
		schemaClashC
	}
	schemaClashC struct {
		Level int
	}
	// schemaClash: Name is in A and B at one depth, untagged both, so
	// dropped; Kind is tagged in B only, which wins; A's Level is shallower
	// than C's. (go vet refuses the same json tag twice, so the ties are
	// untagged.)
	schemaClash struct {
		schemaClashA
		schemaClashB
		Top string `json:"top"`
	}
	schemaText struct {
		Addr netip.Addr  `json:"addr"`
		When *time.Time  `json:"when"`
		Any  schemaAnyJS `json:"any"`
	}
	// schemaAnyJS reads any JSON by its own UnmarshalJSON.
	schemaAnyJS struct{ v []byte }
	schemaTags  struct {
		Airline string  `json:"airline" jsonschema:"description=the airline\\, as an IATA code,enum=TAP,enum=KLM"`
		Stops   int     `json:"stops" jsonschema:"minimum=0,maximum=3,enum=0,enum=1"`
		Seat    *string `json:"seat" jsonschema:"enum=A,enum=B,title=Seat"`
		Ref     string  `json:"ref" jsonschema:"minLength=6,maxLength=6,pattern=^[A-Z0-9]+$" jsonschema_description:"booking reference, six characters"`
		Legs    []int   `json:"legs" jsonschema:"minItems=1,maxItems=4"`
		OK      bool    `json:"ok" jsonschema:"enum=true"`
		Price   float64 `json:"price" jsonschema:"minimum=0.5"`
		Day     string  `json:"day" jsonschema:"format=date"`
	}
	schemaNode struct {
		Name string        `json:"name"`
		Next *schemaNode   `json:"next"`
		Kids []schemaNode  `json:"kids,omitempty"`
		Tags schemaTagList `json:"tags,omitempty"`
	}
	schemaTagList []schemaTagList // recursive without a struct
	schemaForest  struct {
		Trees []schemaNode `json:"trees"`
		Root  *schemaNode  `json:"root"`
	}
	schemaMisc struct {
		Bytes []byte  `json:"bytes"`
		Fixed [2]byte `json:"fixed"`
		//lint:ignore SA5008 the case is encoding/json's rule: "-," names a field "-"
		Dash     string         `json:"-,"`
		Skip     string         `json:"-"`
		Opt      string         `json:"opt,omitempty"`
		Zero     time.Time      `json:"zero,omitzero"`
		Map      map[Key]string `json:"map"`
		Empty    struct{}       `json:"empty"`
		unexport int
	}
	// schemaDiamond reaches schemaDX's Deep twice at one depth, a tie.
	schemaDiamond struct {
		schemaDA
		schemaDB
	}
	schemaDA struct{ schemaDX }
	schemaDB struct {
		schemaDX
		Own int `json:"own"`
	}
	schemaDX struct{ Deep int }
	// Key is a map key of a string kind.
	Key string
)

func (a *schemaAnyJS) UnmarshalJSON(b []byte) error { a.v = b; return nil }

// TestOutputSchemaFitsEncodingJSON: the derived schema is what
// encoding/json decodes into the type, and the outputs it accepts decode.
// Each case runs through RunTaskAs with no schema given, so the schema is
// also compiled by our own ref resolution.
func TestOutputSchemaFitsEncodingJSON(t *testing.T) {
	type Case struct {
		name     string
		schema   func() (string, error)
		run      func(*browseruse.Client, string) error
		want     string
		accepted []string
		refused  map[string]string // output: violation
	}
	cases := []Case{
		{name: "pointer: optional and nullable", schema: browseruse.OutputSchema[schemaPtr], run: runTaskAs[schemaPtr],
			want:     `{"type":"object","properties":{"note":{"type":["string","null"]}}}`,
			accepted: []string{`{"note":null}`, `{}`, `{"note":"x"}`},
			refused:  map[string]string{`{"note":1}`: "/note: must be of type string or null"}},
		{name: "json.RawMessage: any JSON", schema: browseruse.OutputSchema[schemaRaw], run: runTaskAs[schemaRaw],
			want:     `{"type":"object","properties":{"raw":{}},"required":["raw"]}`,
			accepted: []string{`{"raw":{"a":[1,null]}}`, `{"raw":"s"}`, `{"raw":null}`},
			refused:  map[string]string{`{}`: "/raw: is required"}},
		{name: ",string: a string holding the value", schema: browseruse.OutputSchema[schemaQuoted], run: runTaskAs[schemaQuoted],
			want: `{"type":"object","properties":{
				"n":{"type":"string","pattern":"^-?[0-9]+$"},"u":{"type":"string","pattern":"^[0-9]+$"},
				"f":{"type":"string","pattern":"^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$"},
				"b":{"type":"string","enum":["true","false"]},"s":{"type":"string","pattern":"^\"([^\"\\\\]|\\\\.)*\"$"},
				"p":{"type":["string","null"],"pattern":"^-?[0-9]+$"},"l":{"type":"array","items":{"type":"integer"}}},
				"required":["n","u","f","b","s","l"]}`,
			accepted: []string{`{"n":"-12","u":"7","f":"1.5e3","b":"true","s":"\"x\\\"y\"","p":null,"l":[1]}`, `{"n":"0","u":"0","f":"-0.25","b":"false","s":"\"\"","p":"3","l":[]}`},
			refused: map[string]string{
				`{"n":12,"u":"7","f":"1","b":"true","s":"\"x\"","l":[]}`:   "/n: must be of type string",
				`{"n":"1","u":"-7","f":"1","b":"true","s":"\"x\"","l":[]}`: "/u: must match the pattern",
				`{"n":"1","u":"7","f":"1","b":"yes","s":"\"x\"","l":[]}`:   "/b: must be one of true, false",
				`{"n":"1","u":"7","f":"1","b":"true","s":"x","l":[]}`:      "/s: must match the pattern",
			}},
		{name: "tagged embedded struct: a property", schema: browseruse.OutputSchema[schemaTaggedEmbed], run: runTaskAs[schemaTaggedEmbed],
			want:     `{"type":"object","properties":{"base":{"type":"object","properties":{"id":{"type":"integer"}},"required":["id"]}},"required":["base"]}`,
			accepted: []string{`{"base":{"id":1}}`},
			refused:  map[string]string{`{"id":1}`: "/base: is required"}},
		{name: "embedded pointer: flattened, optional", schema: browseruse.OutputSchema[schemaPtrEmbed], run: runTaskAs[schemaPtrEmbed],
			want:     `{"type":"object","properties":{"code":{"type":"string"},"name":{"type":"string"}},"required":["name"]}`,
			accepted: []string{`{"code":"c","name":"n"}`, `{"name":"n"}`},
			refused:  map[string]string{`{"code":1,"name":"n"}`: "/code: must be of type string"}},
		{name: "clashing names: encoding/json's rules", schema: browseruse.OutputSchema[schemaClash], run: runTaskAs[schemaClash],
			want:     `{"type":"object","properties":{"Kind":{"type":"string"},"Level":{"type":"integer"},"top":{"type":"string"}},"required":["Level","Kind","top"]}`,
			accepted: []string{`{"Kind":"k","Level":1,"top":"t","Name":"ignored"}`}},
		{name: "text and JSON unmarshalers", schema: browseruse.OutputSchema[schemaText], run: runTaskAs[schemaText],
			want:     `{"type":"object","properties":{"addr":{"type":"string"},"when":{"type":["string","null"],"format":"date-time"},"any":{}},"required":["addr","any"]}`,
			accepted: []string{`{"addr":"192.0.2.1","when":null,"any":[1,{"x":null}]}`, `{"addr":"::1","when":"2026-01-02T03:04:05Z","any":null}`},
			refused: map[string]string{
				`{"addr":1,"any":1}`:      "/addr: must be of type string",
				`{"addr":"nope","any":1}`: "(output): does not fit the Go type",
			}},
		{name: "jsonschema tags", schema: browseruse.OutputSchema[schemaTags], run: runTaskAs[schemaTags],
			want: `{"type":"object","properties":{
				"airline":{"type":"string","enum":["TAP","KLM"],"description":"the airline, as an IATA code"},
				"stops":{"type":"integer","minimum":0,"maximum":3,"enum":[0,1]},
				"seat":{"anyOf":[{"type":"string","enum":["A","B"]},{"type":"null"}],"title":"Seat"},
				"ref":{"type":"string","minLength":6,"maxLength":6,"pattern":"^[A-Z0-9]+$","description":"booking reference, six characters"},
				"legs":{"type":"array","items":{"type":"integer"},"minItems":1,"maxItems":4},
				"ok":{"type":"boolean","enum":[true]},
				"price":{"type":"number","minimum":0.5},"day":{"type":"string","format":"date"}},
				"required":["airline","stops","ref","legs","ok","price","day"]}`,
			accepted: []string{`{"airline":"TAP","stops":1,"seat":null,"ref":"AB12CD","legs":[1],"ok":true,"price":0.5,"day":"2026-12-01"}`,
				`{"airline":"KLM","stops":0,"seat":"B","ref":"ZZZZZZ","legs":[1,2,3,4],"ok":true,"price":9,"day":"2026-01-31"}`},
			refused: map[string]string{
				`{"airline":"LH","stops":1,"ref":"AB12CD","legs":[1],"ok":true,"price":1}`:                     "/airline: must be one of TAP, KLM",
				`{"airline":"TAP","stops":2,"ref":"AB12CD","legs":[1],"ok":true,"price":1}`:                    "/stops: must be one of 0, 1",
				`{"airline":"TAP","stops":1,"seat":"C","ref":"AB12CD","legs":[1],"ok":true,"price":1}`:         "/seat: must match a schema of anyOf",
				`{"airline":"TAP","stops":1,"ref":"ab12cd","legs":[1],"ok":true,"price":1}`:                    "/ref: must match the pattern",
				`{"airline":"TAP","stops":1,"ref":"AB12CD","legs":[],"ok":true,"price":1}`:                     "/legs: must have at least 1 items",
				`{"airline":"TAP","stops":1,"ref":"AB12CD","legs":[1],"ok":false,"price":1}`:                   "/ok: must be one of true",
				`{"airline":"TAP","stops":1,"ref":"AB12CD","legs":[1],"ok":true,"price":0.1}`:                  "/price: must be >= 0.5",
				`{"airline":"TAP","stops":1,"ref":"AB12CD","legs":[1],"ok":true,"price":1,"day":"2026-13-01"}`: "/day: must be a valid date",
			}},
		{name: "recursive type: $ref to the root", schema: browseruse.OutputSchema[schemaNode], run: runTaskAs[schemaNode],
			want: `{"type":"object","properties":{"name":{"type":"string"},"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]},
				"kids":{"type":"array","items":{"$ref":"#"}},"tags":{"$ref":"#/$defs/schemaTagList"}},"required":["name"],
				"$defs":{"schemaTagList":{"type":"array","items":{"$ref":"#/$defs/schemaTagList"}}}}`,
			accepted: []string{`{"name":"a","next":{"name":"b","next":null,"kids":[{"name":"c"}]},"tags":[[[]]]}`},
			refused: map[string]string{
				`{"name":"a","next":{"name":"b","kids":[{"next":null}]}}`: "/next: must match a schema of anyOf",
				`{"name":"a","kids":[{"name":"b"},{}]}`:                   "/kids/1/name: is required",
				`{"name":"a","tags":[[1]]}`:                               "/tags/0/0: must be of type array",
			}},
		{name: "recursive type: $defs", schema: browseruse.OutputSchema[schemaForest], run: runTaskAs[schemaForest],
			want: `{"type":"object","properties":{"trees":{"type":"array","items":{"$ref":"#/$defs/schemaNode"}},
				"root":{"anyOf":[{"$ref":"#/$defs/schemaNode"},{"type":"null"}]}},"required":["trees"],
				"$defs":{"schemaNode":{"type":"object","properties":{"name":{"type":"string"},"next":{"anyOf":[{"$ref":"#/$defs/schemaNode"},{"type":"null"}]},
					"kids":{"type":"array","items":{"$ref":"#/$defs/schemaNode"}},"tags":{"$ref":"#/$defs/schemaTagList"}},"required":["name"]},
				"schemaTagList":{"type":"array","items":{"$ref":"#/$defs/schemaTagList"}}}}`,
			accepted: []string{`{"trees":[{"name":"a","next":null}],"root":null}`, `{"trees":[],"root":{"name":"r","kids":[{"name":"k"}]}}`},
			refused:  map[string]string{`{"trees":[{"name":"a","kids":[{}]}]}`: "/trees/0/kids/0/name: is required"}},
		{name: "bytes, arrays, dashes, omitted and map keys", schema: browseruse.OutputSchema[schemaMisc], run: runTaskAs[schemaMisc],
			want: `{"type":"object","properties":{"bytes":{"type":"string"},"fixed":{"type":"array","items":{"type":"integer"}},"-":{"type":"string"},
				"opt":{"type":"string"},"zero":{"type":"string","format":"date-time"},"map":{"type":"object","additionalProperties":{"type":"string"}},
				"empty":{"type":"object","properties":{}}},"required":["bytes","fixed","-","map","empty"]}`,
			accepted: []string{`{"bytes":"aGk=","fixed":[1,2],"-":"d","map":{"k":"v"},"empty":{}}`}},
	}
	_ = schemaMisc{}.unexport
	for _, c := range cases {
		got, err := c.schema()
		require.NoError(t, err, c.name)
		require.JSONEq(t, c.want, got, c.name)
		for _, out := range c.accepted {
			require.NoError(t, c.run(clientWith(t, out), out), "%s: %s", c.name, out)
		}
		for out, want := range c.refused {
			err := c.run(clientWith(t, out), out)
			require.ErrorIs(t, err, browseruse.ErrOutputMismatch, "%s: %s", c.name, out)
			require.ErrorContains(t, err, want, "%s: %s", c.name, out)
		}
	}

	// The rules for clashing names are encoding/json's own: it writes the same names.
	for value, derive := range map[any]func() (string, error){
		schemaClash{}: browseruse.OutputSchema[schemaClash], schemaDiamond{}: browseruse.OutputSchema[schemaDiamond],
	} {
		data, err := json.Marshal(value)
		require.NoError(t, err)
		var written map[string]any
		require.NoError(t, json.Unmarshal(data, &written))
		got, err := derive()
		require.NoError(t, err)
		var schema struct{ Properties map[string]any }
		require.NoError(t, json.Unmarshal([]byte(got), &schema))
		require.Equal(t, slices.Sorted(maps.Keys(written)), slices.Sorted(maps.Keys(schema.Properties)), "%T", value)
	}
	got, err := browseruse.OutputSchema[schemaDiamond]()
	require.NoError(t, err)
	require.JSONEq(t, `{"type":"object","properties":{"own":{"type":"integer"}},"required":["own"]}`, got)
}

// clientWith is a client of a fake whose tasks all answer output.
func clientWith(t *testing.T, output string) *browseruse.Client {
	_, c := taskEnv(t, script(browserusetest.TaskResult{Output: output}))
	return c
}

// runTaskAs runs RunTaskAs[T] with the schema derived from T.
func runTaskAs[T any](c *browseruse.Client, _ string) error {
	_, _, err := browseruse.RunTaskAs[T](context.Background(), c, browseruse.CreateTaskParams{Task: "t"}, fastPolls)
	return err
}

// TestOutputSchemaRefusesTypesWithoutOne: a type encoding/json cannot
// decode JSON into, or a tag it cannot follow, is an error naming it, never
// a schema that would accept the wrong output.
func TestOutputSchemaRefusesTypesWithoutOne(t *testing.T) {
	type WithChan struct {
		C chan int `json:"c"`
	}
	type WithFunc struct{ F func() }
	type WithComplex struct{ C complex128 }
	type WithError struct{ E error }
	type WithUnsafe struct{ P unsafe.Pointer }
	type BadTagKey struct {
		S string `jsonschema:"required"`
	}
	type BadTagValue struct {
		N int `jsonschema:"enum=x"`
	}
	type TagOnStruct struct {
		B schemaBase `jsonschema:"minLength=1"`
	}
	type HiddenPtrEmbed struct {
		*schemaBase
	}
	type TagOnQuoted struct {
		N int `json:",string" jsonschema:"enum=1"`
	}
	type Unknown struct {
		S string `jsonschema:"default=x"`
	}
	for _, c := range []struct {
		schema func() (string, error)
		want   string
	}{
		{browseruse.OutputSchema[chan int], "chan int has no JSON schema"},
		{browseruse.OutputSchema[WithChan], "field C: chan int has no JSON schema"},
		{browseruse.OutputSchema[WithFunc], "field F: func() has no JSON schema"},
		{browseruse.OutputSchema[WithComplex], "field C: complex128 has no JSON schema"},
		{browseruse.OutputSchema[complex64], "complex64 has no JSON schema"},
		{browseruse.OutputSchema[WithError], "field E: error has no JSON schema"},
		{browseruse.OutputSchema[fmt.Stringer], "fmt.Stringer has no JSON schema"},
		{browseruse.OutputSchema[WithUnsafe], "field P: unsafe.Pointer has no JSON schema"},
		{browseruse.OutputSchema[map[int]string], "only string keys"},
		{browseruse.OutputSchema[BadTagKey], `field S: jsonschema tag: "required" is not key=value`},
		{browseruse.OutputSchema[Unknown], `field S: jsonschema tag: default is not supported`},
		{browseruse.OutputSchema[BadTagValue], `field N: jsonschema tag: enum=x does not parse (for type integer)`},
		{browseruse.OutputSchema[TagOnStruct], `field B: jsonschema tag: minLength does not apply to type object`},
		{browseruse.OutputSchema[TagOnQuoted], `field N: jsonschema tag: enum does not apply to a ,string field`},
		{browseruse.OutputSchema[HiddenPtrEmbed], `embedded *browseruse_test.schemaBase: encoding/json cannot decode into a pointer to an unexported struct`},
	} {
		s, err := c.schema()
		require.ErrorContains(t, err, c.want)
		require.Empty(t, s)
	}
}
