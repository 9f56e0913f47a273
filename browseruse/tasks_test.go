package browseruse_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// fastPolls makes waits poll the fake every few milliseconds.
var fastPolls = browseruse.PollInterval(time.Millisecond, 5*time.Millisecond)

// taskEnv is a fake running tasks by script, and a client without retries.
func taskEnv(t *testing.T, run browserusetest.TaskRunner, opts ...browseruse.Option) (*browserusetest.Server, *browseruse.Client) {
	t.Helper()
	srv := browserusetest.Start(t, browserusetest.WithTaskRunner(run), browserusetest.WithoutLeakCheck())
	c, err := srv.Client(append([]browseruse.Option{browseruse.WithRetry(browseruse.RetryPolicy{})}, opts...)...)
	require.NoError(t, err)
	return srv, c
}

func script(r browserusetest.TaskResult) browserusetest.TaskRunner {
	return func(browserusetest.TaskInput) browserusetest.TaskResult { return r }
}

func TestRunTaskReturnsTheFinishedTask(t *testing.T) {
	var got browserusetest.TaskInput
	srv, c := taskEnv(t, func(in browserusetest.TaskInput) browserusetest.TaskResult {
		got = in
		return browserusetest.TaskResult{Output: "EUR 89.99", Steps: 3, OutputFiles: []browserusetest.File{{Name: "prices.csv"}}}
	})
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	task, err := c.RunTask(ctx, browseruse.CreateTaskParams{
		Task: "find the price", SessionID: s.ID, LLM: "gpt-4.1", MaxSteps: browseruse.Ptr(20),
		Metadata: map[string]string{"run": "7"}, AllowedDomains: []string{"example.com"}, Vision: browseruse.VisionAuto,
	}, fastPolls)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskFinished, task.Status)
	require.Equal(t, "EUR 89.99", browseruse.Deref(task.Output))
	require.True(t, browseruse.Deref(task.IsSuccess))
	require.Len(t, task.Steps, 3)
	require.Len(t, task.OutputFiles, 1)
	require.Equal(t, s.ID, task.SessionID)
	require.Equal(t, browserusetest.TaskInput{ID: task.ID, SessionID: s.ID, Task: "find the price", LLM: "gpt-4.1", MaxSteps: 20,
		Metadata: map[string]string{"run": "7"}, AllowedDomains: []string{"example.com"}}, got)
	require.Contains(t, srv.Requests()[1].Body, `"vision":"auto"`)

	session, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.Len(t, session.Tasks, 1, "the session's tasks reflect it")
	require.Equal(t, browseruse.TaskFinished, session.Tasks[0].Status)
	require.Equal(t, browseruse.StatusActive, session.Status, "kept alive for the next task")
}

func TestATaskWithoutSessionGetsOneThatEndsWithIt(t *testing.T) {
	srv, c := taskEnv(t, browserusetest.DefaultTaskRunner)
	task, err := c.RunTask(context.Background(), browseruse.CreateTaskParams{Task: "t"}, fastPolls)
	require.NoError(t, err)
	require.Equal(t, "Done: t", browseruse.Deref(task.Output))
	require.Equal(t, 0, srv.SessionCount(browseruse.StatusActive), "its session stopped with it (keepAlive false)")
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusStopped))
}

func TestKeepAliveFalseStopsTheSessionWhenItsTaskEnds(t *testing.T) {
	srv, c := taskEnv(t, browserusetest.DefaultTaskRunner)
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{KeepAlive: browseruse.Ptr(false)})
	require.NoError(t, err)
	_, err = c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t", SessionID: s.ID}, fastPolls)
	require.NoError(t, err)
	got, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.StatusStopped, got.Status)
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusStopped))
}

