// Package webhook verifies and receives the webhooks Browser Use sends on
// task status changes (configured in the service's dashboard, not through
// the API).
//
// Each delivery is a POST whose body is a JSON event,
//
//	{"type": "agent.task.status_update", "timestamp": "2026-11-27T10:00:00.123456Z",
//	 "payload": {"task_id": "...", "session_id": "...", "status": "finished", "metadata": {}}}
//
// signed with the secret the dashboard shows: the header
// X-Browser-Use-Timestamp holds the Unix time in seconds, and
// X-Browser-Use-Signature the hex HMAC-SHA256 of "{timestamp}.{canonical}",
// where canonical is the body re-serialized as the service's Python
// reference does (see Canonical). Verify checks one delivery; NewHandler
// is an http.Handler that verifies each delivery, answers, and hands the
// event to a function.
//
// The package depends only on the standard library.
package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The headers of a delivery.
const (
	// HeaderSignature holds the hex HMAC-SHA256 of "{timestamp}.{canonical}".
	HeaderSignature = "X-Browser-Use-Signature"
	// HeaderTimestamp holds the time of signing, in Unix seconds.
	HeaderTimestamp = "X-Browser-Use-Timestamp"
)

// The event types the service sends. Verify keeps any other as it is.
const (
	// TypeTaskStatusUpdate: a task's status changed; Payload says which.
	TypeTaskStatusUpdate = "agent.task.status_update"
	// TypeTest: the dashboard's (or the fake's SendTestWebhook) test delivery.
	TypeTest = "test"
)

// DefaultTolerance is how far a delivery's timestamp may be from now, in
// either direction: the service's documentation rejects requests older than
// 5 minutes.
const DefaultTolerance = 5 * time.Minute

// Errors of Verify, one per failed check, for errors.Is. Their messages
// never hold the secret.
var (
	// ErrNoSecret: the secret given to Verify or NewHandler is empty.
	ErrNoSecret = errors.New("webhook: no secret configured")
	// ErrMissingHeader: the timestamp or signature header is missing or empty.
	ErrMissingHeader = errors.New("webhook: missing signature header")
	// ErrBadTimestamp: the timestamp header is not a Unix time in seconds.
	ErrBadTimestamp = errors.New("webhook: bad timestamp header")
	// ErrTooOld: the timestamp is older than now by more than the tolerance.
	ErrTooOld = errors.New("webhook: timestamp too old")
	// ErrTooNew: the timestamp is ahead of now by more than the tolerance.
	ErrTooNew = errors.New("webhook: timestamp too far in the future")
	// ErrBadSignature: the signature matches neither canonical form of the
	// body with this secret and timestamp (a tampered body, another
	// secret, a signature that is not hex).
	ErrBadSignature = errors.New("webhook: signature mismatch")
	// ErrBadJSON: the body is not JSON (see Canonical for what is read).
	ErrBadJSON = errors.New("webhook: body is not JSON")
	// ErrReplay: the handler has accepted this event already (see
	// WithDedupe), the reason it logs for a dropped duplicate. Verify,
	// which keeps no memory, never returns it.
	ErrReplay = errors.New("webhook: duplicate delivery")
)

// Event is one verified delivery.
type Event struct {
	// Type is the event's "type": TypeTaskStatusUpdate, TypeTest, or any
	// other the service adds, as sent.
	Type string
	// Timestamp is the event's "timestamp": an ISO 8601 string (with an
	// offset or Z; without one it is taken as UTC, as the service's naive
	// timestamps are) or a number of Unix seconds. It is the zero Time when
	// absent or unreadable: the signature, not this field, is checked
	// against the tolerance.
	Timestamp time.Time
	// Payload is the event's "payload" (zero for a test event).
	Payload StatusUpdate
	// Raw is the body as received.
	Raw json.RawMessage
}

// StatusUpdate is the payload of an agent.task.status_update event. A
// field the body holds with another JSON type than its own is left zero;
// Event.Raw has everything.
type StatusUpdate struct {
	// TaskID and SessionID are "task_id" and "session_id".
	TaskID, SessionID string
	// Status is "status", as sent: a task status (started, finished,
	// failed, stopped) or the words the service's documentation shows for
	// this event (running, idle, stopped), or a status added later.
	Status string
	// Metadata is "metadata", decoded as encoding/json decodes into any
	// (numbers as float64); nil when absent.
	Metadata map[string]any
}

