package browserusetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// Defaults of WithWebhookRetry: 4 attempts, 100 ms before the second,
// doubling (100 ms, 200 ms, 400 ms).
const (
	DefaultWebhookAttempts = 4
	DefaultWebhookBackoff  = 100 * time.Millisecond
)

// webhookTimeout bounds one delivery attempt.
const webhookTimeout = 10 * time.Second

// ErrWebhooksStopped: StopWebhooks was called (or the server closed), or
// the fake has no WithWebhook.
var ErrWebhooksStopped = errors.New("browserusetest: webhooks are stopped or not configured")

// WithWebhook makes the fake send webhooks, as the service does once one is
// set up in its dashboard: on every status change of a task, the fake POSTs
// to url a signed agent.task.status_update event,
//
//	{"type": "agent.task.status_update", "timestamp": "<the change's time, ISO 8601>",
//	 "payload": {"task_id": "...", "session_id": "...", "status": "finished", "metadata": {...}}}
//
// with the headers X-Browser-Use-Timestamp and X-Browser-Use-Signature,
// signed with secret exactly as the service's Python reference signs
// (webhook.Sign: the HMAC-SHA256 of the timestamp and the ensure_ascii
// canonical form), at the fake's clock. The changes are a task starting,
// finishing, failing and being stopped (StopTask, or its session stopping),
// by its script or by FinishTask, FailTask and EndTask; the status words
// are the task statuses unless WithWebhookSessionStatuses. A task that
// goes from created to finished at once sends started, then finished.
//
// While tasks run, the fake moves them on by itself at the times their
// scripts say, so that a webhook arrives without anyone polling (without
// WithWebhook, a task moves on only when the fake is asked something).
//
// Deliveries are asynchronous, never under the fake's lock nor in a
// request's way, and in order per task (one task's events wait for each
// other, not for another task's). A delivery answered with a status other
// than 2xx, or that fails to connect, is retried (see WithWebhookRetry)
// with the same body; only the timestamp header and the signature are new.
// WebhookDeliveries lists the last 1,000 attempts; SendTestWebhook sends
// a test event. Call StopWebhooks (Server.Close does) to stop the
// deliveries and the fake's own clock ticks: until then, WithWebhook's
// goroutines run.
func WithWebhook(url, secret string) Option {
	return func(f *Fake) {
		w := f.webhookConfig()
		w.url, w.secret = url, secret
	}
}

// WithWebhookSessionStatuses makes the fake's webhooks use the status words
// the service's documentation shows for agent.task.status_update, instead
// of the task statuses:
//
//	task status  session words (this option)
//	started      running
//	finished     idle
//	failed       idle
//	stopped      stopped
//
// browseruse maps either vocabulary to the task's terminal state
// (webhook.Event.TaskEnded: finished, failed, stopped, idle).
func WithWebhookSessionStatuses() Option {
	return func(f *Fake) {
		w := f.webhookConfig()
		w.sessionWords = true
	}
}

// WithWebhookRetry sets how many times in all a webhook is attempted
// (default DefaultWebhookAttempts; at least 1) and the wait before the
// second attempt, doubling after each (default DefaultWebhookBackoff).
func WithWebhookRetry(attempts int, backoff time.Duration) Option {
	return func(f *Fake) {
		w := f.webhookConfig()
		w.attempts, w.backoff = max(attempts, 1), max(backoff, 0)
	}
}

// webhookConfig is the fake's webhook sender, made with the default retry
// by the first webhook option.
func (f *Fake) webhookConfig() *webhooks {
	if f.hooks == nil {
		f.hooks = &webhooks{attempts: DefaultWebhookAttempts, backoff: DefaultWebhookBackoff}
	}
	return f.hooks
}

// WebhookDelivery is one attempt to deliver a webhook.
type WebhookDelivery struct {
	// Type is the event's type; TaskID and Status its payload's task_id and
	// status ("" for a test event).
	Type, TaskID, Status string
	// Attempt counts the attempts of this event, from 1.
	Attempt int
	// Body is the body sent, the same in every attempt of an event.
	Body []byte
	// Header holds the timestamp and signature headers sent.
	Header http.Header
	// StatusCode is the receiver's answer, 0 when there was none.
	StatusCode int
	// Err says why the attempt failed ("" when it got a 2xx).
	Err string
}

// WebhookDeliveriesKept is how many delivery attempts the fake remembers
// for WebhookDeliveries: past it, the oldest are forgotten, so that a
// long-running fake (cmd/fakeserver) does not keep every body forever.
const WebhookDeliveriesKept = 1000

// WebhookDeliveries returns the delivery attempts so far, in the order
// they ended: the last WebhookDeliveriesKept (1,000) of them.
func (f *Fake) WebhookDeliveries() []WebhookDelivery {
	w := f.hooks
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make([]WebhookDelivery, len(w.log))
	for i := range out {
		d := w.log[(w.logNext+i)%len(w.log)] // oldest first
		d.Body, d.Header = bytes.Clone(d.Body), d.Header.Clone()
		out[i] = d
	}
	return out
}