func TestTasksThatDoNotFinishAreTypedErrors(t *testing.T) {
	ctx := context.Background()
	_, c := taskEnv(t, script(browserusetest.TaskResult{Failed: true, Output: "the site was down"}))
	_, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t"}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrTaskFailed)
	require.False(t, errors.Is(err, browseruse.ErrTaskStopped))
	var te *browseruse.TaskError
	require.ErrorAs(t, err, &te)
	require.Equal(t, "the site was down", browseruse.Deref(te.Task.Output))
	require.Equal(t, browseruse.TaskFailed, te.Task.Status)
	require.Contains(t, err.Error(), "task "+te.Task.ID+" failed: the site was down", "the reason is in the message")

	// The reason masks the task's secrets, and without an output it is the
	// last step's goal.
	_, c = taskEnv(t, script(browserusetest.TaskResult{Failed: true, Output: "typed hunter2 and\nthe login failed"}))
	_, err = c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t", Secrets: map[string]string{"pw": "hunter2"}}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrTaskFailed)
	require.NotContains(t, err.Error(), "hunter2")
	require.Contains(t, err.Error(), "failed: typed [REDACTED] and the login failed (see")
	_, c = taskEnv(t, script(browserusetest.TaskResult{Failed: true, Steps: 3}))
	_, err = c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t"}, fastPolls)
	require.ErrorContains(t, err, "failed: step 3: step 3 (see")

	_, c = taskEnv(t, script(browserusetest.TaskResult{Duration: time.Hour}))
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	_, err = c.StopTask(ctx, created.ID)
	require.NoError(t, err)
	_, err = c.WaitForTask(ctx, created.ID, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrTaskStopped)
	require.ErrorAs(t, err, &te)
	require.Equal(t, created.ID, te.Task.ID)
}

func TestCancellingAWait(t *testing.T) {
	long := script(browserusetest.TaskResult{Duration: time.Hour})
	for _, tc := range []struct {
		name     string
		run      func(ctx context.Context, c *browseruse.Client, sessionID string) (string, error)
		stopped  bool
		waitedMs int
	}{
		{"WaitForTask watches only", func(ctx context.Context, c *browseruse.Client, sessionID string) (string, error) {
			created, err := c.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "t", SessionID: sessionID})
			require.NoError(t, err)
			_, err = c.WaitForTask(ctx, created.ID, browseruse.PollInterval(time.Hour, time.Hour))
			return created.ID, err
		}, false, 0},
		{"WaitForTask asked to stop", func(ctx context.Context, c *browseruse.Client, sessionID string) (string, error) {
			created, err := c.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "t", SessionID: sessionID})
			require.NoError(t, err)
			_, err = c.WaitForTask(ctx, created.ID, browseruse.PollInterval(time.Hour, time.Hour), browseruse.StopTaskOnCancel(true))
			return created.ID, err
		}, true, 0},
		{"RunTask stops the task it started", func(ctx context.Context, c *browseruse.Client, sessionID string) (string, error) {
			_, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t", SessionID: sessionID}, browseruse.PollInterval(time.Hour, time.Hour))
			return "", err
		}, true, 0},
		{"RunTask told not to", func(ctx context.Context, c *browseruse.Client, sessionID string) (string, error) {
			_, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t", SessionID: sessionID}, browseruse.PollInterval(time.Hour, time.Hour), browseruse.StopTaskOnCancel(false))
			return "", err
		}, false, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, c := taskEnv(t, long)
			s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
			require.NoError(t, err)
			ctx, cancel := context.WithCancel(context.Background())
			time.AfterFunc(30*time.Millisecond, cancel)
			start := time.Now()
			_, err = tc.run(ctx, c, s.ID)
			require.ErrorIs(t, err, context.Canceled)
			require.Less(t, time.Since(start), 10*time.Second, "the wait ends at once, not at the next poll in an hour")
			page, err := c.ListTasks(context.Background(), browseruse.ListTasksParams{SessionID: s.ID})
			require.NoError(t, err)
			require.Len(t, page.Items, 1)
			if tc.stopped {
				require.Equal(t, browseruse.TaskStopped, page.Items[0].Status)
			} else {
				require.NotEqual(t, browseruse.TaskStopped, page.Items[0].Status)
			}
		})
	}
}

