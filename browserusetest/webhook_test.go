package browserusetest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

const hookSecret = "whsec_fake_receiver_secret"

// receiver is a webhook endpoint built on webhook.NewHandler: every
// verified event goes to its channel.
type receiver struct {
	URL    string
	events chan webhook.Event
	srv    *httptest.Server
}

// newReceiver serves webhook.NewHandler, behind wrap if not nil (to fail
// some deliveries first).
func newReceiver(t *testing.T, wrap func(http.Handler) http.Handler, opts ...webhook.HandlerOption) *receiver {
	t.Helper()
	r := &receiver{events: make(chan webhook.Event, 1000)}
	var h http.Handler = webhook.NewHandler(hookSecret, func(_ context.Context, ev webhook.Event) { r.events <- ev }, opts...)
	if wrap != nil {
		h = wrap(h)
	}
	r.srv = httptest.NewServer(h)
	r.URL = r.srv.URL
	t.Cleanup(r.srv.Close)
	return r
}

// next is the next event, or fails the test after a minute (a deadlock
// guard, not a timing).
func (r *receiver) next(t *testing.T) webhook.Event {
	t.Helper()
	select {
	case ev := <-r.events:
		return ev
	case <-time.After(time.Minute):
		t.Fatal("no webhook came")
		return webhook.Event{}
	}
}

// TestWebhookStatusChanges: a task's status changes reach a receiver built
// on webhook.NewHandler (which verifies them), started then finished, with
// the task's ids and metadata, without anyone polling the fake.
func TestWebhookStatusChanges(t *testing.T) {
	rcv := newReceiver(t, nil)
	srv, c := start(t, browserusetest.WithWebhook(rcv.URL, hookSecret))
	ctx := context.Background()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t", Metadata: map[string]string{"order": "42", "who": "Zoë 😀"}})
	require.NoError(t, err)

	// Nothing polls: the fake moves the task on by itself.
	first, second := rcv.next(t), rcv.next(t)
	for i, ev := range []webhook.Event{first, second} {
		assert.Equal(t, webhook.TypeTaskStatusUpdate, ev.Type)
		assert.Equal(t, created.ID, ev.Payload.TaskID)
		assert.Equal(t, created.SessionID, ev.Payload.SessionID)
		assert.Equal(t, map[string]any{"order": "42", "who": "Zoë 😀"}, ev.Payload.Metadata)
		assert.False(t, ev.Timestamp.IsZero(), "event %d has no timestamp", i)
	}
	assert.Equal(t, "started", first.Payload.Status)
	assert.False(t, first.TaskEnded())
	assert.Equal(t, "finished", second.Payload.Status)
	assert.True(t, second.TaskEnded())
	assert.False(t, second.Timestamp.Before(first.Timestamp))

	// The task is finished when its webhook says so.
	task, err := c.GetTask(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, browseruse.TaskFinished, task.Status)
	assert.True(t, task.FinishedAt.Equal(second.Timestamp), "%v vs %v", task.FinishedAt, second.Timestamp)

	// Each delivery is signed as Python signs: Verify accepts it, and its
	// signature is the ensure_ascii form's.
	require.NoError(t, srv.FlushWebhooks(ctx))
	deliveries := srv.WebhookDeliveries()
	require.Len(t, deliveries, 2)
	for _, d := range deliveries {
		assert.Equal(t, 1, d.Attempt)
		assert.Equal(t, http.StatusNoContent, d.StatusCode)
		assert.Empty(t, d.Err)
		_, err := webhook.Verify(hookSecret, d.Header, d.Body, time.Now())
		require.NoError(t, err)
		want, err := webhook.Sign(hookSecret, time.Unix(mustUnix(t, d.Header), 0), d.Body)
		require.NoError(t, err)
		assert.Equal(t, want.Get(webhook.HeaderSignature), d.Header.Get(webhook.HeaderSignature))
		var shape struct {
			Type      string `json:"type"`
			Timestamp string `json:"timestamp"`
			Payload   struct {
				TaskID    string            `json:"task_id"`
				SessionID string            `json:"session_id"`
				Status    string            `json:"status"`
				Metadata  map[string]string `json:"metadata"`
			} `json:"payload"`
		}
		require.NoError(t, json.Unmarshal(d.Body, &shape))
		assert.Equal(t, created.ID, shape.Payload.TaskID)
		assert.Equal(t, d.Status, shape.Payload.Status)
		assert.Regexp(t, `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`, shape.Timestamp)
	}
}

