package browseruse_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// eventsEnv is a fake whose tasks run for an hour unless ended by hand,
// and a client whose waits TaskEvents wakes.
func eventsEnv(t *testing.T) (*browserusetest.Server, *browseruse.Client, *browseruse.TaskEvents) {
	t.Helper()
	events := browseruse.NewTaskEvents()
	srv, c := taskEnv(t, script(browserusetest.TaskResult{Output: "done", Duration: time.Hour}), browseruse.WithTaskEvents(events))
	return srv, c, events
}

// notify delivers a task's status as a verified webhook event would.
func notify(events *browseruse.TaskEvents, taskID, status string) {
	events.Deliver(context.Background(), webhook.Event{Type: webhook.TypeTaskStatusUpdate, Payload: webhook.StatusUpdate{TaskID: taskID, Status: status}})
}

// TestAnEventEndsTheWait: polls an hour apart, so only the event can end
// the wait; it costs one GET of the task, and no status poll.
func TestAnEventEndsTheWait(t *testing.T) {
	srv, c, events := eventsEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	done := make(chan error, 1)
	var task *browseruse.Task
	go func() {
		var err error
		task, err = c.WaitForTask(ctx, created.ID, browseruse.PollInterval(time.Hour, time.Hour))
		done <- err
	}()
	for srv.RequestCount(browserusetest.OpGetTaskStatus) == 0 { // the wait's first poll
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, srv.FinishTask(created.ID, "done"))
	notify(events, created.ID, "finished")
	require.NoError(t, <-done)
	require.Equal(t, browseruse.TaskFinished, task.Status)
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTaskStatus), "only the first poll")
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTask), "one confirming GET, which is the result")
}

// TestAnEventForAnotherTaskDoesNotEndTheWait: the wait stays asleep.
func TestAnEventForAnotherTaskDoesNotEndTheWait(t *testing.T) {
	srv, c, events := eventsEnv(t)
	created, err := c.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitForTask(ctx, created.ID, browseruse.PollInterval(time.Hour, time.Hour))
		done <- err
	}()
	for srv.RequestCount(browserusetest.OpGetTaskStatus) == 0 {
		time.Sleep(time.Millisecond)
	}
	notify(events, "another-task", "finished")
	time.Sleep(50 * time.Millisecond)
	cancel()
	require.ErrorIs(t, <-done, context.Canceled)
	require.Zero(t, srv.RequestCount(browserusetest.OpGetTask), "no confirming GET for another task's event")
}

// TestWhileEventsArriveTheWaitPollsOnlyAsASafetyNet: 1 ms polls, but an
// event arrived, so the next poll is the safety poll's (an hour away).
// Without events, the same wait polls every millisecond.
func TestWhileEventsArriveTheWaitPollsOnlyAsASafetyNet(t *testing.T) {
	for _, live := range []bool{true, false} {
		srv, c, events := eventsEnv(t)
		if live {
			notify(events, "another-task", "started") // a task started elsewhere: events are arriving
		}
		created, err := c.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "t"})
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := c.WaitForTask(ctx, created.ID, browseruse.PollInterval(time.Millisecond, time.Millisecond), browseruse.SafetyPoll(time.Hour))
			done <- err
		}()
		if live {
			for srv.RequestCount(browserusetest.OpGetTaskStatus) == 0 { // the first poll
				time.Sleep(time.Millisecond)
			}
			time.Sleep(200 * time.Millisecond) // 1 ms polls would make many
		} else {
			deadline := time.Now().Add(10 * time.Second) // a bound, not a timing: 1 ms polls get there at once
			for srv.RequestCount(browserusetest.OpGetTaskStatus) <= 3 && time.Now().Before(deadline) {
				time.Sleep(time.Millisecond)
			}
		}
		cancel()
		require.ErrorIs(t, <-done, context.Canceled)
		if live {
			require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTaskStatus), "the first poll, then the safety poll's wait")
		} else {
			require.Greater(t, srv.RequestCount(browserusetest.OpGetTaskStatus), 3, "no events: the usual schedule")
		}
	}
}