// TaskEnded reports whether the event says its task reached a terminal
// state, in either vocabulary: the task statuses finished, failed and
// stopped, or the documentation's idle (the session has no running task
// any more) and stopped. It is false for any other type, for started,
// created and running, and for a status it does not know.
func (e Event) TaskEnded() bool {
	if e.Type != TypeTaskStatusUpdate {
		return false
	}
	switch e.Payload.Status {
	case "finished", "failed", "stopped", "idle":
		return true
	}
	return false
}

// VerifyOption configures Verify. A nil option is skipped.
type VerifyOption func(*verifyConfig)

type verifyConfig struct {
	tolerance time.Duration
}

// WithTolerance sets how far the timestamp header may be from now, both
// ways: older by more than d is ErrTooOld, ahead by more than d is
// ErrTooNew; exactly d is accepted. d <= 0 means DefaultTolerance.
func WithTolerance(d time.Duration) VerifyOption {
	return func(c *verifyConfig) {
		if d > 0 {
			c.tolerance = d
		}
	}
}

// Verify checks one delivery at the time now and returns its event. In
// order, it checks that the secret is set (ErrNoSecret), that both headers
// are there (ErrMissingHeader), that the timestamp is a Unix time in
// seconds (ErrBadTimestamp) within the tolerance of now (ErrTooOld,
// ErrTooNew) and that the signature is 64 hex digits (ErrBadSignature), all
// before it reads the body; then that the body is JSON (ErrBadJSON), and
// that the signature is the HMAC-SHA256 of "{timestamp}.{canonical}" for
// either canonical form of the body (ErrBadSignature), comparing in
// constant time. Both forms are Python's json.dumps with sorted keys, no
// whitespace and Python's float repr: escaped, with ensure_ascii=True (its
// default, Canonical(body, true)), or unescaped, with ensure_ascii=False
// (Canonical(body, false)). The unescaped form matches the JSON.stringify
// of the service's TypeScript sample only for a body whose keys are sorted
// and whose numbers both write alike (JSON.stringify writes 1.0 as 1 and
// 1.5e-07 as 1.5e-7). Every error wraps one of those, and never holds the
// secret.
func Verify(secret string, header http.Header, body []byte, now time.Time, opts ...VerifyOption) (Event, error) {
	ev, _, err := verify(secret, header, body, now, opts...)
	return ev, err
}

// verify is Verify, returning also the escaped canonical form of the body.
func verify(secret string, header http.Header, body []byte, now time.Time, opts ...VerifyOption) (Event, []byte, error) {
	cfg := verifyConfig{tolerance: DefaultTolerance}
	for _, opt := range opts {
		if opt != nil { // a nil option is skipped, as browseruse.NewClient does
			opt(&cfg)
		}
	}
	if secret == "" {
		return Event{}, nil, ErrNoSecret
	}
	ts, sig := header.Get(HeaderTimestamp), header.Get(HeaderSignature)
	switch {
	case ts == "":
		return Event{}, nil, fmt.Errorf("%w: %s", ErrMissingHeader, HeaderTimestamp)
	case sig == "":
		return Event{}, nil, fmt.Errorf("%w: %s", ErrMissingHeader, HeaderSignature)
	}
	signed, err := parseTimestamp(ts)
	if err != nil {
		return Event{}, nil, err
	}
	if age := now.Sub(signed); age > cfg.tolerance {
		return Event{}, nil, fmt.Errorf("%w: signed %s before now (tolerance %s)", ErrTooOld, age.Round(time.Second), cfg.tolerance)
	} else if -age > cfg.tolerance {
		return Event{}, nil, fmt.Errorf("%w: signed %s after now (tolerance %s)", ErrTooNew, (-age).Round(time.Second), cfg.tolerance)
	}
	// The signature's form is checked before the body is read: a delivery
	// that cannot be authentic costs no parse.
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil || len(got) != sha256.Size {
		return Event{}, nil, fmt.Errorf("%w: the signature header is not a hex SHA-256", ErrBadSignature)
	}
	v, err := parse(body)
	if err != nil {
		return Event{}, nil, err
	}
	escaped := canonicalOf(&v, true)
	// No early exit: both forms are always computed.
	match := hmac.Equal(got, mac(secret, ts, escaped))
	match = hmac.Equal(got, mac(secret, ts, canonicalOf(&v, false))) || match
	if !match {
		return Event{}, nil, ErrBadSignature
	}
	return eventOf(&v, body), escaped, nil
}