func TestAWaitRidesOutTransientPollErrors(t *testing.T) {
	ctx := context.Background()
	srv, c := taskEnv(t, script(browserusetest.TaskResult{Duration: 30 * time.Millisecond}))
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	srv.Inject(browserusetest.OpGetTaskStatus, 3, browserusetest.Fault{Status: 503})
	task, err := c.WaitForTask(ctx, created.ID, fastPolls)
	require.NoError(t, err, "three failed polls in a row do not end the wait")
	require.Equal(t, browseruse.TaskFinished, task.Status)

	// A task that does not exist ends the wait at the first poll.
	srv.ResetRequests()
	_, err = c.WaitForTask(ctx, "00000000-0000-4000-8000-000000000000", fastPolls)
	require.ErrorIs(t, err, browseruse.ErrTaskNotFound)
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTaskStatus))

	// A service that keeps failing ends it after 10 polls in a row.
	created, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	srv.ResetRequests()
	srv.Inject(browserusetest.OpGetTaskStatus, 100, browserusetest.Fault{Status: 502})
	_, err = c.WaitForTask(ctx, created.ID, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.Equal(t, 10, srv.RequestCount(browserusetest.OpGetTaskStatus))
}

func TestCreateTaskErrors(t *testing.T) {
	ctx := context.Background()
	srv, c := taskEnv(t, script(browserusetest.TaskResult{Duration: time.Hour}))
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "first", SessionID: s.ID})
	require.NoError(t, err)
	_, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "second", SessionID: s.ID})
	require.ErrorIs(t, err, browseruse.ErrSessionBusy)
	require.False(t, errors.Is(err, browseruse.ErrSessionStopped))
	require.ErrorContains(t, err, "CreateTask: 400")

	// A create that may have reached the server is not retried.
	srv.Inject(browserusetest.OpCreateTask, 1, browserusetest.Fault{Status: 503})
	c2, err := srv.Client(browseruse.WithRetry(fastRetry()))
	require.NoError(t, err)
	before := srv.RequestCount(browserusetest.OpCreateTask)
	_, err = c2.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
	require.ErrorIs(t, err, browseruse.ErrServer)
	var unknown *browseruse.UnknownOutcomeError
	require.ErrorAs(t, err, &unknown)
	require.Equal(t, "task", unknown.Created)
	require.ErrorContains(t, err, "ListTasks")
	require.Equal(t, before+1, srv.RequestCount(browserusetest.OpCreateTask))

	// Invalid parameters never leave the client.
	_, err = c.CreateTask(ctx, browseruse.CreateTaskParams{})
	var rv *browseruse.RequestValidationError
	require.ErrorAs(t, err, &rv)
	require.Equal(t, []string{"Task (task): must be at least 1 characters long"}, rv.Violations)
	_, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t", MaxSteps: browseruse.Ptr(0), SessionSettings: &browseruse.SessionSettings{ScreenWidth: browseruse.Ptr(1)}})
	require.ErrorAs(t, err, &rv)
	require.ElementsMatch(t, []string{"MaxSteps (maxSteps): must be >= 1", "SessionSettings.ScreenWidth (sessionSettings.browserScreenWidth): must be >= 320"}, rv.Violations)
	_, err = c.GetTask(ctx, "../x")
	require.ErrorAs(t, err, &rv)
	require.Equal(t, []string{"taskID (task_id): must be a valid uuid"}, rv.Violations)
}

// TestUnlistedModelsAreSentWithAWarn: the service adds models before this
// copy of the spec lists them.
func TestUnlistedModelsAreSentWithAWarn(t *testing.T) {
	ctx := context.Background()
	logs := &logBuffer{}
	srv := newAPIServer(t, answer(202, `{"id":"`+taskID+`","sessionId":"`+sessionID+`"}`))
	p := browseruse.CreateTaskParams{Task: "t", LLM: "gpt-9-preview"}
	_, err := srv.client(t, browseruse.WithLogger(logs.logger())).CreateTask(ctx, p)
	require.NoError(t, err)
	require.JSONEq(t, `{"task":"t","llm":"gpt-9-preview"}`, srv.received()[0].Body)
	require.Contains(t, logs.String(), `operation=CreateTask field="LLM (llm)"`)

	_, err = srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict)).CreateTask(ctx, p)
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.ErrorContains(t, err, "LLM (llm): must be one of the 34 values the spec lists")
	require.Len(t, srv.received(), 1, "Strict sends nothing")
}

