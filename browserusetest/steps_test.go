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

// TestStepsAppearWhileTheTaskRuns: GET /tasks/{id} shows a running task's
// steps growing on the fake's clock, spread evenly over Duration (the
// default script's DefaultTaskSteps) or by StepDurations; the last comes
// with the end.
func TestStepsAppearWhileTheTaskRuns(t *testing.T) {
	for _, tc := range []struct {
		name   string
		script browserusetest.TaskResult
		at     []time.Duration // clock times since creation
		want   []int           // steps then
	}{
		{"even", browserusetest.TaskResult{Steps: browserusetest.DefaultTaskSteps, Duration: 3 * time.Hour},
			[]time.Duration{0, time.Hour - 1, time.Hour, 2 * time.Hour, 3*time.Hour - 1, 3 * time.Hour}, []int{0, 0, 1, 2, 2, 3}},
		{"durations", browserusetest.TaskResult{StepDurations: []time.Duration{time.Hour, 2 * time.Hour}, StartAfter: time.Minute},
			[]time.Duration{time.Minute, time.Hour + time.Minute, 3*time.Hour + time.Minute - 1, 3*time.Hour + time.Minute}, []int{0, 1, 1, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start0 := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
			now := start0
			var mu sync.Mutex
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			_, c := start(t, browserusetest.WithClock(clock), browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult { return tc.script }))
			ctx := context.Background()
			created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
			require.NoError(t, err)
			for i, at := range tc.at {
				mu.Lock()
				now = start0.Add(at)
				mu.Unlock()
				task, err := c.GetTask(ctx, created.ID)
				require.NoError(t, err)
				require.Len(t, task.Steps, tc.want[i], "at %v", at)
				require.Equal(t, i == len(tc.at)-1, task.Status == browseruse.TaskFinished, "at %v", at)
				for k, s := range task.Steps {
					require.Equal(t, k+1, s.Number)
				}
			}
		})
	}
	require.Equal(t, browserusetest.DefaultTaskSteps, browserusetest.DefaultTaskRunner(browserusetest.TaskInput{Task: "t"}).Steps, "the default script takes several steps")
}
