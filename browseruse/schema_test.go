package browseruse_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// pydanticFlights is Pydantic v2's model_json_schema() of a model with a
// list of nested models: each nested model is a $ref into $defs.
const pydanticFlights = `{"$defs":{"Flight":{"properties":{
    "airline":{"title":"Airline","type":"string"},
    "price":{"title":"Price","type":"number"},
    "note":{"anyOf":[{"type":"string"},{"type":"null"}],"default":null,"title":"Note"}},
   "required":["airline","price"],"title":"Flight","type":"object"}},
 "properties":{"flights":{"items":{"$ref":"#/$defs/Flight"},"title":"Flights","type":"array"}},
 "required":["flights"],"title":"Flights","type":"object"}`

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
		Flights []Flight `json:"flights"`
	}
	output := `{"flights":[{"airline":"TAP","price":89.99,"note":null}]}`
	srv, c := taskEnv(t, func(browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: output}
	})
	ctx := context.Background()
	got, _, err := browseruse.RunTaskAs[Flights](ctx, c, browseruse.CreateTaskParams{Task: "t", StructuredOutput: pydanticFlights}, fastPolls)
	require.NoError(t, err)
	require.Equal(t, Flights{Flights: []Flight{{Airline: "TAP", Price: 89.99}}}, got)

	output = `{"flights":[{"airline":"TAP","price":"cheap"}]}`
	_, _, err = browseruse.RunTaskAs[Flights](ctx, c, browseruse.CreateTaskParams{Task: "t", StructuredOutput: pydanticFlights}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrOutputMismatch)
	require.ErrorContains(t, err, "/flights/0/price: must be of type number")

	srv.ResetRequests()
	_, _, err = browseruse.RunTaskAs[Flights](ctx, c, browseruse.CreateTaskParams{Task: "t",
		StructuredOutput: `{"properties":{"flights":{"items":{"$ref":"#/$defs/Flight"}}}}`}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.ErrorContains(t, err, `StructuredOutput (structuredOutput): /properties/flights/items: $ref "#/$defs/Flight" points at no schema`)
	require.Zero(t, srv.RequestCount(""), "nothing is sent")
}
