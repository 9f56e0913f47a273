package webhook_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

// clock is a settable clock for WithClock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder collects the events fn is given.
type recorder struct {
	mu     sync.Mutex
	events []webhook.Event
}

func (r *recorder) fn(_ context.Context, ev webhook.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, ev)
}

func (r *recorder) count() int { r.mu.Lock(); defer r.mu.Unlock(); return len(r.events) }

// deliver sends body signed at the clock's time (or with header, if not nil)
// to h and returns the status.
func deliver(t *testing.T, h http.Handler, c *clock, body string, header http.Header) int {
	t.Helper()
	if header == nil {
		var err error
		if header, err = webhook.Sign(testSecret, c.now(), []byte(body)); err != nil { // not JSON: a signature of nothing
			header = signedHeader(fmt.Sprint(c.now().Unix()), strings.Repeat("00", 32))
		}
	}
	req := httptest.NewRequest(http.MethodPost, "/webhook", strings.NewReader(body))
	for k, vs := range header {
		req.Header[k] = vs
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	return w.Code
}

func statusBody(status string) string {
	return `{"type":"agent.task.status_update","timestamp":"2026-12-02T00:00:00Z","payload":{"task_id":"t-1","session_id":"s-1","status":"` + status + `","metadata":{}}}`
}

func TestHandlerAnswers(t *testing.T) {
	c := &clock{t: signedAt}
	var rec recorder
	h := webhook.NewHandler(testSecret, rec.fn, webhook.WithClock(c.now), webhook.WithMaxBodyBytes(4096))
	body := statusBody("finished")
	stale := signed(t, testSecret, signedAt.Add(-webhook.DefaultTolerance-time.Second), body)
	future := signed(t, testSecret, signedAt.Add(webhook.DefaultTolerance+time.Second), body)
	other := signed(t, "whsec_other", signedAt, body)
	big := `{"type":"test","pad":"` + strings.Repeat("x", 4096) + `"}`
	for _, c2 := range []struct {
		name   string
		body   string
		header http.Header
		want   int
	}{
		{"missing headers", body, http.Header{}, http.StatusUnauthorized},
		{"garbage timestamp", body, signedHeader("soon", strings.Repeat("0", 64)), http.StatusUnauthorized},
		{"stale", body, stale, http.StatusUnauthorized},
		{"from the future", body, future, http.StatusUnauthorized},
		{"another secret", body, other, http.StatusUnauthorized},
		{"tampered", statusBody("failed"), signed(t, testSecret, signedAt, body), http.StatusUnauthorized},
		{"bad JSON", "{", nil, http.StatusBadRequest},
		{"too large", big, nil, http.StatusRequestEntityTooLarge},
	} {
		assert.Equal(t, c2.want, deliver(t, h, c, c2.body, c2.header), c2.name)
	}
	assert.Zero(t, rec.count(), "fn was called for a refused delivery")

	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, nil))
	require.Equal(t, 1, rec.count())
	assert.Equal(t, "finished", rec.events[0].Payload.Status)
	assert.True(t, rec.events[0].TaskEnded())
	// At the limit exactly, the body is read.
	exact := `{"type":"test","pad":"` + strings.Repeat("x", 4096-len(`{"type":"test","pad":""}`)) + `"}`
	require.Len(t, exact, 4096)
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, exact, nil))
	assert.Equal(t, 2, rec.count())

	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/webhook", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, w.Code)
	assert.Equal(t, http.MethodPost, w.Header().Get("Allow"))

	noSecret := webhook.NewHandler("", rec.fn, webhook.WithClock(c.now))
	assert.Equal(t, http.StatusInternalServerError, deliver(t, noSecret, c, body, nil))
	assert.Equal(t, 2, rec.count())
}

