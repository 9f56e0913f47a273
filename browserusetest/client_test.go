package browserusetest_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// logRecords is a slog.Handler that keeps every record.
type logRecords struct {
	mu      sync.Mutex
	records []slog.Record
}

func (l *logRecords) Enabled(context.Context, slog.Level) bool { return true }
func (l *logRecords) Handle(_ context.Context, r slog.Record) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = append(l.records, r.Clone())
	return nil
}
func (l *logRecords) WithAttrs([]slog.Attr) slog.Handler { return l }
func (l *logRecords) WithGroup(string) slog.Handler      { return l }

func (l *logRecords) reset() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.records = nil
}

// retryWaits are the waits the client logged before its retries.
func (l *logRecords) retryWaits() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	var waits []time.Duration
	for _, r := range l.records {
		r.Attrs(func(a slog.Attr) bool {
			if a.Key == "wait" {
				waits = append(waits, a.Value.Duration())
			}
			return true
		})
	}
	return waits
}

// TestClientRetriesWithMillisecondBackoff: two injected 503s cost two
// retries of at most 10 ms each, where the production policy waits 0.25 s
// to 1 s; the read is the waits the client logs, not a clock.
func TestClientRetriesWithMillisecondBackoff(t *testing.T) {
	srv := browserusetest.Start(t)
	logs := &logRecords{}
	c, err := srv.Client(browseruse.WithLogger(slog.New(logs)))
	require.NoError(t, err)
	srv.Inject(browserusetest.OpListSessions, 2, browserusetest.Fault{Status: 503})
	_, err = c.ListSessions(context.Background(), browseruse.ListSessionsParams{})
	require.NoError(t, err)
	require.Equal(t, 3, srv.RequestCount(browserusetest.OpListSessions), "the production number of retries")
	waits := logs.retryWaits()
	require.Len(t, waits, 2)
	for _, w := range waits {
		require.LessOrEqual(t, w, 10*time.Millisecond)
	}

	// The caller's options come last, so they win: no retries at all.
	c, err = srv.Client(browseruse.WithRetry(browseruse.RetryPolicy{}))
	require.NoError(t, err)
	srv.ResetRequests()
	srv.Inject(browserusetest.OpListSessions, 1, browserusetest.Fault{Status: 503})
	_, err = c.ListSessions(context.Background(), browseruse.ListSessionsParams{})
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpListSessions))

	// ClientOptions builds the same client for code that calls NewClient.
	c, err = browseruse.NewClient(append(srv.ClientOptions(), browseruse.WithLogger(slog.New(logs)))...)
	require.NoError(t, err)
	logs.reset()
	srv.Inject(browserusetest.OpListSessions, 1, browserusetest.Fault{Status: 503})
	_, err = c.ListSessions(context.Background(), browseruse.ListSessionsParams{})
	require.NoError(t, err)
	require.Len(t, logs.retryWaits(), 1)
	require.LessOrEqual(t, logs.retryWaits()[0], 10*time.Millisecond)
}

// TestClientPollsEveryFewMilliseconds: a wait on a task that runs for an
// hour polls 20 times well within 10 s (about 0.2 s at 1 to 10 ms; the
// production schedule, 1 s growing to 5 s, polls 5 times in 10 s); the
// task is then finished at once and the wait returns it. The 10 s is a
// bound 50 times the expected time, for loaded machines.
func TestClientPollsEveryFewMilliseconds(t *testing.T) {
	srv := browserusetest.Start(t, browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Duration: time.Hour}
	}), browserusetest.WithoutLeakCheck())
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	done := make(chan *browseruse.Task, 1)
	go func() {
		task, err := c.WaitForTask(ctx, created.ID)
		if err != nil {
			t.Error(err)
		}
		done <- task
	}()
	deadline := time.Now().Add(10 * time.Second)
	for srv.RequestCount(browserusetest.OpGetTaskStatus) < 20 {
		if time.Now().After(deadline) {
			require.NoError(t, srv.FinishTask(created.ID, ""))
			<-done
			t.Fatalf("%d polls in 10 s: not the test schedule", srv.RequestCount(browserusetest.OpGetTaskStatus))
		}
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, srv.FinishTask(created.ID, "done early"))
	task := <-done
	require.NotNil(t, task)
	require.Equal(t, "done early", browseruse.Deref(task.Output))
}
