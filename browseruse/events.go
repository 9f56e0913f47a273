package browseruse

import (
	"context"
	"sync"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

// Defaults of the waits that task events wake.
const (
	// DefaultSafetyPoll is the wait between two polls of a wait whose
	// client receives task events (WithTaskEvents): the events end the wait,
	// and a poll a minute catches one that never came.
	DefaultSafetyPoll = time.Minute
	// eventsLiveFor is how long after the last event the events count as
	// arriving: past it, waits poll on their usual schedule again, so that
	// a webhook endpoint that went quiet cannot make a wait slower than
	// polling alone.
	eventsLiveFor = 5 * time.Minute
	// endedKept bounds how many ended tasks TaskEvents remembers for waits
	// that start after the event (a task that ended before RunTask's wait
	// began), and endedFor how long.
	endedKept = 4096
	endedFor  = 10 * time.Minute
)

// TaskEvents carries task events (webhook deliveries, verified by
// package webhook) to the waits of the clients given it by WithTaskEvents:
// a wait whose task an event says has ended returns after one GET of the
// task that confirms it, instead of at its next poll. While events are
// arriving (one, for any task, in the last 5 minutes), WaitForTask and
// RunTask poll only as a safety net, once a minute (SafetyPoll), which
// bounds what a lost event costs; otherwise they poll on their usual
// schedule, so webhooks that never come cost nothing. TaskSteps keeps its
// schedule (no event brings steps) and only ends sooner. A confirming GET
// that fails is repeated at the schedule's pace.
//
// Wire it to a webhook handler with Deliver:
//
//	events := browseruse.NewTaskEvents()
//	client, err := browseruse.NewClient(browseruse.WithTaskEvents(events))
//	http.Handle("/webhooks/browser-use", webhook.NewHandler(secret, events.Deliver))
//
// It holds no goroutine; its memory is bounded (the waits in progress,
// and the last 4,096 ended tasks for 10 minutes). It is safe for
// concurrent use, and one TaskEvents may serve many clients. The zero
// value is ready to use, as is NewTaskEvents's.
type TaskEvents struct {
	now func() time.Time // nil: time.Now

	mu        sync.Mutex
	last      time.Time                                 // the last event's arrival
	waiters   map[string]map[*taskSubscription]struct{} // by task ID
	ended     map[string]time.Time                      // recently ended tasks
	endedRing []string                                  // their IDs, oldest first, for eviction
}

// NewTaskEvents returns an empty TaskEvents.
func NewTaskEvents() *TaskEvents { return &TaskEvents{} }

// clock is the time now (under e.mu).
func (e *TaskEvents) clock() time.Time {
	if e.now == nil {
		return time.Now()
	}
	return e.now()
}

// taskSubscription is one wait's line to TaskEvents.
type taskSubscription struct {
	events *TaskEvents
	taskID string
	// ended receives (without blocking, capacity 1) when an event says the
	// task ended.
	ended chan struct{}
}

// Deliver passes a verified webhook event to the waits: its signature must
// have been checked (webhook.NewHandler and webhook.Verify do), since an
// event that says a task ended makes its waits GET the task at once. Its
// signature fits webhook.NewHandler's callback. Events of another type
// than webhook.TypeTaskStatusUpdate, or without a task ID, are ignored.
func (e *TaskEvents) Deliver(_ context.Context, ev webhook.Event) {
	if ev.Type != webhook.TypeTaskStatusUpdate || ev.Payload.TaskID == "" {
		return
	}
	e.notify(ev.Payload.TaskID, ev.TaskEnded())
}

// notify records an event about a task: any event shows that events are
// arriving; one that says the task ended wakes the task's waits.
func (e *TaskEvents) notify(taskID string, ended bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	now := e.clock()
	e.last = now
	if !ended || taskID == "" {
		return
	}
	for sub := range e.waiters[taskID] {
		select {
		case sub.ended <- struct{}{}:
		default: // one wake is pending already
		}
	}
	if e.ended == nil {
		e.ended = make(map[string]time.Time)
	}
	if _, ok := e.ended[taskID]; !ok {
		e.endedRing = append(e.endedRing, taskID)
	}
	e.ended[taskID] = now
	for len(e.endedRing) > endedKept || len(e.endedRing) > 0 && now.Sub(e.ended[e.endedRing[0]]) > endedFor {
		delete(e.ended, e.endedRing[0])
		e.endedRing = e.endedRing[1:]
	}
}

// subscribe starts listening for a task's events. A task whose end was
// heard in the last 10 minutes wakes the wait at once.
func (e *TaskEvents) subscribe(taskID string) *taskSubscription {
	sub := &taskSubscription{events: e, taskID: taskID, ended: make(chan struct{}, 1)}
	e.mu.Lock()
	defer e.mu.Unlock()
	if at, ok := e.ended[taskID]; ok && e.clock().Sub(at) <= endedFor {
		sub.ended <- struct{}{}
	}
	if e.waiters == nil {
		e.waiters = make(map[string]map[*taskSubscription]struct{})
	}
	subs := e.waiters[taskID]
	if subs == nil {
		subs = make(map[*taskSubscription]struct{})
		e.waiters[taskID] = subs
	}
	subs[sub] = struct{}{}
	return sub
}

// live reports whether events are arriving: one came in the last 5
// minutes (for any task: a task's own may be minutes apart).
func (s *taskSubscription) live() bool {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	return !s.events.last.IsZero() && s.events.clock().Sub(s.events.last) <= eventsLiveFor
}

// unsubscribe ends the subscription.
func (s *taskSubscription) unsubscribe() {
	s.events.mu.Lock()
	defer s.events.mu.Unlock()
	subs := s.events.waiters[s.taskID]
	delete(subs, s)
	if len(subs) == 0 {
		delete(s.events.waiters, s.taskID)
	}
}
