package browseruse_test

import (
	"context"
	"fmt"
	"io"
	"log"
	"math/big"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
	"github.com/browseruse-go/browseruse-go/gen"
)

// Every amount of the views is a Decimal (this file stops compiling if one
// goes back to *string), and metadata is the same map going in and coming
// back.
var (
	_ = [...]*browseruse.Decimal{
		browseruse.Task{}.Cost, browseruse.TaskItem{}.Cost, browseruse.TaskStatusView{}.Cost,
		browseruse.Session{}.ProxyCost, browseruse.Session{}.ProxyUsedMb,
		browseruse.SessionItem{}.ProxyCost, browseruse.SessionItem{}.ProxyUsedMb,
	}
	_ = [...]map[string]string{browseruse.CreateTaskParams{}.Metadata, browseruse.Task{}.Metadata, browseruse.TaskItem{}.Metadata}
)

func TestTaskMetadataRoundTripsThroughTheFake(t *testing.T) {
	srv, c := taskEnv(t, browserusetest.DefaultTaskRunner)
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	meta := map[string]string{"run": "7", "team": "ops", "note": `a "quoted", ünïcode value`}
	task, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t", SessionID: s.ID, Metadata: meta}, fastPolls)
	require.NoError(t, err)
	require.Equal(t, meta, task.Metadata, "GetTask")

	page, err := c.ListTasks(ctx, browseruse.ListTasksParams{SessionID: s.ID})
	require.NoError(t, err)
	require.Len(t, page.Items, 1)
	require.Equal(t, meta, page.Items[0].Metadata, "ListTasks")
	session, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, meta, session.Tasks[0].Metadata, "a session's tasks")

	// Without metadata the service sends {}, and so does the fake (an empty
	// map is not omitted); it reads back as an empty map.
	bare, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t", SessionID: s.ID}, fastPolls)
	require.NoError(t, err)
	require.NotNil(t, bare.Metadata)
	require.Empty(t, bare.Metadata)
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/tasks/"+bare.ID, nil)
	require.NoError(t, err)
	req.Header.Set("X-Browser-Use-API-Key", srv.APIKey())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"metadata":{}`)
}

// A response without metadata (the field is optional) reads as a nil map.
func TestAbsentMetadataIsANilMap(t *testing.T) {
	body := strings.Replace(sessionViewJSON, `,"metadata":{}`, ``, 1)
	require.NotEqual(t, sessionViewJSON, body)
	s, err := newAPIServer(t, answer(http.StatusOK, body)).client(t).GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	require.Nil(t, s.Tasks[0].Metadata)
	require.Equal(t, "", s.Tasks[0].Metadata["run"], "a nil map reads as empty")
}

// Metadata values are strings (all CreateTask accepts). One that is not is
// an error that names it, in every mode: never a value silently dropped.
func TestNonStringMetadataIsAnError(t *testing.T) {
	body := strings.Replace(sessionViewJSON, `"metadata":{}`, `"metadata":{"run":7}`, 1)
	require.NotEqual(t, sessionViewJSON, body)
	for _, mode := range []browseruse.ValidationMode{browseruse.ValidationStrict, browseruse.ValidationCompatible, browseruse.ValidationOff} {
		t.Run(mode.String(), func(t *testing.T) {
			s, err := newAPIServer(t, answer(http.StatusOK, body)).client(t, browseruse.WithValidation(mode)).GetSession(context.Background(), sessionID)
			require.Nil(t, s)
			require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
			require.Contains(t, err.Error(), "metadata")
		})
	}
}

func TestDecimalsReadExactly(t *testing.T) {
	body := strings.Replace(sessionViewJSON, `"cost":"0.0125"`, `"cost":"0.10000000000000000000000000001"`, 1)
	require.NotEqual(t, sessionViewJSON, body)
	s, err := newAPIServer(t, answer(http.StatusOK, body)).client(t).GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	cost := s.Tasks[0].Cost
	require.Equal(t, "0.10000000000000000000000000001", cost.String(), "kept as sent")
	r, err := cost.Rat()
	require.NoError(t, err)
	want, _ := new(big.Rat).SetString("10000000000000000000000000001/100000000000000000000000000000")
	require.Zero(t, r.Cmp(want), r.String())
	f, err := cost.Float64()
	require.NoError(t, err)
	require.Equal(t, 0.1, f)
}

// A malformed decimal is refused by validation (TestResponseValidationModes);
// with validation off it reaches the model, and reading it is an error,
// never zero.
func TestMalformedDecimalWithValidationOff(t *testing.T) {
	body := strings.Replace(sessionViewJSON, `"cost":"0.0125"`, `"cost":"lots"`, 1)
	s, err := newAPIServer(t, answer(http.StatusOK, body)).client(t, browseruse.WithValidation(browseruse.ValidationOff)).GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	cost := s.Tasks[0].Cost
	require.Equal(t, "lots", cost.String())
	r, err := cost.Rat()
	require.Nil(t, r)
	require.ErrorIs(t, err, browseruse.ErrNotDecimal)
	f, err := cost.Float64()
	require.ErrorIs(t, err, browseruse.ErrNotDecimal)
	require.Zero(t, f)
	_, err = browseruse.Deref[browseruse.Decimal](nil).Rat()
	require.ErrorIs(t, err, browseruse.ErrNotDecimal, "an absent amount is not zero either")
}

// The constants of an enum type are generated into gen with the type, one
// per value openapi.yaml lists, and are of the facade's type.
func ExampleLLM() {
	var llm browseruse.LLM = gen.LLMClaudeSonnet46
	fmt.Println(llm, gen.LLMGpt41, gen.LLMGpt41.Valid())
	fmt.Println(browseruse.LLM("a-newer-model").Valid()) // still sent: the service adds models often
	// Output:
	// claude-sonnet-4-6 gpt-4.1 true
	// false
}

func ExampleDecimal() {
	client, done := exampleClient()
	defer done()

	task, err := client.RunTask(context.Background(), browseruse.CreateTaskParams{
		Task:          "Read the main heading of example.com",
		LLM:           gen.LLMGpt41,
		ThinkingLevel: gen.ThinkingLevelLow,
		Metadata:      map[string]string{"run": "7"},
	}, browseruse.PollInterval(10*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	cost, err := browseruse.Deref(task.Cost).Rat() // exact; Float64 approximates
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.LLM, task.Metadata["run"], cost.FloatString(4))
	// Output: gpt-4.1 7 0.0100
}
