package browseruse_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// heldTasks is a task script that runs until the test ends the task
// (FinishTask, a stop), and a channel that receives every task's id as the
// fake creates it.
func heldTasks() (browserusetest.Option, <-chan string) {
	created := make(chan string, 1000)
	return browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
		created <- in.ID // buffered: the runner runs under the fake's lock
		return browserusetest.TaskResult{Output: "done: " + in.Task, Duration: time.Hour}
	}), created
}

// newTestPool starts a pool on srv's client, closed at cleanup (before
// Start's check for sessions left active).
func newTestPool(t *testing.T, srv *browserusetest.Server, opts browseruse.PoolOptions, clientOpts ...browseruse.Option) (*browseruse.Pool, *browseruse.Client) {
	t.Helper()
	client, err := srv.Client(clientOpts...)
	require.NoError(t, err)
	if opts.CapBackoff == 0 {
		opts.CapBackoff, opts.CapBackoffMax = time.Millisecond, 5*time.Millisecond
	}
	pool, err := browseruse.NewPool(client, opts)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, pool.Close()) })
	return pool, client
}

// receive returns the next id from ch; the deadline only guards against a
// hang, no behaviour is timed.
func receive(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case id := <-ch:
		return id
	case <-time.After(30 * time.Second):
		t.Fatal("no task was created")
		return ""
	}
}

// until polls cond until it holds; the deadline only guards against a hang.
func until(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("never happened: %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// answered reports whether the fake answered an operation with status
// (Statuses lists each status once).
func answered(srv *browserusetest.Server, op string, status int) bool {
	return slices.Contains(srv.Statuses(op), status)
}

type runResult struct {
	task *browseruse.Task
	err  error
}

func goRun(ctx context.Context, pool *browseruse.Pool, task string) <-chan runResult {
	ch := make(chan runResult, 1)
	go func() {
		t, err := pool.Run(ctx, browseruse.CreateTaskParams{Task: task})
		ch <- runResult{t, err}
	}()
	return ch
}

func TestNewPoolRefusesBadOptions(t *testing.T) {
	srv := browserusetest.Start(t)
	client, err := srv.Client()
	require.NoError(t, err)
	_, err = browseruse.NewPool(client, browseruse.PoolOptions{})
	require.ErrorContains(t, err, "MaxSessions")
	_, err = browseruse.NewPool(client, browseruse.PoolOptions{MaxSessions: 1, CapBackoff: -1})
	require.Error(t, err)
	_, err = browseruse.NewPool(nil, browseruse.PoolOptions{MaxSessions: 1})
	require.Error(t, err)

	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
	_, err = pool.Run(context.Background(), browseruse.CreateTaskParams{Task: "x", SessionID: sessionID})
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.Zero(t, srv.RequestCount(browserusetest.OpCreateSession))
}

// Six tasks over a pool of 2 under a cap of 2: the tasks past the second
// wait for a session (the fake never answers 429), and the two sessions
// run all six (reuse).
func TestPoolWaitsForASessionAndReusesIt(t *testing.T) {
	runner, created := heldTasks()
	srv := browserusetest.Start(t, browserusetest.WithMaxActiveSessions(2), runner)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 2})

	ctx := context.Background()
	var results []<-chan runResult
	for i := range 6 {
		results = append(results, goRun(ctx, pool, fmt.Sprint("task ", i)))
	}
	sessionsOf := map[string]bool{}
	for range 6 {
		id := receive(t, created)
		require.LessOrEqual(t, srv.SessionCount(browseruse.StatusActive), 2)
		require.NoError(t, srv.FinishTask(id, "ok"))
	}
	for _, ch := range results {
		r := <-ch
		require.NoError(t, r.err)
		require.Equal(t, browseruse.TaskFinished, r.task.Status)
		sessionsOf[r.task.SessionID] = true
	}
	require.False(t, answered(srv, browserusetest.OpCreateSession, 429), "a task met the cap instead of waiting")
	require.False(t, answered(srv, browserusetest.OpCreateTask, 400), "a task was sent to a busy session")
	require.Equal(t, 2, srv.SessionCount(""), "sessions were not reused")
	require.Len(t, sessionsOf, 2)
	require.Equal(t, 2, srv.SessionCount(browseruse.StatusActive), "the warm sessions stay up for the next tasks")
	require.NoError(t, pool.Close())
	require.Zero(t, srv.SessionCount(browseruse.StatusActive))
}

