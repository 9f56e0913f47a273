package browserusetest_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

func ExampleStart() {
	t := &exampleT{} // in a test: the test's *testing.T

	srv := browserusetest.Start(t) // closed, and checked for active sessions, when the test ends
	client, err := srv.Client()    // tuned for tests: polls and retries wait milliseconds
	if err != nil {
		log.Fatal(err)
	}
	session, err := client.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(session.Status)

	t.end()                               // what the testing package does when the test ends
	fmt.Println("test failed:", t.failed) // the session was never stopped: on the real service it would bill
	// Output:
	// active
	// test failed: true
}

func ExampleFake_Inject() {
	srv := browserusetest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// The next two lists answer 503: the client retries, and the third succeeds.
	srv.Inject(browserusetest.OpListSessions, 2, browserusetest.Fault{Status: http.StatusServiceUnavailable})
	_, err = client.ListSessions(ctx, browseruse.ListSessionsParams{})
	fmt.Println(err, srv.RequestCount(browserusetest.OpListSessions))

	// The next create makes its session, then loses the answer: the client
	// does not retry it (that could start a second session) and says so.
	srv.Inject(browserusetest.OpCreateSession, 1, browserusetest.Fault{Drop: true, AfterApplying: true})
	_, err = client.CreateSession(ctx, browseruse.CreateSessionParams{})
	fmt.Println(errors.Is(err, browseruse.ErrOutcomeUnknown), srv.SessionCount(browseruse.StatusActive))
	// Output:
	// <nil> 3
	// true 1
}

func ExampleWithTaskRunner() {
	srv := browserusetest.NewServer(browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
		if strings.Contains(in.Task, "checkout") {
			return browserusetest.TaskResult{Failed: true, Output: "the payment page did not load", Steps: 4}
		}
		return browserusetest.TaskResult{Output: "EUR 89.99", Steps: 3, Duration: 50 * time.Millisecond}
	}))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	task, err := client.RunTask(ctx, browseruse.CreateTaskParams{Task: "find the cheapest flight"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(browseruse.Deref(task.Output), len(task.Steps))

	_, err = client.RunTask(ctx, browseruse.CreateTaskParams{Task: "go to checkout"})
	var failed *browseruse.TaskError
	if errors.As(err, &failed) {
		fmt.Println(failed.Status, browseruse.Deref(failed.Task.Output))
	}
	// Output:
	// EUR 89.99 3
	// failed the payment page did not load
}

func ExampleFake_FinishTask() {
	srv := browserusetest.NewServer(browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Duration: time.Hour} // it would run for an hour
	}))
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	created, err := client.CreateTask(ctx, browseruse.CreateTaskParams{Task: "watch the price"})
	if err != nil {
		log.Fatal(err)
	}

	if err := srv.FinishTask(created.ID, "the price dropped"); err != nil { // or FailTask, or EndTask
		log.Fatal(err)
	}
	task, err := client.WaitForTask(ctx, created.ID) // returns at its next poll
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.Status, browseruse.Deref(task.Output))
	fmt.Println(errors.Is(srv.FinishTask(created.ID, "again"), browserusetest.ErrTaskEnded))
	// Output:
	// finished the price dropped
	// true
}

func ExampleDefaultTaskRunner() {
	srv := browserusetest.NewServer() // the default script
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	task, err := client.RunTask(context.Background(), browseruse.CreateTaskParams{
		Task: "find a flight",
		StructuredOutput: `{"type": "object", "required": ["airline", "price", "departs", "stops"], "properties": {
			"airline": {"type": "string", "enum": ["TAP", "Ryanair"]},
			"price":   {"type": "number", "exclusiveMinimum": 0},
			"departs": {"type": "string", "format": "date-time"},
			"stops":   {"type": "array", "items": {"$ref": "#/$defs/airport"}}},
			"$defs": {"airport": {"type": "string", "pattern": "^[A-Z]{3}$"}}}`,
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(browseruse.Deref(task.Output))
	// Output: {"airline":"TAP","departs":"2026-01-01T00:00:00Z","price":1,"stops":["AAA"]}
}

func ExampleWithNaiveTimestamps() {
	at := func() time.Time { return time.Date(2026, 12, 1, 18, 57, 22, 149271000, time.UTC) }
	for _, opts := range [][]browserusetest.Option{
		{browserusetest.WithClock(at)},
		{browserusetest.WithClock(at), browserusetest.WithNaiveTimestamps()},
	} {
		srv := browserusetest.NewServer(opts...)
		req, err := http.NewRequest(http.MethodPost, srv.URL+"/sessions", strings.NewReader(`{}`))
		if err != nil {
			log.Fatal(err)
		}
		req.Header.Set("X-Browser-Use-API-Key", srv.APIKey())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			log.Fatal(err)
		}
		var session struct {
			StartedAt string `json:"startedAt"`
		}
		err = json.NewDecoder(resp.Body).Decode(&session)
		resp.Body.Close()
		srv.Close()
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(session.StartedAt)
	}
	// Output:
	// 2026-12-01T18:57:22.149271Z
	// 2026-12-01T18:57:22.149271
}

// exampleT stands in for a test's *testing.T, which an example has not:
// like the testing package, it records a failure and runs the cleanups
// when the test ends.
type exampleT struct {
	testing.TB // Start calls only Helper, Cleanup and Errorf
	failed     bool
	cleanups   []func()
}

func (t *exampleT) Helper()               {}
func (t *exampleT) Cleanup(f func())      { t.cleanups = append(t.cleanups, f) }
func (t *exampleT) Errorf(string, ...any) { t.failed = true }
func (t *exampleT) end() {
	for i := len(t.cleanups) - 1; i >= 0; i-- {
		t.cleanups[i]()
	}
}