// TestAnEarlyEventFallsBackToTheSchedule: an event says the task ended,
// the confirming GET says it runs; the wait then polls on its schedule,
// not the safety poll's, and sees the end itself.
func TestAnEarlyEventFallsBackToTheSchedule(t *testing.T) {
	srv, c, events := eventsEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitForTask(ctx, created.ID, browseruse.PollInterval(5*time.Millisecond, 5*time.Millisecond), browseruse.SafetyPoll(time.Hour))
		done <- err
	}()
	for srv.RequestCount(browserusetest.OpGetTaskStatus) == 0 {
		time.Sleep(time.Millisecond)
	}
	notify(events, created.ID, "finished") // too early: the task runs on
	for srv.RequestCount(browserusetest.OpGetTask) == 0 {
		time.Sleep(time.Millisecond)
	}
	before := srv.RequestCount(browserusetest.OpGetTaskStatus)
	for srv.RequestCount(browserusetest.OpGetTaskStatus) < before+2 { // polling again, 5 ms apart
		select {
		case err := <-done:
			t.Fatalf("the wait ended before the task: %v", err)
		case <-time.After(time.Millisecond):
		}
	}
	require.NoError(t, srv.FinishTask(created.ID, "done"))
	require.NoError(t, <-done)
}

// TestRunTaskWaitsBeforeItsFirstPoll: a task just created has not ended,
// so RunTask's first status poll comes after the first interval, not at once.
func TestRunTaskWaitsBeforeItsFirstPoll(t *testing.T) {
	srv, c := taskEnv(t, script(browserusetest.TaskResult{Output: "done", Duration: time.Millisecond}))
	start := time.Now()
	_, err := c.RunTask(context.Background(), browseruse.CreateTaskParams{Task: "t"}, browseruse.PollInterval(300*time.Millisecond, 300*time.Millisecond))
	require.NoError(t, err)
	require.GreaterOrEqual(t, time.Since(start), 240*time.Millisecond, "the first poll waited (300 ms less 20 %% jitter)")
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTaskStatus), "one poll was enough")
}

// TestTaskStepsEndsOnAnEvent: the stream's polls are an hour apart; the
// event brings the last GET, with the last steps, at once.
func TestTaskStepsEndsOnAnEvent(t *testing.T) {
	srv, c, events := eventsEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	go func() {
		for srv.RequestCount(browserusetest.OpGetTask) == 0 {
			time.Sleep(time.Millisecond)
		}
		if err := srv.EndTask(created.ID, browserusetest.TaskResult{Output: "done", Steps: 2}); err == nil {
			notify(events, created.ID, "finished")
		}
	}()
	var steps []int
	for step, err := range c.TaskSteps(ctx, created.ID, browseruse.PollInterval(time.Hour, time.Hour)) {
		require.NoError(t, err)
		steps = append(steps, step.Number)
	}
	require.Equal(t, []int{1, 2}, steps)
	require.Equal(t, 2, srv.RequestCount(browserusetest.OpGetTask))
}

// TestTheFakesWebhooksWakeRunTask: end to end, the fake's signed webhooks
// through webhook.NewHandler into TaskEvents end RunTask, whose polls are
// an hour apart: no status poll, one GET; in either status vocabulary.
func TestTheFakesWebhooksWakeRunTask(t *testing.T) {
	for _, words := range []browserusetest.Option{nil, browserusetest.WithWebhookSessionStatuses()} {
		events := browseruse.NewTaskEvents()
		receiver := httptest.NewServer(webhook.NewHandler("whsec_e2e", events.Deliver))
		srv := browserusetest.Start(t, browserusetest.WithWebhook(receiver.URL, "whsec_e2e"), words,
			browserusetest.WithTaskRunner(script(browserusetest.TaskResult{Output: "done", Duration: 50 * time.Millisecond})))
		c, err := srv.Client(browseruse.WithTaskEvents(events))
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		task, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t"}, browseruse.PollInterval(time.Hour, time.Hour))
		cancel()
		require.NoError(t, err)
		require.Equal(t, "done", browseruse.Deref(task.Output))
		require.Zero(t, srv.RequestCount(browserusetest.OpGetTaskStatus))
		require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTask))
		srv.Close()
		receiver.Close()
	}
}