// record adds an attempt to the log, a ring of WebhookDeliveriesKept.
func (w *webhooks) record(d WebhookDelivery) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.log) < WebhookDeliveriesKept {
		w.log = append(w.log, d)
		return
	}
	w.log[w.logNext] = d // the oldest
	w.logNext = (w.logNext + 1) % WebhookDeliveriesKept
}

// SendTestWebhook sends a test event ({"type": "test", "timestamp": ...,
// "payload": {}}), as the dashboard's test button does, and waits for its
// outcome: nil once the receiver answered 2xx, else the last attempt's
// error. It is retried as any webhook, queued apart from the tasks'.
func (f *Fake) SendTestWebhook(ctx context.Context) error {
	w := f.hooks
	if w == nil || w.url == "" {
		return ErrWebhooksStopped
	}
	body, err := json.Marshal(webhookEvent{Type: webhook.TypeTest, Timestamp: f.stamp(f.now()), Payload: struct{}{}})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	if !w.enqueue(f, &outgoing{typ: webhook.TypeTest, body: body, done: done}) {
		return ErrWebhooksStopped
	}
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// FlushWebhooks waits until every webhook queued so far has been delivered
// or given up on (or ctx ends).
func (f *Fake) FlushWebhooks(ctx context.Context) error {
	w := f.hooks
	if w == nil {
		return nil
	}
	for {
		w.mu.Lock()
		if w.pending == 0 || w.closed {
			w.mu.Unlock()
			return nil
		}
		if w.drained == nil {
			w.drained = make(chan struct{})
		}
		drained := w.drained
		w.mu.Unlock()
		select {
		case <-drained:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// StopWebhooks stops the fake's webhooks: the attempt under way is
// canceled, events not yet delivered are dropped, and the fake's goroutines
// (deliveries, and its clock ticks) end before it returns. Close (and so
// Server.Close) calls it. It is idempotent.
func (f *Fake) StopWebhooks() {
	w := f.hooks
	if w == nil {
		return
	}
	w.mu.Lock()
	w.closed = true
	if w.cancel != nil {
		w.cancel()
	}
	w.mu.Unlock()
	w.wg.Wait()
	if w.transport != nil {
		w.transport.CloseIdleConnections()
	}
	w.mu.Lock()
	if w.drained != nil {
		close(w.drained)
		w.drained = nil
	}
	w.mu.Unlock()
}

// webhooks is the fake's webhook sender.
type webhooks struct {
	url, secret  string
	sessionWords bool
	attempts     int
	backoff      time.Duration

	mu        sync.Mutex
	started   bool // ctx, client and the ticker exist
	closed    bool
	ctx       context.Context
	cancel    context.CancelFunc
	transport *http.Transport
	client    *http.Client
	wg        sync.WaitGroup
	kick      chan struct{}          // wakes the ticker: a task was created
	queues    map[string][]*outgoing // by task id ("" for test events)
	pending   int
	drained   chan struct{}     // closed when pending reaches 0
	log       []WebhookDelivery // a ring (record), oldest at logNext once full
	logNext   int
}

// outgoing is one event to deliver.
type outgoing struct {
	typ, taskID, status string // taskID is the queue's key ("" for test events)
	body                []byte
	done                chan error // SendTestWebhook's, else nil
}

type webhookEvent struct {
	Type      string       `json:"type"`
	Timestamp apitime.Time `json:"timestamp"`
	Payload   any          `json:"payload"`
}

type statusPayload struct {
	TaskID    string            `json:"task_id"`
	SessionID string            `json:"session_id"`
	Status    string            `json:"status"`
	Metadata  map[string]string `json:"metadata"`
}

// webhookStatus is the word sent for a task status.
func (w *webhooks) status(s gen.TaskStatus) string {
	if !w.sessionWords {
		return string(s)
	}
	switch s {
	case gen.TaskStatusStarted:
		return "running"
	case gen.TaskStatusFinished, gen.TaskStatusFailed:
		return "idle"
	default:
		return string(s) // stopped, and any other
	}
}

// taskChangedLocked queues the webhook of a task's new status, changed at
// at. It is called under f.mu, and does not block.
func (f *Fake) taskChangedLocked(t *task, at time.Time) {
	w := f.hooks
	if w == nil || w.url == "" {
		return
	}
	metadata := t.view.Metadata
	if metadata == nil {
		metadata = map[string]string{}
	}
	status := w.status(t.view.Status)
	body, err := json.Marshal(webhookEvent{Type: webhook.TypeTaskStatusUpdate, Timestamp: f.stamp(at),
		Payload: statusPayload{TaskID: t.view.ID, SessionID: t.view.SessionID, Status: status, Metadata: metadata}})
	if err != nil {
		return // cannot happen: strings only
	}
	w.enqueue(f, &outgoing{typ: webhook.TypeTaskStatusUpdate, taskID: t.view.ID, status: status, body: body})
}

// taskCreatedLocked wakes the ticker, which moves the new task on when its
// script says. Called under f.mu.
func (f *Fake) taskCreatedLocked() {
	w := f.hooks
	if w == nil || w.url == "" {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.startLocked(f) {
		return
	}
	select {
	case w.kick <- struct{}{}:
	default: // a wake-up is pending already
	}
}

// startLocked starts the sender once (w.mu held); false once stopped.
func (w *webhooks) startLocked(f *Fake) bool {
	if w.closed {
		return false
	}
	if w.started {
		return true
	}
	w.started = true
	w.ctx, w.cancel = context.WithCancel(context.Background())
	w.transport = http.DefaultTransport.(*http.Transport).Clone()
	w.client = &http.Client{Transport: w.transport, Timeout: webhookTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	w.kick = make(chan struct{}, 1)
	w.queues = map[string][]*outgoing{}
	w.wg.Add(1)
	go func() {
		defer w.wg.Done()
		f.tickWhileRunning(w.ctx, w.kick)
	}()
	return true
}

// enqueue queues an event behind its key's others and starts the key's
// worker if none runs; false once stopped.
func (w *webhooks) enqueue(f *Fake, ev *outgoing) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.startLocked(f) {
		return false
	}
	w.queues[ev.taskID] = append(w.queues[ev.taskID], ev)
	w.pending++
	if len(w.queues[ev.taskID]) == 1 {
		w.wg.Add(1)
		go func() {
			defer w.wg.Done()
			w.work(f, ev.taskID)
		}()
	}
	return true
}

// work delivers a key's events in order until its queue is empty. The
// queue's key exists exactly while its worker runs: the worker removes it
// when it takes the last event off, under the same lock.
func (w *webhooks) work(f *Fake, key string) {
	for {
		w.mu.Lock()
		ev := w.queues[key][0] // never empty while the key exists
		w.mu.Unlock()

		err := w.deliver(f, ev)

		w.mu.Lock()
		rest := w.queues[key][1:]
		if len(rest) == 0 {
			delete(w.queues, key)
		} else {
			w.queues[key] = rest
		}
		w.pending--
		if w.pending == 0 && w.drained != nil {
			close(w.drained)
			w.drained = nil
		}
		w.mu.Unlock()
		if ev.done != nil {
			ev.done <- err
		}
		if len(rest) == 0 {
			return
		}
	}
}

// deliver attempts an event until a 2xx, the last attempt, or StopWebhooks.
func (w *webhooks) deliver(f *Fake, ev *outgoing) error {
	wait := w.backoff
	var last error
	for attempt := 1; attempt <= w.attempts; attempt++ {
		if attempt > 1 {
			timer := time.NewTimer(wait)
			select {
			case <-timer.C:
			case <-w.ctx.Done():
				timer.Stop()
				return ErrWebhooksStopped
			}
			wait *= 2
		}
		if w.ctx.Err() != nil {
			return ErrWebhooksStopped
		}
		d := WebhookDelivery{Type: ev.typ, TaskID: ev.taskID, Status: ev.status, Attempt: attempt, Body: ev.body}
		last = w.attempt(f, ev.body, &d)
		w.record(d)
		if last == nil {
			return nil
		}
	}
	return last
}

// attempt POSTs body once, signed now.
func (w *webhooks) attempt(f *Fake, body []byte, d *WebhookDelivery) error {
	header, err := webhook.Sign(w.secret, f.now(), body)
	if err != nil {
		d.Err = err.Error()
		return err
	}
	d.Header = header.Clone()
	req, err := http.NewRequestWithContext(w.ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		d.Err = err.Error()
		return err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "browserusetest-webhook")
	resp, err := w.client.Do(req)
	if err != nil {
		d.Err = err.Error()
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	resp.Body.Close()
	d.StatusCode = resp.StatusCode
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		d.Err = fmt.Sprintf("the receiver answered %d", resp.StatusCode)
		return errors.New("browserusetest: webhook: " + d.Err)
	}
	return nil
}

// maxTickWait bounds the ticker's sleep, for a clock (WithClock) that moves
// otherwise than time does.
const maxTickWait = 100 * time.Millisecond

// tickWhileRunning moves the tasks on at the times their scripts say, so
// that their webhooks go without anyone asking the fake anything; it sleeps
// while no scripted task runs, until one is created (kick) or ctx ends.
func (f *Fake) tickWhileRunning(ctx context.Context, kick <-chan struct{}) {
	for {
		f.mu.Lock()
		f.tickLocked()
		next, ok := f.nextChangeLocked()
		var wait time.Duration
		if ok {
			wait = min(max(next.Sub(f.now()), 0), maxTickWait)
		}
		f.mu.Unlock()
		if !ok {
			select {
			case <-ctx.Done():
				return
			case <-kick:
			}
			continue
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-kick:
			timer.Stop()
		case <-timer.C:
		}
	}
}

// nextChangeLocked is when the next scripted task starts or ends.
func (f *Fake) nextChangeLocked() (time.Time, bool) {
	var next time.Time
	found := false
	for _, t := range f.tasks {
		if !t.scripted || !t.running() {
			continue
		}
		at := t.endAt
		if t.view.Status == gen.TaskStatusCreated {
			at = t.startAt
		}
		if !found || at.Before(next) {
			next, found = at, true
		}
	}
	return next, found
}
