package webhook

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync"
	"time"
)

// DefaultMaxBodyBytes is the largest body the handler reads unless
// WithMaxBodyBytes says otherwise: 256 KiB, a hundred times a status
// update (under 2 KB with a few metadata pairs), and small enough that a
// well-signed-looking body crafted to cost the parser most (Verify checks
// the headers' form before it reads the body) stays cheap. Raise it for
// tasks whose metadata is large.
const DefaultMaxBodyBytes = 256 << 10

// dedupeCapacity bounds the events the handler remembers for WithDedupe.
const dedupeCapacity = 10_000

// HandlerOption configures NewHandler. A nil option is skipped.
type HandlerOption func(*handler)

// WithMaxBodyBytes caps the body the handler reads (default
// DefaultMaxBodyBytes); a larger one is answered 413. n <= 0 means the
// default.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(h *handler) {
		if n > 0 {
			h.maxBody = n
		}
	}
}

// WithHandlerTolerance is WithTolerance for the handler's Verify.
func WithHandlerTolerance(d time.Duration) HandlerOption {
	return func(h *handler) {
		if d > 0 {
			h.tolerance = d
		}
	}
}

// WithDedupe makes the handler drop duplicate deliveries: an event whose
// canonical body it has accepted within the window is answered 204 again
// (so that the sender stops redelivering it) but not handed to fn. The
// service redelivers an event it thinks failed with the same body but a new
// timestamp header, and so a new signature: the key is the SHA-256 of the
// canonical body, not the signature. window <= 0 means the tolerance, past
// which a replay of the old delivery is refused anyway (ErrTooOld). At
// most 10,000 events are remembered: past that the oldest are forgotten.
// Off by default.
func WithDedupe(window time.Duration) HandlerOption {
	return func(h *handler) {
		h.dedupe = true
		h.window = window
	}
}

// WithLogger logs the handler's decisions: refused deliveries at Warn (the
// reason, the status answered, the remote address), duplicates at Info,
// accepted events at Debug. The secret and the signature are never logged.
// The default logs nothing.
func WithLogger(l *slog.Logger) HandlerOption {
	return func(h *handler) {
		if l != nil {
			h.log = l
		}
	}
}

// WithClock replaces time.Now for the tolerance and the dedupe window, for
// tests.
func WithClock(now func() time.Time) HandlerOption {
	return func(h *handler) {
		if now != nil {
			h.now = now
		}
	}
}

type handler struct {
	secret    string
	fn        func(context.Context, Event)
	maxBody   int64
	tolerance time.Duration
	dedupe    bool
	window    time.Duration
	log       *slog.Logger
	now       func() time.Time

	mu   sync.Mutex
	seen map[[sha256.Size]byte]time.Time // key: expiry
	fifo [][sha256.Size]byte             // keys, oldest first
}

// NewHandler returns an http.Handler that receives deliveries: it reads the
// body (at most WithMaxBodyBytes, else 413), verifies it with Verify at the
// current time (401 for a missing or bad signature, a bad or stale
// timestamp; 400 for a body that is not JSON; 500 when secret is empty;
// 405 for a method other than POST), drops a duplicate if WithDedupe is
// set, and answers 204 No Content. Only then, once the answer is flushed to
// the sender, does it call fn with the event, on the request's goroutine:
// the handler starts no goroutine of its own, ServeHTTP returns when fn
// does, and http.Server.Shutdown waits for fn. fn's context carries the
// request's values but is not canceled when the sender hangs up, which it
// may do as soon as it has the answer. Keep fn short, or hand the event
// on: a delivery that arrives on the same connection waits for it.
// fn may be called concurrently for deliveries on different connections.
func NewHandler(secret string, fn func(context.Context, Event), opts ...HandlerOption) http.Handler {
	h := &handler{
		secret: secret, fn: fn, maxBody: DefaultMaxBodyBytes, tolerance: DefaultTolerance,
		log: slog.New(slog.DiscardHandler), now: time.Now,
	}
	for _, opt := range opts {
		if opt != nil { // a nil option is skipped, as browseruse.NewClient does
			opt(h)
		}
	}
	if h.window <= 0 {
		h.window = h.tolerance
	}
	if h.dedupe {
		h.seen = map[[sha256.Size]byte]time.Time{}
	}
	return h
}