func mustUnix(t *testing.T, h http.Header) int64 {
	t.Helper()
	n, err := strconv.ParseInt(h.Get(webhook.HeaderTimestamp), 10, 64)
	require.NoError(t, err)
	return n
}

// TestWebhookRedelivery: after a 500, the same event is delivered again
// with the same body, signed anew at the fake's clock; the receiver's
// dedupe then sees one event.
func TestWebhookRedelivery(t *testing.T) {
	clock := &movableClock{now: time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)}
	var mu sync.Mutex
	var received [][]byte
	wrap := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			mu.Lock()
			received = append(received, body)
			n := len(received)
			mu.Unlock()
			if n <= 2 { // the first two attempts fail
				clock.Add(3 * time.Second) // the next attempt is signed later
				http.Error(w, "try later", http.StatusInternalServerError)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(body))
			h.ServeHTTP(w, r)
		})
	}
	rcv := newReceiver(t, wrap, webhook.WithClock(clock.Now), webhook.WithDedupe(0))
	srv, c := start(t, browserusetest.WithClock(clock.Now), browserusetest.WithWebhook(rcv.URL, hookSecret),
		browserusetest.WithWebhookRetry(3, time.Millisecond),
		browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
			return browserusetest.TaskResult{Duration: time.Hour}
		}))
	ctx := context.Background()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	require.NoError(t, srv.FinishTask(created.ID, "done"))
	require.NoError(t, srv.FlushWebhooks(ctx))

	assert.Equal(t, "started", rcv.next(t).Payload.Status)
	assert.Equal(t, "finished", rcv.next(t).Payload.Status)
	d := srv.WebhookDeliveries()
	require.Len(t, d, 4)
	assert.Equal(t, []int{1, 2, 3, 1}, []int{d[0].Attempt, d[1].Attempt, d[2].Attempt, d[3].Attempt})
	assert.Equal(t, []int{500, 500, 204, 204}, []int{d[0].StatusCode, d[1].StatusCode, d[2].StatusCode, d[3].StatusCode})
	assert.Equal(t, "the receiver answered 500", d[0].Err)
	assert.Equal(t, d[0].Body, d[1].Body)
	assert.Equal(t, d[0].Body, d[2].Body)
	mu.Lock()
	assert.Equal(t, d[0].Body, received[2], "the body sent is the one recorded")
	mu.Unlock()
	for i := 1; i < 3; i++ {
		assert.NotEqual(t, d[0].Header.Get(webhook.HeaderTimestamp), d[i].Header.Get(webhook.HeaderTimestamp), "attempt %d", i+1)
		assert.NotEqual(t, d[0].Header.Get(webhook.HeaderSignature), d[i].Header.Get(webhook.HeaderSignature), "attempt %d", i+1)
		_, err := webhook.Verify(hookSecret, d[i].Header, d[i].Body, clock.Now())
		assert.NoError(t, err)
	}
	assert.Equal(t, "started", d[0].Status)
	assert.Equal(t, "finished", d[3].Status)
	select {
	case ev := <-rcv.events:
		t.Fatalf("an extra event: %+v", ev)
	default:
	}
}