// TestAForgedWebhookWakesNothing: a delivery signed with another secret is
// refused by the handler and never reaches the waits.
func TestAForgedWebhookWakesNothing(t *testing.T) {
	events := browseruse.NewTaskEvents()
	receiver := httptest.NewServer(webhook.NewHandler("the-real-secret", events.Deliver))
	defer receiver.Close()
	srv := browserusetest.Start(t, browserusetest.WithWebhook(receiver.URL, "a-forged-secret"), browserusetest.WithWebhookRetry(1, 0),
		browserusetest.WithTaskRunner(script(browserusetest.TaskResult{Output: "done", Duration: 20 * time.Millisecond})))
	c, err := srv.Client(browseruse.WithTaskEvents(events))
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t"}, browseruse.PollInterval(time.Hour, time.Hour))
		done <- err
	}()
	finishedSent := func() bool {
		for _, d := range srv.WebhookDeliveries() {
			if d.Status == "finished" {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(30 * time.Second); !finishedSent() && time.Now().Before(deadline); { // a bound, not a timing
		time.Sleep(time.Millisecond)
	}
	require.True(t, finishedSent(), "the forged end event was delivered")
	time.Sleep(50 * time.Millisecond) // a woken wait would GET at once
	cancel()
	require.ErrorIs(t, <-done, context.Canceled, "only a poll could have ended it, and none was due")
	require.Zero(t, srv.RequestCount(browserusetest.OpGetTask))
	deliveries := srv.WebhookDeliveries()
	require.NotEmpty(t, deliveries)
	for _, d := range deliveries {
		require.Equal(t, http.StatusUnauthorized, d.StatusCode, "%+v", d)
	}
}

// TestTaskStepsKeepsItsScheduleWhileEventsArrive: no event brings steps,
// so the stream polls on its own schedule (5 ms), not the safety poll's
// (an hour), and sees every step of a 200 ms task.
func TestTaskStepsKeepsItsScheduleWhileEventsArrive(t *testing.T) {
	events := browseruse.NewTaskEvents()
	srv, c := taskEnv(t, script(browserusetest.TaskResult{Output: "done", StepDurations: []time.Duration{50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond, 50 * time.Millisecond}}),
		browseruse.WithTaskEvents(events))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	notify(events, created.ID, "started") // events are arriving
	var steps []int
	for step, err := range c.TaskSteps(ctx, created.ID, browseruse.PollInterval(5*time.Millisecond, 5*time.Millisecond), browseruse.SafetyPoll(time.Hour)) {
		require.NoError(t, err)
		steps = append(steps, step.Number)
	}
	require.Equal(t, []int{1, 2, 3, 4}, steps)
	// Ended within the context's 10 s, so it polled on the schedule (at the
	// safety poll's hour it could not have); it needed more than one GET.
	require.Greater(t, srv.RequestCount(browserusetest.OpGetTask), 1, "polled on the schedule")
}

// TestAFailedConfirmingGETIsRepeatedSoon: the GET an end event asked for
// fails (a 503); the next comes at the schedule's pace (5 ms), not the
// safety poll's (an hour), and is again a GET of the full task.
func TestAFailedConfirmingGETIsRepeatedSoon(t *testing.T) {
	srv, c, events := eventsEnv(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	notify(events, "another-task", "started") // events are arriving: the safety poll applies
	done := make(chan error, 1)
	go func() {
		_, err := c.WaitForTask(ctx, created.ID, browseruse.PollInterval(5*time.Millisecond, 5*time.Millisecond), browseruse.SafetyPoll(time.Hour))
		done <- err
	}()
	for srv.RequestCount(browserusetest.OpGetTaskStatus) == 0 {
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, srv.FinishTask(created.ID, "done"))
	srv.Inject(browserusetest.OpGetTask, 1, browserusetest.Fault{Status: http.StatusServiceUnavailable})
	notify(events, created.ID, "finished")
	require.NoError(t, <-done)
	require.Equal(t, 2, srv.RequestCount(browserusetest.OpGetTask), "the failed GET, then the one that confirmed")
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTaskStatus), "no status poll in between")
}

// TestNoEventIsLost: an end event that arrives while the wait's poll is
// in flight (the poll said running), or before RunTask's wait began (its
// create had not returned), still ends the wait at once; polls an hour
// apart could not.
func TestNoEventIsLost(t *testing.T) {
	events := browseruse.NewTaskEvents()
	fake := browserusetest.NewFake(browserusetest.WithTaskRunner(script(browserusetest.TaskResult{Output: "done", Duration: time.Hour})), browserusetest.WithRequestLog(100))
	var endDuring atomic.Value // "status" or "create": the request during which the task ends
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		fake.ServeHTTP(rec, r)
		status := r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/status")
		create := r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/tasks")
		if during, _ := endDuring.Load().(string); status && during == "status" || create && during == "create" {
			var id string
			if status {
				id = path.Base(path.Dir(r.URL.Path))
			} else {
				var created struct{ ID string }
				if err := json.Unmarshal(rec.Body.Bytes(), &created); err != nil {
					t.Error(err)
				}
				id = created.ID
			}
			if err := fake.FinishTask(id, "done"); err != nil {
				t.Error(err)
			}
			notify(events, id, "finished") // before the answer leaves
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer ts.Close()
	c, err := browseruse.NewClient(browseruse.WithAPIKey(fake.APIKey()), browseruse.WithBaseURL(ts.URL+browserusetest.BasePath), browseruse.WithTaskEvents(events))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	hourly := browseruse.PollInterval(time.Hour, time.Hour)

	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	endDuring.Store("status")
	task, err := c.WaitForTask(ctx, created.ID, hourly)
	require.NoError(t, err, "the event that came during the poll")
	require.Equal(t, browseruse.TaskFinished, task.Status)

	endDuring.Store("create")
	task, err = c.RunTask(ctx, browseruse.CreateTaskParams{Task: "t"}, hourly)
	require.NoError(t, err, "the event that came before the wait")
	require.Equal(t, browseruse.TaskFinished, task.Status)
	require.Equal(t, 1, fake.RequestCount(browserusetest.OpGetTaskStatus), "the one poll, during which the first task ended")
}

// TestAFailedFinalGETIsRetried: without events too, the GET of the full
// task after the status view said it ended is a poll like any other: a
// 503 there is ridden out (it ended the wait with the 503 before).
func TestAFailedFinalGETIsRetried(t *testing.T) {
	srv, c := taskEnv(t, script(browserusetest.TaskResult{Output: "done", Duration: time.Hour}))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	require.NoError(t, srv.FinishTask(created.ID, "done"))
	srv.Inject(browserusetest.OpGetTask, 1, browserusetest.Fault{Status: http.StatusServiceUnavailable})
	task, err := c.WaitForTask(ctx, created.ID, browseruse.PollInterval(5*time.Millisecond, 5*time.Millisecond))
	require.NoError(t, err)
	require.Equal(t, "done", browseruse.Deref(task.Output))
	require.Equal(t, 2, srv.RequestCount(browserusetest.OpGetTask), "the failed GET, then the one that got it")
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpGetTaskStatus), "the status said it ended once")
}