// TestHandlerTolerance: WithHandlerTolerance moves the handler's bounds.
func TestHandlerTolerance(t *testing.T) {
	c := &clock{t: signedAt}
	var rec recorder
	h := webhook.NewHandler(testSecret, rec.fn, webhook.WithClock(c.now), webhook.WithHandlerTolerance(10*time.Second))
	body := statusBody("started")
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, signed(t, testSecret, signedAt.Add(-10*time.Second), body)))
	assert.Equal(t, http.StatusUnauthorized, deliver(t, h, c, body, signed(t, testSecret, signedAt.Add(-11*time.Second), body)))
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, signed(t, testSecret, signedAt.Add(10*time.Second), body)))
	assert.Equal(t, http.StatusUnauthorized, deliver(t, h, c, body, signed(t, testSecret, signedAt.Add(11*time.Second), body)))
	assert.Equal(t, 2, rec.count())
}

// TestHandlerDedupe: a redelivery (same body, new timestamp and signature)
// is answered 204 but not handed to fn again, within the window.
func TestHandlerDedupe(t *testing.T) {
	c := &clock{t: signedAt}
	var rec recorder
	h := webhook.NewHandler(testSecret, rec.fn, webhook.WithClock(c.now), webhook.WithDedupe(time.Minute))
	body := statusBody("finished")
	first := signed(t, testSecret, c.now(), body)
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, first))
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, first), "a replay of the same delivery")
	c.add(30 * time.Second)
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, nil), "a redelivery, signed anew")
	// The same event spelled otherwise is the same event.
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, strings.ReplaceAll(body, ",", " ,\n"), nil))
	assert.Equal(t, 1, rec.count())
	// Another event is not a duplicate.
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, statusBody("stopped"), nil))
	assert.Equal(t, 2, rec.count())
	// Past the window (a minute after it was first seen), the event is new again.
	c.add(30*time.Second + time.Millisecond)
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, nil))
	assert.Equal(t, 3, rec.count())

	// Without WithDedupe, every delivery reaches fn.
	var all recorder
	plain := webhook.NewHandler(testSecret, all.fn, webhook.WithClock(c.now))
	for range 3 {
		assert.Equal(t, http.StatusNoContent, deliver(t, plain, c, body, nil))
	}
	assert.Equal(t, 3, all.count())
}

// TestHandlerDedupeDefaultWindow: WithDedupe(0) remembers an event for the
// tolerance.
func TestHandlerDedupeDefaultWindow(t *testing.T) {
	c := &clock{t: signedAt}
	var rec recorder
	h := webhook.NewHandler(testSecret, rec.fn, webhook.WithClock(c.now), webhook.WithDedupe(0), webhook.WithHandlerTolerance(time.Minute))
	body := statusBody("finished")
	deliver(t, h, c, body, nil)
	c.add(time.Minute - time.Millisecond)
	deliver(t, h, c, body, nil)
	assert.Equal(t, 1, rec.count())
	c.add(time.Millisecond)
	deliver(t, h, c, body, nil)
	assert.Equal(t, 2, rec.count())
}

// TestHandlerDedupeBounded: the memory holds at most 10,000 events; past
// that the oldest is forgotten (and so accepted again).
func TestHandlerDedupeBounded(t *testing.T) {
	c := &clock{t: signedAt}
	var rec recorder
	h := webhook.NewHandler(testSecret, rec.fn, webhook.WithClock(c.now), webhook.WithDedupe(time.Hour))
	ev := func(i int) string { return fmt.Sprintf(`{"type":"test","n":%d}`, i) }
	for i := range 10_000 {
		deliver(t, h, c, ev(i), nil)
	}
	deliver(t, h, c, ev(9_999), nil) // remembered
	assert.Equal(t, 10_000, rec.count())
	deliver(t, h, c, ev(10_000), nil) // the 10,001st: event 0 is forgotten
	deliver(t, h, c, ev(1), nil)      // still remembered
	assert.Equal(t, 10_001, rec.count())
	deliver(t, h, c, ev(0), nil)
	assert.Equal(t, 10_002, rec.count())
}