func TestPoolFreshSessions(t *testing.T) {
	srv := browserusetest.Start(t)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 2, FreshSessions: true})
	ctx := context.Background()
	seen := map[string]bool{}
	for i := range 3 {
		task, err := pool.Run(ctx, browseruse.CreateTaskParams{Task: fmt.Sprint("task ", i)})
		require.NoError(t, err)
		require.False(t, seen[task.SessionID], "a session ran two tasks")
		seen[task.SessionID] = true
		require.Zero(t, srv.SessionCount(browseruse.StatusActive), "the session outlived its task")
	}
	require.Equal(t, 3, srv.SessionCount(""))
	require.Equal(t, 3, srv.RequestCount(browserusetest.OpCreateTask), "a task was sent to a used session")
	for _, r := range srv.Requests() {
		if r.Operation == browserusetest.OpCreateSession {
			require.Contains(t, r.Body, `"keepAlive":false`)
		}
	}
}

// A session stopped or deleted behind the pool's back is replaced: the
// task moves to a new session and runs once.
func TestPoolReplacesAStoppedOrMissingSession(t *testing.T) {
	for _, how := range []string{"stopped", "deleted"} {
		t.Run(how, func(t *testing.T) {
			srv := browserusetest.Start(t)
			pool, client := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
			ctx := context.Background()
			first, err := pool.Run(ctx, browseruse.CreateTaskParams{Task: "one"})
			require.NoError(t, err)
			if how == "stopped" {
				_, err = client.StopSession(ctx, first.SessionID)
			} else {
				err = client.DeleteSession(ctx, first.SessionID)
			}
			require.NoError(t, err)

			second, err := pool.Run(ctx, browseruse.CreateTaskParams{Task: "two"})
			require.NoError(t, err)
			require.NotEqual(t, first.SessionID, second.SessionID)
			require.Equal(t, 2, srv.RequestCount(browserusetest.OpCreateSession))
			require.Equal(t, 3, srv.RequestCount(browserusetest.OpCreateTask), "one refused create, then the task once")

			third, err := pool.Run(ctx, browseruse.CreateTaskParams{Task: "three"})
			require.NoError(t, err)
			require.Equal(t, second.SessionID, third.SessionID, "the replacement is reused")
		})
	}
}

// A task whose session was stopped while it ran ends stopped (its error
// is returned, it is not run again), and the next task goes to a new
// session without first meeting the dead one.
func TestPoolReplacesASessionThatEndedWithItsTask(t *testing.T) {
	runner, created := heldTasks()
	srv := browserusetest.Start(t, runner)
	pool, client := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
	ctx := context.Background()

	ch := goRun(ctx, pool, "one")
	taskID := receive(t, created)
	task, err := client.GetTask(ctx, taskID)
	require.NoError(t, err)
	_, err = client.StopSession(ctx, task.SessionID)
	require.NoError(t, err)
	r := <-ch
	require.ErrorIs(t, r.err, browseruse.ErrTaskStopped)

	ch = goRun(ctx, pool, "two")
	require.NoError(t, srv.FinishTask(receive(t, created), "ok"))
	r = <-ch
	require.NoError(t, r.err)
	require.NotEqual(t, task.SessionID, r.task.SessionID)
	require.False(t, answered(srv, browserusetest.OpCreateTask, 400), "the dead session was tried")
	require.Equal(t, 2, srv.RequestCount(browserusetest.OpCreateTask), "a task ran twice")
}

