package browserusetest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// TestEndingATaskNow: FinishTask, FailTask and EndTask end a running task
// at once, on the fake's clock, whatever its script's timing; they refuse
// unknown and ended tasks.
func TestEndingATaskNow(t *testing.T) {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	srv, c := start(t, browserusetest.WithClock(clock), browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: "by the script", Steps: 3, Cost: "0.5", OutputFiles: []browserusetest.File{{Name: "a.csv"}},
			StartAfter: time.Minute, Duration: time.Hour}
	}))
	ctx := context.Background()
	create := func() string {
		t.Helper()
		created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
		require.NoError(t, err)
		return created.ID
	}

	// Finished now, before it even started: the rest is its script's.
	id := create()
	advance(time.Second)
	require.NoError(t, srv.FinishTask(id, `{"price":1}`))
	task, err := c.WaitForTask(ctx, id)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskFinished, task.Status)
	require.Equal(t, `{"price":1}`, browseruse.Deref(task.Output))
	require.True(t, browseruse.Deref(task.IsSuccess))
	require.Len(t, task.Steps, 3)
	require.Len(t, task.OutputFiles, 1)
	require.Equal(t, "0.5", browseruse.Deref(task.Cost).String())
	require.True(t, task.StartedAt.Equal(now), "started at the end: %v", task.StartedAt)
	require.True(t, task.FinishedAt.Equal(now), "ended now, not by the script: %v", task.FinishedAt)
	require.Equal(t, 0, srv.SessionCount(browseruse.StatusActive), "its own session stops with it")
	require.ErrorIs(t, srv.FinishTask(id, "again"), browserusetest.ErrTaskEnded)
	require.ErrorIs(t, srv.FailTask(id, "again"), browserusetest.ErrTaskEnded)

	// Failed now, while it runs.
	id = create()
	advance(2 * time.Minute)
	st, err := c.GetTaskStatus(ctx, id)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskStarted, st.Status)
	require.NoError(t, srv.FailTask(id, "the site refused"))
	_, err = c.WaitForTask(ctx, id)
	require.ErrorIs(t, err, browseruse.ErrTaskFailed)
	var failed *browseruse.TaskError
	require.ErrorAs(t, err, &failed)
	require.Equal(t, "the site refused", browseruse.Deref(failed.Task.Output))
	require.False(t, browseruse.Deref(failed.Task.IsSuccess))
	require.True(t, failed.Task.StartedAt.Equal(now.Add(-time.Minute)), "started by its script: %v", failed.Task.StartedAt)

	// Ended as told: finished, but judged unsuccessful.
	id = create()
	require.NoError(t, srv.EndTask(id, browserusetest.TaskResult{Output: "no flights", Success: browseruse.Ptr(false), Steps: 5}))
	task, err = c.WaitForTask(ctx, id)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskFinished, task.Status)
	require.False(t, browseruse.Deref(task.IsSuccess))
	require.Len(t, task.Steps, 5)
	require.Empty(t, task.OutputFiles, "the script is replaced")
	require.Equal(t, "0.01", browseruse.Deref(task.Cost).String(), "the default cost")

	// Tasks that have ended, by the clock or a stop, and tasks that do not exist.
	byClock := create()
	advance(2 * time.Hour)
	require.ErrorIs(t, srv.FinishTask(byClock, "late"), browserusetest.ErrTaskEnded)
	stopped := create()
	_, err = c.StopTask(ctx, stopped)
	require.NoError(t, err)
	require.ErrorIs(t, srv.EndTask(stopped, browserusetest.TaskResult{}), browserusetest.ErrTaskEnded)
	require.ErrorIs(t, srv.FinishTask(unknownID, ""), browserusetest.ErrNoTask)
	require.ErrorContains(t, srv.FailTask(unknownID, ""), unknownID)

	// A task AddTask added in a running state can be ended; its session,
	// kept alive, stays up.
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	require.NoError(t, srv.AddTask(s.ID, browseruse.TaskItem{LLM: "x", Task: "given", Status: browseruse.TaskStarted}))
	got, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.NoError(t, srv.FinishTask(got.Tasks[0].ID, "done"))
	got, err = c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskFinished, got.Tasks[0].Status)
	require.Equal(t, "done", browseruse.Deref(got.Tasks[0].Output))
	require.Equal(t, browseruse.StatusActive, got.Status)
	_, err = c.StopSession(ctx, s.ID)
	require.NoError(t, err)
}