// TestHandlerAnswersBeforeFn: the sender has its 204 while fn still runs;
// fn's context is not canceled when the sender goes; no goroutine is left
// once fn returns and the server closes.
func TestHandlerAnswersBeforeFn(t *testing.T) {
	release, running, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	h := webhook.NewHandler(testSecret, func(ctx context.Context, ev webhook.Event) {
		close(running)
		<-release
		done <- ctx.Err()
	})
	srv := httptest.NewServer(h)
	body := statusBody("finished")
	req, err := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
	require.NoError(t, err)
	for k, vs := range signed(t, testSecret, time.Now(), body) {
		req.Header[k] = vs
	}
	answered := make(chan int, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err != nil {
			answered <- 0
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		answered <- resp.StatusCode
	}()
	select { // fn cannot return before release is closed: the answer must come first
	case status := <-answered:
		assert.Equal(t, http.StatusNoContent, status)
	case <-time.After(time.Minute): // a deadlock guard, not a timing: the answer never comes
		t.Error("no answer while fn runs")
	}
	<-running
	srv.Client().CloseIdleConnections()
	close(release)
	if t.Failed() {
		<-answered
	}
	assert.NoError(t, <-done, "fn's context was canceled")
	srv.Close() // waits for the handler to return
	goleak.VerifyNone(t)
}

// TestHandlerConcurrent: concurrent deliveries, distinct and duplicate,
// under -race: each distinct event reaches fn exactly once.
func TestHandlerConcurrent(t *testing.T) {
	var calls sync.Map
	var total atomic.Int64
	h := webhook.NewHandler(testSecret, func(_ context.Context, ev webhook.Event) {
		total.Add(1)
		n, _ := calls.LoadOrStore(ev.Payload.TaskID, new(atomic.Int64))
		n.(*atomic.Int64).Add(1)
	}, webhook.WithDedupe(0))
	srv := httptest.NewServer(h)
	defer srv.Close()
	const tasks, copies = 40, 5
	var wg sync.WaitGroup
	for i := range tasks {
		for range copies {
			wg.Go(func() {
				body := fmt.Sprintf(`{"type":"agent.task.status_update","payload":{"task_id":"t-%d","status":"finished"}}`, i)
				req, _ := http.NewRequest(http.MethodPost, srv.URL, strings.NewReader(body))
				for k, vs := range signed(t, testSecret, time.Now(), body) {
					req.Header[k] = vs
				}
				resp, err := srv.Client().Do(req)
				if assert.NoError(t, err) {
					assert.Equal(t, http.StatusNoContent, resp.StatusCode)
					resp.Body.Close()
				}
			})
		}
	}
	wg.Wait()
	assert.EqualValues(t, tasks, total.Load())
	calls.Range(func(k, v any) bool {
		assert.EqualValues(t, 1, v.(*atomic.Int64).Load(), k)
		return true
	})
	srv.Client().CloseIdleConnections()
}

// TestHandlerNeverLogsTheSecret: with JSON and text logs at Debug, every
// kind of delivery is logged, and the secret never is.
func TestHandlerNeverLogsTheSecret(t *testing.T) {
	for name, mk := range map[string]func(io.Writer) slog.Handler{
		"json": func(w io.Writer) slog.Handler {
			return slog.NewJSONHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
		"text": func(w io.Writer) slog.Handler {
			return slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug})
		},
	} {
		t.Run(name, func(t *testing.T) {
			var logs bytes.Buffer
			c := &clock{t: signedAt}
			h := webhook.NewHandler(testSecret, nil, webhook.WithClock(c.now), webhook.WithDedupe(0),
				webhook.WithLogger(slog.New(mk(&logs))), webhook.WithMaxBodyBytes(200))
			body := statusBody("finished")
			deliver(t, h, c, body, nil)
			deliver(t, h, c, body, nil) // duplicate
			deliver(t, h, c, body, signed(t, testSecret+"!", c.now(), body))
			deliver(t, h, c, body, signedHeader(testSecret, testSecret)) // a sender that sends the secret itself
			deliver(t, h, c, "{", nil)
			deliver(t, h, c, strings.Repeat(" ", 300), signedHeader("1", "2"))
			deliver(t, webhook.NewHandler("", nil, webhook.WithLogger(slog.New(mk(&logs)))), c, body, nil)
			out := logs.String()
			for _, want := range []string{"event accepted", "duplicate delivery dropped", "delivery refused", "401", "400", "413", "500"} {
				assert.Contains(t, out, want)
			}
			assert.NotContains(t, out, testSecret[:10])
		})
	}
}