// TestWebhookStatusWords: the task statuses by default, the
// documentation's words with WithWebhookSessionStatuses; either way the
// last event of each task says it ended.
func TestWebhookStatusWords(t *testing.T) {
	for _, c := range []struct {
		name  string
		opts  []browserusetest.Option
		words map[string][]string // how the task ends -> statuses sent
	}{
		{"task statuses", nil, map[string][]string{
			"finish": {"started", "finished"}, "fail": {"started", "failed"}, "stop": {"started", "stopped"},
			"stop session": {"started", "stopped"}, "finish before start": {"started", "finished"}}},
		{"session words", []browserusetest.Option{browserusetest.WithWebhookSessionStatuses()}, map[string][]string{
			"finish": {"running", "idle"}, "fail": {"running", "idle"}, "stop": {"running", "stopped"},
			"stop session": {"running", "stopped"}, "finish before start": {"running", "idle"}}},
	} {
		t.Run(c.name, func(t *testing.T) {
			rcv := newReceiver(t, nil)
			srv, cl := start(t, append(c.opts, browserusetest.WithWebhook(rcv.URL, hookSecret),
				browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
					if in.Task == "finish" {
						return browserusetest.TaskResult{Duration: time.Millisecond} // ends by its script
					}
					if in.Task == "finish before start" {
						return browserusetest.TaskResult{StartAfter: time.Hour, Duration: time.Hour}
					}
					return browserusetest.TaskResult{Duration: time.Hour}
				}))...)
			ctx := context.Background()
			for how, want := range c.words {
				created, err := cl.CreateTask(ctx, browseruse.CreateTaskParams{Task: how})
				require.NoError(t, err)
				switch how {
				case "fail":
					require.NoError(t, srv.FailTask(created.ID, "no"))
				case "stop":
					rcv.next(t) // started, by the fake's clock
					_, err := cl.StopTask(ctx, created.ID)
					require.NoError(t, err)
					want = want[1:]
				case "stop session":
					rcv.next(t)
					_, err := cl.StopSession(ctx, created.SessionID)
					require.NoError(t, err)
					want = want[1:]
				case "finish before start":
					require.NoError(t, srv.FinishTask(created.ID, "now"))
				}
				var got []string
				for range want {
					ev := rcv.next(t)
					assert.Equal(t, created.ID, ev.Payload.TaskID)
					got = append(got, ev.Payload.Status)
					assert.Equal(t, len(got) == len(want), ev.TaskEnded(), "%s: %s", how, ev.Payload.Status)
				}
				assert.Equal(t, want, got, how)
			}
		})
	}
}

// TestWebhookGivesUp: a receiver that keeps failing gets the attempts
// WithWebhookRetry says, then the next event; a connection error is an
// attempt too.
func TestWebhookGivesUp(t *testing.T) {
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	defer failing.Close()
	srv, c := start(t, browserusetest.WithWebhook(failing.URL, hookSecret), browserusetest.WithWebhookRetry(3, time.Millisecond),
		browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
			return browserusetest.TaskResult{Duration: time.Hour}
		}))
	ctx := context.Background()
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	require.NoError(t, srv.FinishTask(created.ID, ""))
	require.NoError(t, srv.FlushWebhooks(ctx))
	d := srv.WebhookDeliveries()
	require.Len(t, d, 6, "3 attempts of started, then 3 of finished")
	for i, want := range []string{"started", "started", "started", "finished", "finished", "finished"} {
		assert.Equal(t, want, d[i].Status)
		assert.Equal(t, i%3+1, d[i].Attempt)
		assert.Equal(t, http.StatusServiceUnavailable, d[i].StatusCode)
	}
	assert.Error(t, srv.SendTestWebhook(ctx))

	// Nobody listens.
	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	srv2, c2 := start(t, browserusetest.WithWebhook(gone.URL, hookSecret), browserusetest.WithWebhookRetry(2, time.Millisecond))
	_, err = c2.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.NoError(t, err)
	require.Error(t, srv2.SendTestWebhook(ctx))
	require.NoError(t, srv2.FlushWebhooks(ctx))
	require.NotEmpty(t, srv2.WebhookDeliveries())
	for _, d := range srv2.WebhookDeliveries() {
		assert.Zero(t, d.StatusCode)
		assert.NotEmpty(t, d.Err)
	}
}

// TestSendTestWebhook: a test event on demand, verified by the receiver.
func TestSendTestWebhook(t *testing.T) {
	rcv := newReceiver(t, nil)
	srv, _ := start(t, browserusetest.WithWebhook(rcv.URL, hookSecret))
	require.NoError(t, srv.SendTestWebhook(context.Background()))
	ev := rcv.next(t)
	assert.Equal(t, webhook.TypeTest, ev.Type)
	assert.False(t, ev.TaskEnded())
	assert.False(t, ev.Timestamp.IsZero())
	d := srv.WebhookDeliveries()
	require.Len(t, d, 1)
	assert.Equal(t, webhook.TypeTest, d[0].Type)

	srv.StopWebhooks()
	assert.ErrorIs(t, srv.SendTestWebhook(context.Background()), browserusetest.ErrWebhooksStopped)
	plain, _ := start(t)
	assert.ErrorIs(t, plain.SendTestWebhook(context.Background()), browserusetest.ErrWebhooksStopped)
	assert.Nil(t, plain.WebhookDeliveries())
}