func TestRunTaskAsDecodesStructuredOutput(t *testing.T) {
	type Flight struct {
		Airline string  `json:"airline"`
		Price   float64 `json:"price"`
	}
	schema := `{"type":"object","required":["airline","price"],"properties":{"airline":{"type":"string"},"price":{"type":"number"}}}`
	ctx := context.Background()
	output := `{"airline":"TAP","price":89.99}`
	var gotSchema string
	srv, c := taskEnv(t, func(in browserusetest.TaskInput) browserusetest.TaskResult {
		gotSchema = in.StructuredOutput
		return browserusetest.TaskResult{Output: output}
	})
	flight, task, err := browseruse.RunTaskAs[Flight](ctx, c, browseruse.CreateTaskParams{Task: "cheapest flight", StructuredOutput: schema}, fastPolls)
	require.NoError(t, err)
	require.Equal(t, Flight{Airline: "TAP", Price: 89.99}, flight)
	require.Equal(t, output, browseruse.Deref(task.Output))
	require.Equal(t, schema, gotSchema, "the schema is sent")

	for out, want := range map[string]string{
		`{"airline":"TAP","price":"cheap"}`: "/price: must be of type number",
		`{"airline":"TAP"}`:                 "/price: is required",
		`the cheapest is TAP`:               "(output): is not JSON",
		``:                                  "(output): is empty",
	} {
		output = out
		_, task, err := browseruse.RunTaskAs[Flight](ctx, c, browseruse.CreateTaskParams{Task: "t", StructuredOutput: schema}, fastPolls)
		require.ErrorIs(t, err, browseruse.ErrOutputMismatch, out)
		require.ErrorContains(t, err, want, out)
		var oe *browseruse.OutputError
		require.ErrorAs(t, err, &oe)
		require.Equal(t, browseruse.TaskFinished, oe.Task.Status)
		require.Same(t, oe.Task, task, "the task is returned too")
	}

	// Without a schema, the one of the Go type is sent.
	output = `{"airline":"TAP","price":89.99}`
	flight, _, err = browseruse.RunTaskAs[Flight](ctx, c, browseruse.CreateTaskParams{Task: "t"}, fastPolls)
	require.NoError(t, err)
	require.Equal(t, Flight{Airline: "TAP", Price: 89.99}, flight)
	require.JSONEq(t, `{"type":"object","properties":{"airline":{"type":"string"},"price":{"type":"number"}},"required":["airline","price"]}`, gotSchema)

	// A schema that is not JSON, or a type without one: refused before any task is created.
	srv.ResetRequests()
	_, _, err = browseruse.RunTaskAs[Flight](ctx, c, browseruse.CreateTaskParams{Task: "t", StructuredOutput: "{not json"}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.ErrorContains(t, err, "StructuredOutput (structuredOutput): is not a JSON schema")
	_, _, err = browseruse.RunTaskAs[chan int](ctx, c, browseruse.CreateTaskParams{Task: "t"}, fastPolls)
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.ErrorContains(t, err, "chan int has no JSON schema")
	require.Zero(t, srv.RequestCount(""))
}

func TestOutputSchemaOfGoTypes(t *testing.T) {
	type Leg struct {
		From string    `json:"from"`
		At   time.Time `json:"at"`
	}
	type Base struct {
		ID int `json:"id"`
	}
	type Trip struct {
		Base
		Legs     []Leg           `json:"legs"`
		Price    *float64        `json:"price"`
		Note     string          `json:"note,omitempty"`
		Tags     map[string]bool `json:"tags,omitzero"`
		Raw      []byte          `json:"raw"`
		Extra    any             `json:"extra"`
		Internal string          `json:"-"`
		Plain    uint8
		hidden   int
		Headers  map[string]string `json:"headers"`
	}
	got, err := browseruse.OutputSchema[Trip]()
	require.NoError(t, err)
	require.JSONEq(t, `{"type":"object","properties":{
		"id":{"type":"integer"},
		"legs":{"type":"array","items":{"type":"object","properties":{"from":{"type":"string"},"at":{"type":"string","format":"date-time"}},"required":["from","at"]}},
		"price":{"type":["number","null"]},
		"note":{"type":"string"},
		"tags":{"type":"object","additionalProperties":{"type":"boolean"}},
		"raw":{"type":"string"},
		"extra":{},
		"Plain":{"type":"integer"},
		"headers":{"type":"object","additionalProperties":{"type":"string"}}},
		"required":["id","legs","raw","extra","Plain","headers"]}`, got)
	_ = Trip{}.hidden

	type Node struct {
		Next *Node `json:"next"`
	}
	got, err = browseruse.OutputSchema[Node]()
	require.NoError(t, err)
	require.JSONEq(t, `{"type":"object","properties":{"next":{"anyOf":[{"$ref":"#"},{"type":"null"}]}}}`, got)
	_, err = browseruse.OutputSchema[map[int]string]()
	require.ErrorContains(t, err, "only string keys")
}

// taskSecret is a task secret the fault cases check, with the key and the
// proxy password, in everything they print.
const taskSecret = "s3cr3t-t4sk-v4lue"

// faultTaskSecretsStaySecret: a task's secrets are masked wherever a proxy
// password is: errors (a server quoting them back), logs, fmt, slog, and
// the fake's request log.
func faultTaskSecretsStaySecret(t *testing.T, sink *secretSink) {
	const secret = taskSecret
	p := browseruse.CreateTaskParams{Task: "log in", Secrets: map[string]string{"password": secret, "otp": "123456"}}
	echo := `{"detail":[{"loc":["body","secrets","password"],"msg":"bad value ` + secret + `","type":"x","input":"` + secret + `"}]}`
	for _, status := range []int{422, 500} {
		srv := newAPIServer(t, answer(status, echo))
		_, err := srv.client(t, sink.option(), browseruse.WithRetry(browseruse.RetryPolicy{})).CreateTask(context.Background(), p)
		require.Error(t, err)
		sink.add(err)
		var apiErr *browseruse.APIError
		require.ErrorAs(t, err, &apiErr)
		for _, issue := range apiErr.Issues {
			sink.texts = append(sink.texts, issue.String())
		}
		require.JSONEq(t, `{"task":"log in","secrets":{"password":"`+secret+`","otp":"123456"}}`, srv.received()[0].Body, "sent in clear to the API")
	}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		sink.texts = append(sink.texts, fmt.Sprintf(verb, p), fmt.Sprintf(verb, &p))
	}
	slog.New(slog.NewJSONHandler(sink.logs, nil)).Info("params", "p", p)
	slog.New(slog.NewTextHandler(sink.logs, nil)).Info("params", "p", &p)

	fake := browserusetest.Start(t, browserusetest.WithoutLeakCheck())
	c, err := fake.Client(sink.option())
	require.NoError(t, err)
	_, err = c.CreateTask(context.Background(), p)
	require.NoError(t, err)
	for _, r := range fake.Requests() {
		sink.texts = append(sink.texts, r.Body)
	}
	require.Contains(t, fake.Requests()[0].Body, `"password":"[REDACTED]"`)
	require.NotContains(t, fake.Requests()[0].Body, "123456")
}