// TestHandlerFnContext: fn's context keeps the request's values but not its
// cancellation (the sender may hang up once it has its answer).
func TestHandlerFnContext(t *testing.T) {
	type key struct{}
	var got context.Context
	h := webhook.NewHandler(testSecret, func(ctx context.Context, _ webhook.Event) { got = ctx })
	body := statusBody("finished")
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), key{}, "v"))
	cancel()
	req := httptest.NewRequestWithContext(ctx, http.MethodPost, "/", strings.NewReader(body))
	for k, vs := range signed(t, testSecret, time.Now(), body) {
		req.Header[k] = vs
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	require.Equal(t, http.StatusNoContent, w.Code)
	require.NotNil(t, got)
	assert.NoError(t, got.Err())
	assert.Equal(t, "v", got.Value(key{}))
}

func TestHandlerNeverPrintsTheSecret(t *testing.T) {
	h := webhook.NewHandler(testSecret, nil, webhook.WithDedupe(0))
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x"} {
		out := fmt.Sprintf(verb, h)
		assert.NotContains(t, out, testSecret, verb)
		assert.NotContains(t, out, fmt.Sprintf("%x", testSecret), verb)
	}
	assert.Equal(t, fmt.Sprintf("webhook.Handler{secret: [REDACTED], maxBody: %d, tolerance: 5m0s, dedupe: true, window: 5m0s}",
		webhook.DefaultMaxBodyBytes), fmt.Sprintf("%+v", h))
	assert.Contains(t, fmt.Sprint(webhook.NewHandler("", nil)), "secret: [EMPTY]")
	for _, format := range []func(io.Writer) slog.Handler{
		func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
	} {
		var buf bytes.Buffer
		slog.New(format(&buf)).Info("configured", "handler", h)
		assert.NotContains(t, buf.String(), testSecret)
		assert.Contains(t, buf.String(), "[REDACTED]")
	}
}

func TestNilOptionsAreSkipped(t *testing.T) {
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	body := statusBody("finished")
	header, err := webhook.Sign(testSecret, c.now(), []byte(body))
	require.NoError(t, err)
	require.NotPanics(t, func() {
		_, err = webhook.Verify(testSecret, header, []byte(body), c.now(), nil, webhook.WithTolerance(time.Minute), nil)
	})
	require.NoError(t, err)
	var h http.Handler
	require.NotPanics(t, func() { h = webhook.NewHandler(testSecret, nil, nil, webhook.WithClock(c.now), nil) })
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, body, nil))
}

// TestHandlerDefaultMaxBody: without WithMaxBodyBytes the handler reads
// DefaultMaxBodyBytes (256 KiB) and no byte more.
func TestHandlerDefaultMaxBody(t *testing.T) {
	require.Equal(t, 256<<10, webhook.DefaultMaxBodyBytes)
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	h := webhook.NewHandler(testSecret, nil, webhook.WithClock(c.now))
	body := statusBody("finished")
	full := body + strings.Repeat(" ", webhook.DefaultMaxBodyBytes-len(body)) // JSON allows trailing spaces
	assert.Equal(t, http.StatusNoContent, deliver(t, h, c, full, nil))
	assert.Equal(t, http.StatusRequestEntityTooLarge, deliver(t, h, c, full+" ", nil))
}