// A failed task leaves its session in the pool: the agent failed, not the
// browser.
func TestPoolKeepsTheSessionOfAFailedTask(t *testing.T) {
	runner, created := heldTasks()
	srv := browserusetest.Start(t, runner)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
	ctx := context.Background()
	ch := goRun(ctx, pool, "one")
	require.NoError(t, srv.FailTask(receive(t, created), "no such page"))
	r := <-ch
	var taskErr *browseruse.TaskError
	require.ErrorAs(t, r.err, &taskErr)
	ch = goRun(ctx, pool, "two")
	require.NoError(t, srv.FinishTask(receive(t, created), "ok"))
	r = <-ch
	require.NoError(t, r.err)
	require.Equal(t, taskErr.Task.SessionID, r.task.SessionID)
	require.Equal(t, 1, srv.SessionCount(""))
}

// Another program holds the cap: the pool's create meets 429, waits with
// backoff (logged), and runs the task once the other program lets go.
func TestPoolWaitsOutTheCapHeldByOthers(t *testing.T) {
	srv := browserusetest.Start(t, browserusetest.WithMaxActiveSessions(1))
	var logs logBuffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	pool, client := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1}, browseruse.WithLogger(logger))
	ctx := context.Background()
	other, err := client.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)

	ch := goRun(ctx, pool, "one")
	until(t, "the pool met the cap 3 times", func() bool {
		return answered(srv, browserusetest.OpCreateSession, 429) && srv.RequestCount(browserusetest.OpCreateSession) >= 4
	})
	select {
	case r := <-ch:
		t.Fatalf("Run returned while the cap was held: %v", r.err)
	default:
	}
	_, err = client.StopSession(ctx, other.ID)
	require.NoError(t, err)
	r := <-ch
	require.NoError(t, r.err)
	require.Equal(t, browseruse.TaskFinished, r.task.Status)
	require.Contains(t, logs.String(), "the plan's cap is held by other sessions")
}

// A session create whose answer is lost: the session exists on the
// service but the pool has no id. The task gets ErrOutcomeUnknown (no
// blind second create), a Warn is logged, and Close reports it.
func TestPoolReportsACreateWithAnUnknownOutcome(t *testing.T) {
	srv := browserusetest.Start(t)
	var logs logBuffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	client, err := srv.Client(browseruse.WithLogger(logger))
	require.NoError(t, err)
	pool, err := browseruse.NewPool(client, browseruse.PoolOptions{MaxSessions: 1})
	require.NoError(t, err)
	srv.Inject(browserusetest.OpCreateSession, 1, browserusetest.Fault{Drop: true, AfterApplying: true})

	_, err = pool.Run(context.Background(), browseruse.CreateTaskParams{Task: "one"})
	require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpCreateSession), "the create was repeated")
	require.Contains(t, logs.String(), "level=WARN")
	require.Contains(t, logs.String(), "no id to stop it by")

	closeErr := pool.Close()
	require.ErrorIs(t, closeErr, browseruse.ErrOutcomeUnknown)
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusActive), "the stray the test made")
	_, err = client.StopActiveSessions(context.Background())
	require.NoError(t, err)
}

// The context ends a running task (stopped on the service, with its
// session) and a queued one (never created).
func TestPoolContextCancelsRunningAndQueuedTasks(t *testing.T) {
	runner, created := heldTasks()
	srv := browserusetest.Start(t, runner)
	pool, client := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
	ctx, cancel := context.WithCancel(context.Background())
	running := goRun(ctx, pool, "running")
	taskID := receive(t, created)
	until(t, "the running task is waited for", func() bool { return srv.RequestCount(browserusetest.OpGetTaskStatus) > 0 })
	queued := goRun(ctx, pool, "queued")
	cancel()

	r := <-running
	require.ErrorIs(t, r.err, context.Canceled)
	q := <-queued
	require.ErrorIs(t, q.err, context.Canceled)
	task, err := client.GetTask(context.Background(), taskID)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskStopped, task.Status)
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpCreateTask), "the queued task was created")
	require.Zero(t, srv.SessionCount(browseruse.StatusActive), "the cancelled task's session is left up")
}