// parseTimestamp reads the timestamp header: decimal digits, Unix seconds.
func parseTimestamp(ts string) (time.Time, error) {
	// The value is not echoed: a misconfigured sender could put anything there.
	if len(ts) > 18 || strings.TrimLeft(ts, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("%w: not a Unix time in seconds (%d bytes)", ErrBadTimestamp, len(ts))
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil { // cannot happen: at most 18 digits
		return time.Time{}, fmt.Errorf("%w: not a Unix time in seconds", ErrBadTimestamp)
	}
	return time.Unix(n, 0), nil
}

func canonicalOf(v *value, ascii bool) []byte {
	var buf bytes.Buffer
	writeValue(&buf, v, ascii)
	return buf.Bytes()
}

// mac is the (binary) HMAC-SHA256 of "{ts}.{canonical}".
func mac(secret, ts string, canonical []byte) []byte {
	h := hmac.New(sha256.New, []byte(secret))
	h.Write([]byte(ts))
	h.Write([]byte{'.'})
	h.Write(canonical)
	return h.Sum(nil)
}

// Sign returns the headers of a delivery of body signed at ts as the
// service's Python reference signs it: the HMAC-SHA256 of
// "{unix seconds}.{canonical}", canonical being Canonical(body, true), in
// lowercase hex. The browserusetest fake signs its deliveries with it. It
// fails with ErrNoSecret, or ErrBadJSON when body is not JSON.
func Sign(secret string, ts time.Time, body []byte) (http.Header, error) {
	if secret == "" {
		return nil, ErrNoSecret
	}
	canon, err := Canonical(body, true)
	if err != nil {
		return nil, err
	}
	stamp := strconv.FormatInt(ts.Unix(), 10)
	h := http.Header{}
	h.Set(HeaderTimestamp, stamp)
	h.Set(HeaderSignature, hex.EncodeToString(mac(secret, stamp, canon)))
	return h, nil
}

// eventOf reads the event's fields from the parsed body.
func eventOf(v *value, body []byte) Event {
	e := Event{Raw: body}
	if v.kind != kObject {
		return e
	}
	e.Type = stringField(v, "type")
	if ts := field(v, "timestamp"); ts != nil {
		e.Timestamp = timeOf(ts)
	}
	p := field(v, "payload")
	if p == nil || p.kind != kObject {
		return e
	}
	e.Payload.TaskID = stringField(p, "task_id")
	e.Payload.SessionID = stringField(p, "session_id")
	e.Payload.Status = stringField(p, "status")
	if m := field(p, "metadata"); m != nil && m.kind == kObject {
		e.Payload.Metadata, _ = toAny(m).(map[string]any)
	}
	return e
}

// field finds a key in a parsed object (its members are sorted and unique).
func field(v *value, key string) *value {
	want := []rune(key)
	for i := range v.obj {
		if slices.Equal(v.obj[i].key, want) {
			return &v.obj[i].val
		}
	}
	return nil
}

func stringField(v *value, key string) string {
	if f := field(v, key); f != nil && f.kind == kString {
		return string(f.s) // a lone surrogate becomes U+FFFD
	}
	return ""
}

// Layouts of the event's timestamp: RFC 3339 (any fraction, Z or an
// offset, as Python's isoformat writes with a zone), and naive.
var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"}

func timeOf(v *value) time.Time {
	switch v.kind {
	case kString:
		s := string(v.s)
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, s); err == nil {
				return t
			}
		}
	case kInt, kFloat:
		f := v.f
		if v.kind == kInt {
			f, _ = strconv.ParseFloat(string(v.num), 64)
		}
		if math.IsNaN(f) || math.Abs(f) > 1e15 {
			return time.Time{}
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC()
	}
	return time.Time{}
}

// toAny converts a parsed value as encoding/json decodes into any.
func toAny(v *value) any {
	switch v.kind {
	case kTrue:
		return true
	case kFalse:
		return false
	case kInt:
		f, _ := strconv.ParseFloat(string(v.num), 64)
		return f
	case kFloat:
		return v.f
	case kString:
		return string(v.s)
	case kArray:
		out := make([]any, len(v.arr))
		for i := range v.arr {
			out[i] = toAny(&v.arr[i])
		}
		return out
	case kObject:
		out := make(map[string]any, len(v.obj))
		for i := range v.obj {
			out[string(v.obj[i].key)] = toAny(&v.obj[i].val)
		}
		return out
	}
	return nil
}
