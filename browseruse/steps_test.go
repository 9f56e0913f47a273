package browseruse_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// stepsEnv is a fake on a clock the test moves, running tasks of three
// steps of an hour each.
func stepsEnv(t *testing.T) (*browserusetest.Server, *browseruse.Client, func(time.Duration)) {
	t.Helper()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	srv := browserusetest.Start(t, browserusetest.WithClock(clock), browserusetest.WithoutLeakCheck(),
		browserusetest.WithTaskRunner(script(browserusetest.TaskResult{Output: "ok", StepDurations: []time.Duration{time.Hour, time.Hour, time.Hour}})))
	c, err := srv.Client(browseruse.WithRetry(browseruse.RetryPolicy{}))
	require.NoError(t, err)
	return srv, c, advance
}

func countOp(srv *browserusetest.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == op {
			n++
		}
	}
	return n
}

// TestTaskStepsYieldsEachStepOnceAsItHappens: each GET sees one more step
// (the clock moves an hour per step yielded): three steps, in order, each
// once, in exactly three GETs and no status poll; the stream ends with the
// task.
func TestTaskStepsYieldsEachStepOnceAsItHappens(t *testing.T) {
	srv, c, advance := stepsEnv(t)
	ctx := context.Background()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	advance(time.Hour) // step 1 is done
	var got []int
	for step, err := range c.TaskSteps(ctx, created.ID, browseruse.PollInterval(time.Millisecond, time.Millisecond)) {
		require.NoError(t, err)
		got = append(got, step.Number)
		advance(time.Hour) // the next step is done
	}
	require.Equal(t, []int{1, 2, 3}, got)
	require.Equal(t, 3, countOp(srv, browserusetest.OpGetTask), "one GET per new step")
	require.Zero(t, countOp(srv, browserusetest.OpGetTaskStatus))
	task, err := c.GetTask(ctx, created.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskFinished, task.Status, "the stream ended with the task")
}

// TestTaskStepsEndsWithAnEndedTask: a task already ended yields all its
// steps from one GET, then the stream ends.
func TestTaskStepsEndsWithAnEndedTask(t *testing.T) {
	srv, c, _ := stepsEnv(t)
	ctx := context.Background()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	require.NoError(t, srv.FinishTask(created.ID, "now"))
	n := 0
	for step, err := range c.TaskSteps(ctx, created.ID) {
		require.NoError(t, err)
		n++
		require.Equal(t, n, step.Number)
	}
	require.Equal(t, 3, n)
	require.Equal(t, 1, countOp(srv, browserusetest.OpGetTask))
}

// TestTaskStepsBreakAndCancel: breaking out stops the polling; a cancelled
// context ends the stream with its error; an unknown task with ErrTaskNotFound.
func TestTaskStepsBreakAndCancel(t *testing.T) {
	srv, c, advance := stepsEnv(t)
	ctx := context.Background()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	advance(time.Hour)
	for _, err := range c.TaskSteps(ctx, created.ID) {
		require.NoError(t, err)
		break
	}
	require.Equal(t, 1, countOp(srv, browserusetest.OpGetTask))

	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var last error
	for _, err := range c.TaskSteps(cctx, created.ID, browseruse.PollInterval(time.Millisecond, time.Millisecond)) {
		cancel() // after step 1, which stays the only one: the clock is still
		last = err
	}
	require.ErrorIs(t, last, context.Canceled)

	for _, err := range c.TaskSteps(ctx, "00000000-0000-4000-8000-000000000000") {
		last = err
	}
	require.ErrorIs(t, last, browseruse.ErrTaskNotFound)
}