// Close stops the idle sessions and the ones running a task (the task
// ends stopped), and Run refuses work after it.
func TestPoolCloseStopsEverySession(t *testing.T) {
	runner, created := heldTasks()
	srv := browserusetest.Start(t, runner)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 2})
	ctx := context.Background()

	a := goRun(ctx, pool, "a")
	b := goRun(ctx, pool, "b")
	first := receive(t, created)
	receive(t, created)
	require.NoError(t, srv.FinishTask(first, "ok"))
	var ended runResult
	var busy <-chan runResult
	select {
	case ended = <-a:
		busy = b
	case ended = <-b:
		busy = a
	}
	require.NoError(t, ended.err)
	require.Equal(t, 2, srv.SessionCount(browseruse.StatusActive), "one idle, one running a task")

	require.NoError(t, pool.Close())
	require.Zero(t, srv.SessionCount(browseruse.StatusActive))
	r := <-busy
	require.ErrorIs(t, r.err, browseruse.ErrTaskStopped)
	_, err := pool.Run(ctx, browseruse.CreateTaskParams{Task: "late"})
	require.ErrorIs(t, err, browseruse.ErrPoolClosed)
	require.Equal(t, 2, srv.RequestCount(browserusetest.OpCreateTask))
}

// A session that will not stop is named in Close's error; a second Close
// stops it.
func TestPoolCloseReportsWhatItCouldNotStop(t *testing.T) {
	srv := browserusetest.Start(t)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
	task, err := pool.Run(context.Background(), browseruse.CreateTaskParams{Task: "one"})
	require.NoError(t, err)
	srv.Inject(browserusetest.OpStopSession, 3, browserusetest.Fault{Status: 500}) // the first and both retries
	err = pool.Close()
	require.ErrorContains(t, err, task.SessionID)
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusActive))
	require.NoError(t, pool.Close())
	require.Zero(t, srv.SessionCount(browseruse.StatusActive))
}

// RunAll yields one Result per task, failures included, over at most
// MaxSessions sessions.
func TestPoolRunAll(t *testing.T) {
	srv := browserusetest.Start(t, browserusetest.WithMaxActiveSessions(3),
		browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
			return browserusetest.TaskResult{Output: in.Task, Failed: strings.HasPrefix(in.Task, "fail"), Duration: time.Millisecond}
		}))
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 3})
	var tasks []browseruse.CreateTaskParams
	for i := range 20 {
		name := fmt.Sprint("task ", i)
		if i%5 == 0 {
			name = fmt.Sprint("fail ", i)
		}
		tasks = append(tasks, browseruse.CreateTaskParams{Task: name})
	}
	var indexes []int
	for r := range pool.RunAll(context.Background(), tasks) {
		indexes = append(indexes, r.Index)
		if r.Index%5 == 0 {
			require.ErrorIs(t, r.Err, browseruse.ErrTaskFailed)
			continue
		}
		require.NoError(t, r.Err)
		require.Equal(t, tasks[r.Index].Task, browseruse.Deref(r.Task.Output))
	}
	slices.Sort(indexes)
	require.Equal(t, 20, len(indexes))
	for i, idx := range indexes {
		require.Equal(t, i, idx, "a task yielded twice or never")
	}
	require.Equal(t, 20, srv.RequestCount(browserusetest.OpCreateTask))
	require.LessOrEqual(t, srv.SessionCount(""), 3)
	require.False(t, answered(srv, browserusetest.OpCreateSession, 429))
}