// String describes the handler without its secret: "[REDACTED]" when one is
// set, "[EMPTY]" when not (every delivery is then answered 500).
func (h *handler) String() string {
	secret := "[EMPTY]"
	if h.secret != "" {
		secret = "[REDACTED]"
	}
	return fmt.Sprintf("webhook.Handler{secret: %s, maxBody: %d, tolerance: %s, dedupe: %t, window: %s}",
		secret, h.maxBody, h.tolerance, h.dedupe, h.window)
}

// Format prints the handler as String does, for every verb: %v, %+v and
// %#v never show the secret.
func (h *handler) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, h.String()) }

// GoString is String, for %#v (which Format already answers).
func (h *handler) GoString() string { return h.String() }

// LogValue logs the handler as String describes it, with any slog handler.
func (h *handler) LogValue() slog.Value { return slog.StringValue(h.String()) }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		h.refuse(ctx, w, r, http.StatusMethodNotAllowed, errors.New("webhook: method "+r.Method+" is not POST"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			h.refuse(ctx, w, r, http.StatusRequestEntityTooLarge, errors.New("webhook: body larger than the handler's limit"))
			return
		}
		h.refuse(ctx, w, r, http.StatusBadRequest, errors.New("webhook: reading the body failed"))
		return
	}
	now := h.now()
	ev, canon, err := verify(h.secret, r.Header, body, now, WithTolerance(h.tolerance))
	if err != nil {
		h.refuse(ctx, w, r, statusOf(err), err)
		return
	}
	if h.dedupe && h.duplicate(canon, now) {
		h.log.LogAttrs(ctx, slog.LevelInfo, "webhook: duplicate delivery dropped",
			slog.String("reason", ErrReplay.Error()), slog.String("type", ev.Type), slog.String("task_id", ev.Payload.TaskID),
			slog.String("status", ev.Payload.Status), slog.String("remote", r.RemoteAddr))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.WriteHeader(http.StatusNoContent)
	_ = http.NewResponseController(w).Flush() // the sender has its answer before fn runs
	h.log.LogAttrs(ctx, slog.LevelDebug, "webhook: event accepted",
		slog.String("type", ev.Type), slog.String("task_id", ev.Payload.TaskID), slog.String("status", ev.Payload.Status))
	if h.fn != nil {
		h.fn(context.WithoutCancel(ctx), ev)
	}
}

// statusOf is the answer to a delivery Verify refused.
func statusOf(err error) int {
	switch {
	case errors.Is(err, ErrBadJSON):
		return http.StatusBadRequest
	case errors.Is(err, ErrNoSecret):
		return http.StatusInternalServerError
	default:
		return http.StatusUnauthorized
	}
}

// refuse answers a refused delivery with the reason (never the secret,
// which no error holds).
func (h *handler) refuse(ctx context.Context, w http.ResponseWriter, r *http.Request, status int, err error) {
	level := slog.LevelWarn
	if status == http.StatusInternalServerError {
		level = slog.LevelError
	}
	h.log.LogAttrs(ctx, level, "webhook: delivery refused",
		slog.Int("status", status), slog.String("reason", err.Error()), slog.String("remote", r.RemoteAddr))
	http.Error(w, err.Error(), status)
}

// duplicate reports whether the event was accepted within the window, and
// remembers it if not.
func (h *handler) duplicate(canon []byte, now time.Time) bool {
	key := sha256.Sum256(canon)
	h.mu.Lock()
	defer h.mu.Unlock()
	// Forget the expired, oldest first (expiries grow with the clock).
	for len(h.fifo) > 0 {
		oldest := h.fifo[0]
		if exp, ok := h.seen[oldest]; ok && now.Before(exp) {
			break
		}
		delete(h.seen, oldest)
		h.fifo = h.fifo[1:]
	}
	if _, ok := h.seen[key]; ok {
		return true
	}
	if len(h.seen) >= dedupeCapacity { // full: forget the oldest
		delete(h.seen, h.fifo[0])
		h.fifo = h.fifo[1:]
	}
	h.seen[key] = now.Add(h.window)
	h.fifo = append(h.fifo, key)
	return false
}
