package browseruse

import (
	"context"
	"iter"
)

// TaskSteps yields a task's steps as they happen: each step once, in
// order, then ends when the task has ended (after its last steps). An error
// ends it (yielded once, with a zero step): a poll that failed for good
// (see WaitForTask for which failures a wait rides out), or ctx's end.
// Breaking out of the loop stops the polling; the task runs on.
//
// Only the full task (GetTask) carries the steps, and the light status view
// says nothing of them, so each poll is one GetTask, on WaitForTask's
// schedule (opts: PollInterval): as many requests as a WaitForTask of the
// same task, never a status poll and a GetTask for the same moment. The
// task's end is seen in the same GET that brings the last steps. With task
// events (WithTaskEvents, WakeOn), an event that says the task ended brings
// that GET at once; the schedule stays as it is (no event brings steps).
func (c *Client) TaskSteps(ctx context.Context, taskID string, opts ...WaitOption) iter.Seq2[TaskStep, error] {
	cfg := c.newWaitConfig(false, opts)
	return func(yield func(TaskStep, error) bool) {
		pace := c.newPacer(cfg, taskID, false) // events end the stream sooner, never slow it
		defer pace.stop()
		seen := 0
		for {
			task, err := c.GetTask(ctx, taskID)
			switch {
			case err == nil:
				pace.failures = 0
				for ; seen < len(task.Steps); seen++ {
					if !yield(task.Steps[seen], nil) {
						return
					}
				}
				if isTerminal(task.Status) {
					return
				}
			case ctx.Err() == nil && pace.rideOut(err):
			default:
				yield(TaskStep{}, err)
				return
			}
			if _, err := pace.sleep(ctx); err != nil {
				yield(TaskStep{}, err)
				return
			}
		}
	}
}
