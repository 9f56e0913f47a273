package browseruse

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

// TestAnEndHeardBeforeTheWaitStillWakesIt: RunTask's wait subscribes after
// its create returned; a task that ended in between is remembered.
func TestAnEndHeardBeforeTheWaitStillWakesIt(t *testing.T) {
	e := NewTaskEvents()
	e.notify("t1", true)
	sub := e.subscribe("t1")
	defer sub.unsubscribe()
	select {
	case <-sub.ended:
	default:
		t.Fatal("the wait was not woken by the earlier event")
	}
	other := e.subscribe("t2")
	defer other.unsubscribe()
	require.Empty(t, other.ended, "another task's end wakes nobody")
}

// TestTaskEventsMemoryIsBounded: ended tasks are forgotten past endedKept
// or endedFor, and subscriptions leave nothing behind.
func TestTaskEventsMemoryIsBounded(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	e := NewTaskEvents()
	e.now = func() time.Time { return now }
	for i := range endedKept + 10 {
		e.notify(fmt.Sprint("task-", i), true)
	}
	require.Len(t, e.ended, endedKept)
	require.Len(t, e.endedRing, endedKept)
	require.NotContains(t, e.ended, "task-0", "the oldest went first")
	now = now.Add(endedFor + time.Second)
	e.notify("late", true)
	require.Equal(t, map[string]time.Time{"late": now}, e.ended, "expired ones went too")

	sub := e.subscribe("x")
	sub.unsubscribe()
	require.Empty(t, e.waiters)
}

// TestEventsStopCountingAsLive: five minutes after the last event, waits
// poll on their schedule again, even one whose own task had events: if
// deliveries stopped, its end event may never come.
func TestEventsStopCountingAsLive(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	e := NewTaskEvents()
	e.now = func() time.Time { return now }
	sub := e.subscribe("mine")
	defer sub.unsubscribe()
	require.False(t, sub.live(), "no event yet")
	e.notify("other", false)
	require.True(t, sub.live())
	now = now.Add(eventsLiveFor + time.Second)
	require.False(t, sub.live(), "quiet for too long")
	e.notify("mine", false)
	require.True(t, sub.live())
	now = now.Add(eventsLiveFor + time.Second)
	require.False(t, sub.live(), "the task's own started event was the last")
}

// TestTheZeroTaskEventsIsReady: a TaskEvents not made by NewTaskEvents
// works (no nil map or clock to panic on).
func TestTheZeroTaskEventsIsReady(t *testing.T) {
	var e TaskEvents
	require.NotPanics(t, func() {
		e.Deliver(context.Background(), webhook.Event{Type: webhook.TypeTaskStatusUpdate, Payload: webhook.StatusUpdate{TaskID: "t", Status: "finished"}})
		sub := e.subscribe("t")
		require.Len(t, sub.ended, 1)
		require.True(t, sub.live())
		sub.unsubscribe()
	})
	var fresh TaskEvents
	require.NotPanics(t, func() { fresh.subscribe("t").unsubscribe() })
}

// TestDeliverWakesOnEitherVocabulary: the task statuses that end a task
// and the documentation's idle and stopped wake a wait; running, started,
// a test event and an event without a task do not.
func TestDeliverWakesOnEitherVocabulary(t *testing.T) {
	for _, tc := range []struct {
		typ, taskID, status string
		wakes               bool
	}{
		{webhook.TypeTaskStatusUpdate, "t", "finished", true},
		{webhook.TypeTaskStatusUpdate, "t", "failed", true},
		{webhook.TypeTaskStatusUpdate, "t", "stopped", true},
		{webhook.TypeTaskStatusUpdate, "t", "idle", true},
		{webhook.TypeTaskStatusUpdate, "t", "running", false},
		{webhook.TypeTaskStatusUpdate, "t", "started", false},
		{webhook.TypeTaskStatusUpdate, "", "finished", false},
		{webhook.TypeTest, "t", "finished", false},
	} {
		e := NewTaskEvents()
		sub := e.subscribe("t")
		e.Deliver(context.Background(), webhook.Event{Type: tc.typ, Payload: webhook.StatusUpdate{TaskID: tc.taskID, Status: tc.status}})
		require.Equal(t, tc.wakes, len(sub.ended) == 1, "%+v", tc)
		sub.unsubscribe()
	}
}