// Test200ConcurrentWaits: one client, 200 tasks waited for at once, against
// the fake; every wait ends with its task, and the default transport opens
// no more connections than its limit.
// Test200ConcurrentWaits: 200 tasks run and waited for at once all end,
// and the default transport's MaxConnsPerHost (64) bounds the requests the
// server holds at the same time (each connection carries one request at a
// time, so this bounds the connections in use). The fake's latency makes
// the requests overlap: without the cap, the 200 creates alone would exceed it.
func Test200ConcurrentWaits(t *testing.T) {
	run := func(in browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: "Done: " + in.Task, Duration: 50 * time.Millisecond}
	}
	fake := browserusetest.NewFake(browserusetest.WithTaskRunner(run), browserusetest.WithRequestLog(0), browserusetest.WithLatency(2*time.Millisecond))
	var inFlight, most atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		fake.ServeHTTP(w, r)
	}))
	defer ts.Close()
	c, err := browseruse.NewClient(browseruse.WithAPIKey(fake.APIKey()), browseruse.WithBaseURL(ts.URL+browserusetest.BasePath))
	require.NoError(t, err)
	ctx := context.Background()
	var wg sync.WaitGroup
	var finished atomic.Int32
	for i := range 200 {
		wg.Go(func() {
			task, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: fmt.Sprint("task ", i)}, browseruse.PollInterval(5*time.Millisecond, 20*time.Millisecond))
			if assert.NoError(t, err) && assert.Equal(t, fmt.Sprint("Done: task ", i), browseruse.Deref(task.Output)) {
				finished.Add(1)
			}
		})
	}
	wg.Wait()
	require.EqualValues(t, 200, finished.Load())
	require.LessOrEqual(t, most.Load(), int32(64), "the transport's MaxConnsPerHost bounds the requests at once")
	require.Greater(t, most.Load(), int32(1), "the requests did overlap")
}