// TestWebhookStuckReceiver: a receiver that never answers blocks neither
// the fake's requests nor other tasks' webhooks... only its own task's
// later ones; StopWebhooks ends the attempt and every goroutine.
func TestWebhookStuckReceiver(t *testing.T) {
	release := make(chan struct{})
	var once sync.Once
	stuck := make(chan string, 10)
	delivered := make(chan string, 10)
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct {
			Payload struct {
				TaskID string `json:"task_id"`
				Status string `json:"status"`
			} `json:"payload"`
		}
		_ = json.Unmarshal(body, &ev)
		if ev.Payload.Status == "started" && ev.Payload.TaskID != "" {
			var first bool
			once.Do(func() { first = true })
			if first { // the first task's first event hangs
				stuck <- ev.Payload.TaskID
				select {
				case <-release:
				case <-r.Context().Done():
				}
				return
			}
		}
		delivered <- ev.Payload.TaskID + " " + ev.Payload.Status
		w.WriteHeader(http.StatusNoContent)
	}))
	srv := browserusetest.NewServer(browserusetest.WithWebhook(recv.URL, hookSecret), browserusetest.WithWebhookRetry(1, 0),
		browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
			return browserusetest.TaskResult{Duration: time.Hour}
		}))
	c, err := srv.Client()
	require.NoError(t, err)
	ctx := context.Background()
	a, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "a"})
	require.NoError(t, err)
	var stuckID string
	select {
	case stuckID = <-stuck:
	case <-time.After(time.Minute):
		t.Fatal("no delivery")
	}
	require.Equal(t, a.ID, stuckID)
	require.NoError(t, srv.FinishTask(a.ID, "")) // its webhook waits behind the stuck one

	// The fake answers, and another task's webhooks go.
	b, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "b"})
	require.NoError(t, err)
	require.NoError(t, srv.FinishTask(b.ID, ""))
	_, err = c.GetTask(ctx, a.ID)
	require.NoError(t, err)
	var got []string
	for range 2 {
		select {
		case d := <-delivered:
			got = append(got, d)
		case <-time.After(time.Minute): // a deadlock guard
			t.Fatal("the other task's webhooks did not go")
		}
	}
	assert.Equal(t, []string{b.ID + " started", b.ID + " finished"}, got)

	closed := make(chan struct{})
	go func() {
		srv.Close() // cancels the stuck attempt, drops a's finished
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(time.Minute): // a deadlock guard
		close(release)
		t.Fatal("Close waits for the stuck receiver")
	}
	close(release)
	recv.Close()
	goleak.VerifyNone(t) // the fake's deliveries and clock ticks are over
	for _, d := range srv.WebhookDeliveries() {
		assert.NotEqual(t, a.ID+" finished", d.TaskID+" "+d.Status, "delivered after the stop")
	}
}

// TestWebhookOrderPerTask: many tasks at once, each its events in order.
func TestWebhookOrderPerTask(t *testing.T) {
	rcv := newReceiver(t, nil)
	_, c := start(t, browserusetest.WithWebhook(rcv.URL, hookSecret))
	ctx := context.Background()
	const n = 30
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			_, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
			assert.NoError(t, err)
		})
	}
	wg.Wait()
	seen := map[string][]string{}
	for range 2 * n {
		ev := rcv.next(t)
		seen[ev.Payload.TaskID] = append(seen[ev.Payload.TaskID], ev.Payload.Status)
	}
	require.Len(t, seen, n)
	for id, statuses := range seen {
		assert.Equal(t, []string{"started", "finished"}, statuses, id)
	}
}

// TestWebhookDeliveriesKept: the log keeps the last WebhookDeliveriesKept
// attempts, oldest first.
func TestWebhookDeliveriesKept(t *testing.T) {
	var mu sync.Mutex
	var received [][]byte // the bodies, in the order they arrived
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, body)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	defer recv.Close()
	clk := &movableClock{now: time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)}
	srv, _ := start(t, browserusetest.WithWebhook(recv.URL, hookSecret), browserusetest.WithClock(clk.Now))
	const extra = 5
	for range browserusetest.WebhookDeliveriesKept + extra {
		clk.Add(time.Second) // each test event's body holds its own timestamp
		require.NoError(t, srv.SendTestWebhook(context.Background()))
	}
	d := srv.WebhookDeliveries()
	require.Len(t, d, browserusetest.WebhookDeliveriesKept)
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, received, browserusetest.WebhookDeliveriesKept+extra)
	for i := range d {
		require.Equal(t, string(received[extra+i]), string(d[i].Body), "delivery %d", i)
	}
}