// Breaking out of RunAll stops the running tasks and starts no more;
// RunAll returns with no goroutine left (goleak checks in TestMain).
func TestPoolRunAllBreak(t *testing.T) {
	runner, created := heldTasks()
	srv := browserusetest.Start(t, runner)
	pool, client := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 2})
	tasks := make([]browseruse.CreateTaskParams, 10)
	for i := range tasks {
		tasks[i].Task = fmt.Sprint("task ", i)
	}
	go func() {
		require.NoError(t, srv.FinishTask(<-created, "first"))
	}()
	n := 0
	for r := range pool.RunAll(context.Background(), tasks) {
		require.NoError(t, r.Err)
		n++
		break
	}
	require.Equal(t, 1, n)
	ctx := context.Background()
	for tk, err := range client.AllTasks(ctx, browseruse.ListTasksParams{}) {
		require.NoError(t, err)
		require.NotEqual(t, browseruse.TaskStarted, tk.Status, "a task runs on after the break")
		require.NotEqual(t, browseruse.TaskCreated, tk.Status, "a task runs on after the break")
	}
	require.LessOrEqual(t, srv.RequestCount(browserusetest.OpCreateTask), 3, "tasks were started after the break")
}

// Cancelling RunAll's context yields every task still, with an error for
// those that did not finish.
func TestPoolRunAllCancelYieldsEveryTask(t *testing.T) {
	runner, created := heldTasks()
	srv := browserusetest.Start(t, runner)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 2})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tasks := make([]browseruse.CreateTaskParams, 6)
	for i := range tasks {
		tasks[i].Task = fmt.Sprint("task ", i)
	}
	go func() {
		require.NoError(t, srv.FinishTask(<-created, "first"))
	}()
	var ok, cancelled int
	for r := range pool.RunAll(ctx, tasks) {
		if r.Err == nil {
			ok++
			cancel()
			continue
		}
		require.ErrorIs(t, r.Err, context.Canceled)
		cancelled++
	}
	require.Equal(t, 1, ok)
	require.Equal(t, 5, cancelled)
}

// A context that ends while a session create is on its way does not cut
// the create short, which would leave a session started without its id:
// the pool keeps the session (Close stops it) and Run returns the
// context's error.
func TestPoolCancelDuringCreateLeavesNoStray(t *testing.T) {
	srv := browserusetest.Start(t)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
	srv.Inject(browserusetest.OpCreateSession, 1, browserusetest.Fault{Delay: 200 * time.Millisecond, AfterApplying: true})
	ctx, cancel := context.WithCancel(context.Background())
	ch := goRun(ctx, pool, "one")
	until(t, "the create was received", func() bool { return srv.RequestCount(browserusetest.OpCreateSession) == 1 })
	cancel()
	r := <-ch
	require.ErrorIs(t, r.err, context.Canceled)
	require.NotErrorIs(t, r.err, browseruse.ErrOutcomeUnknown)
	require.Zero(t, srv.RequestCount(browserusetest.OpCreateTask))

	task, err := pool.Run(context.Background(), browseruse.CreateTaskParams{Task: "two"})
	require.NoError(t, err)
	require.Equal(t, 1, srv.SessionCount(""), "the session of the cancelled create is used next")
	require.NoError(t, pool.Close()) // and stopped here; Start checks
	require.Equal(t, srv.ActiveSessionIDs(), []string(nil))
	_ = task
}

// A task create whose answer is lost may have started the task: the pool
// stops its session (which stops the task) rather than reuse a session
// that may be busy, and returns ErrOutcomeUnknown without creating it again.
func TestPoolTaskCreateWithAnUnknownOutcome(t *testing.T) {
	srv := browserusetest.Start(t)
	pool, _ := newTestPool(t, srv, browseruse.PoolOptions{MaxSessions: 1})
	srv.Inject(browserusetest.OpCreateTask, 1, browserusetest.Fault{Drop: true, AfterApplying: true})
	_, err := pool.Run(context.Background(), browseruse.CreateTaskParams{Task: "one"})
	require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpCreateTask))
	require.Zero(t, srv.SessionCount(browseruse.StatusActive), "the session that may run the task is left up")

	task, err := pool.Run(context.Background(), browseruse.CreateTaskParams{Task: "two"})
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskFinished, task.Status)
}