// TestAWaitStartsNoGoroutinePerPoll: the goroutine count stays flat while
// one wait polls many times.
func TestAWaitStartsNoGoroutinePerPoll(t *testing.T) {
	_, c := taskEnv(t, script(browserusetest.TaskResult{Duration: 300 * time.Millisecond}))
	created, err := c.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitForTask(context.Background(), created.ID, browseruse.PollInterval(time.Millisecond, time.Millisecond))
		done <- err
	}()
	time.Sleep(50 * time.Millisecond) // connections warmed up
	lo, hi := runtime.NumGoroutine(), runtime.NumGoroutine()
	for range 20 {
		time.Sleep(10 * time.Millisecond)
		n := runtime.NumGoroutine()
		lo, hi = min(lo, n), max(hi, n)
	}
	require.NoError(t, <-done)
	require.LessOrEqual(t, hi-lo, 2, "goroutines between %d and %d over about 200 polls", lo, hi)
}

func TestAllTasksWalksEveryPage(t *testing.T) {
	srv, c := taskEnv(t, script(browserusetest.TaskResult{Duration: time.Millisecond}))
	ctx := context.Background()
	var last *browseruse.CreatedTask
	for range 7 {
		var err error
		last, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
		require.NoError(t, err)
	}
	_, err := c.WaitForTask(ctx, last.ID, fastPolls) // every task has finished after the last one
	require.NoError(t, err)
	srv.ResetRequests()
	var ids []string
	for task, err := range c.AllTasks(ctx, browseruse.ListTasksParams{PageSize: browseruse.Ptr(3)}) {
		require.NoError(t, err)
		ids = append(ids, task.ID)
	}
	require.Len(t, ids, 7)
	require.Equal(t, 3, srv.RequestCount(browserusetest.OpListTasks))
	page, err := c.ListTasks(ctx, browseruse.ListTasksParams{Status: browseruse.TaskFinished, After: browseruse.Ptr(time.Now().Add(-time.Hour)), Before: browseruse.Ptr(time.Now().Add(time.Hour))})
	require.NoError(t, err)
	require.Equal(t, 7, page.TotalItems)
	logs, err := c.TaskLogsURL(ctx, ids[0])
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(logs, "https://"))
}

func TestWithPollIntervalSetsTheClientsWaits(t *testing.T) {
	// A task of 150 ms: the default schedule polls once, at about 1.5 s;
	// 1 ms polls make many more. Only the client option sets
	// them (NewClient itself, not srv.Client, which tunes polls for tests).
	srv := browserusetest.Start(t, browserusetest.WithTaskRunner(script(browserusetest.TaskResult{Duration: 150 * time.Millisecond})), browserusetest.WithoutLeakCheck())
	c, err := browseruse.NewClient(browseruse.WithAPIKey(srv.APIKey()), browseruse.WithBaseURL(srv.URL),
		browseruse.WithPollInterval(time.Millisecond, time.Millisecond))
	require.NoError(t, err)
	_, err = c.RunTask(context.Background(), browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	require.Greater(t, srv.RequestCount(browserusetest.OpGetTaskStatus), 3)

	_, err = browseruse.NewClient(browseruse.WithAPIKey("k"), browseruse.WithPollInterval(time.Second, time.Millisecond))
	require.ErrorContains(t, err, "WithPollInterval")
}
