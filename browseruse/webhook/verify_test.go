package webhook_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

const testSecret = "whsec_s3cr3t-value-never-printed"

var signedAt = time.Date(2026, 12, 2, 0, 0, 0, 0, time.UTC)

const eventBody = `{"type":"agent.task.status_update","timestamp":"2026-12-02T00:00:00.123456Z",` +
	`"payload":{"task_id":"t-1","session_id":"s-1","status":"finished","metadata":{"n":1.5,"k":"v","deep":{"a":[1,true,null]}}}}`

func signed(t *testing.T, secret string, at time.Time, body string) http.Header {
	t.Helper()
	h, err := webhook.Sign(secret, at, []byte(body))
	require.NoError(t, err)
	return h
}

func TestVerifyEvent(t *testing.T) {
	ev, err := webhook.Verify(testSecret, signed(t, testSecret, signedAt, eventBody), []byte(eventBody), signedAt)
	require.NoError(t, err)
	assert.Equal(t, webhook.TypeTaskStatusUpdate, ev.Type)
	assert.Equal(t, time.Date(2026, 12, 2, 0, 0, 0, 123456000, time.UTC), ev.Timestamp.UTC())
	assert.Equal(t, webhook.StatusUpdate{TaskID: "t-1", SessionID: "s-1", Status: "finished",
		Metadata: map[string]any{"n": 1.5, "k": "v", "deep": map[string]any{"a": []any{1.0, true, nil}}}}, ev.Payload)
	assert.Equal(t, json.RawMessage(eventBody), ev.Raw)
	assert.True(t, ev.TaskEnded())
}

func TestVerifyEventTimestamps(t *testing.T) {
	for stamp, want := range map[string]time.Time{
		`"2026-12-02T01:02:03Z"`:             time.Date(2026, 12, 2, 1, 2, 3, 0, time.UTC),
		`"2026-12-02T01:02:03.5+00:00"`:      time.Date(2026, 12, 2, 1, 2, 3, 5e8, time.UTC),
		`"2026-12-02T03:02:03+02:00"`:        time.Date(2026, 12, 2, 1, 2, 3, 0, time.UTC),
		`"2026-12-02T01:02:03.123456"`:       time.Date(2026, 12, 2, 1, 2, 3, 123456000, time.UTC), // naive: UTC
		`"2026-12-02 01:02:03.123456+00:00"`: time.Date(2026, 12, 2, 1, 2, 3, 123456000, time.UTC), // Python's str(datetime)
		`1796173323`:                         time.Date(2026, 12, 2, 1, 2, 3, 0, time.UTC),
		`1796173323.25`:                      time.Date(2026, 12, 2, 1, 2, 3, 25e7, time.UTC),
		`"yesterday"`:                        {},
		`null`:                               {},
		`{}`:                                 {},
		`1e300`:                              {},
	} {
		body := `{"type":"test","timestamp":` + stamp + `}`
		ev, err := webhook.Verify(testSecret, signed(t, testSecret, signedAt, body), []byte(body), signedAt)
		require.NoError(t, err, stamp)
		assert.True(t, want.Equal(ev.Timestamp), "%s: got %v", stamp, ev.Timestamp)
	}
}

// TestVerifyKeepsTheUnknown: a type or status Verify does not know, or a
// field of another JSON type, is no error.
func TestVerifyKeepsTheUnknown(t *testing.T) {
	for body, want := range map[string]webhook.Event{
		`{"type":"agent.task.new_kind","payload":{"status":"paused","task_id":"t"}}`: {Type: "agent.task.new_kind", Payload: webhook.StatusUpdate{TaskID: "t", Status: "paused"}},
		`{"type":"test"}`: {Type: "test"},
		`{"type":7,"payload":{"task_id":["x"],"metadata":1}}`: {},
		`{"payload":"not an object"}`:                         {},
		`[1,2]`:                                               {},
		`"just a string"`:                                     {},
	} {
		ev, err := webhook.Verify(testSecret, signed(t, testSecret, signedAt, body), []byte(body), signedAt)
		require.NoError(t, err, body)
		want.Raw = json.RawMessage(body)
		assert.Equal(t, want, ev, body)
		assert.False(t, ev.TaskEnded(), body)
	}
}

func TestTaskEnded(t *testing.T) {
	for status, ended := range map[string]bool{
		"finished": true, "failed": true, "stopped": true, "idle": true,
		"created": false, "started": false, "running": false, "paused": false, "": false, "Finished": false,
	} {
		ev := webhook.Event{Type: webhook.TypeTaskStatusUpdate, Payload: webhook.StatusUpdate{Status: status}}
		assert.Equal(t, ended, ev.TaskEnded(), status)
		ev.Type = webhook.TypeTest
		assert.False(t, ev.TaskEnded(), "a test event with status %s", status)
	}
}

// TestVerifyRefuses: each failed check has its error.
func TestVerifyRefuses(t *testing.T) {
	good := signed(t, testSecret, signedAt, eventBody)
	with := func(key, value string) http.Header {
		h := good.Clone()
		if value == "" {
			h.Del(key)
		} else {
			h.Set(key, value)
		}
		return h
	}
	upper := strings.ToUpper(good.Get(webhook.HeaderSignature))
	flipped := []byte(good.Get(webhook.HeaderSignature))
	flipped[10] ^= 1
	for _, c := range []struct {
		name   string
		secret string
		header http.Header
		body   string
		want   error
	}{
		{"no secret", "", good, eventBody, webhook.ErrNoSecret},
		{"no timestamp", testSecret, with(webhook.HeaderTimestamp, ""), eventBody, webhook.ErrMissingHeader},
		{"no signature", testSecret, with(webhook.HeaderSignature, ""), eventBody, webhook.ErrMissingHeader},
		{"no headers", testSecret, http.Header{}, eventBody, webhook.ErrMissingHeader},
		{"timestamp not a number", testSecret, with(webhook.HeaderTimestamp, "yesterday"), eventBody, webhook.ErrBadTimestamp},
		{"timestamp in milliseconds as float", testSecret, with(webhook.HeaderTimestamp, "1796169600.5"), eventBody, webhook.ErrBadTimestamp},
		{"negative timestamp", testSecret, with(webhook.HeaderTimestamp, "-1"), eventBody, webhook.ErrBadTimestamp},
		{"timestamp with a sign", testSecret, with(webhook.HeaderTimestamp, "+1796169600"), eventBody, webhook.ErrBadTimestamp},
		{"huge timestamp", testSecret, with(webhook.HeaderTimestamp, strings.Repeat("9", 40)), eventBody, webhook.ErrBadTimestamp},
		{"timestamp re-signed elsewhere", testSecret, with(webhook.HeaderTimestamp, "1796169601"), eventBody, webhook.ErrBadSignature},
		{"wrong secret", "whsec_other", good, eventBody, webhook.ErrBadSignature},
		{"secret with a byte more", testSecret + "x", good, eventBody, webhook.ErrBadSignature},
		{"tampered status", testSecret, good, strings.Replace(eventBody, "finished", "failed", 1), webhook.ErrBadSignature},
		{"tampered metadata number", testSecret, good, strings.Replace(eventBody, "1.5", "1.50001", 1), webhook.ErrBadSignature},
		{"key added", testSecret, good, strings.Replace(eventBody, `"k":"v"`, `"k":"v","x":1`, 1), webhook.ErrBadSignature},
		{"int for float", testSecret, good, strings.Replace(eventBody, "1.5", "15e-1", 1) + "", nil}, // same float: same canonical
		{"signature one bit off", testSecret, with(webhook.HeaderSignature, string(flipped)), eventBody, webhook.ErrBadSignature},
		{"signature truncated", testSecret, with(webhook.HeaderSignature, good.Get(webhook.HeaderSignature)[:62]), eventBody, webhook.ErrBadSignature},
		{"signature not hex", testSecret, with(webhook.HeaderSignature, strings.Repeat("zz", 32)), eventBody, webhook.ErrBadSignature},
		{"signature with a scheme prefix", testSecret, with(webhook.HeaderSignature, "sha256="+good.Get(webhook.HeaderSignature)), eventBody, webhook.ErrBadSignature},
		{"signature in upper case", testSecret, with(webhook.HeaderSignature, upper), eventBody, nil},
		{"body not JSON", testSecret, good, eventBody[:40], webhook.ErrBadJSON},
		{"body empty", testSecret, good, "", webhook.ErrBadJSON},
		// The headers' form is checked before the body is read.
		{"body not JSON, signature not hex", testSecret, with(webhook.HeaderSignature, "00"), eventBody[:40], webhook.ErrBadSignature},
		{"body not JSON, timestamp not a number", testSecret, with(webhook.HeaderTimestamp, "now"), eventBody[:40], webhook.ErrBadTimestamp},
		{"body not JSON, no signature", testSecret, with(webhook.HeaderSignature, ""), eventBody[:40], webhook.ErrMissingHeader},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := webhook.Verify(c.secret, c.header, []byte(c.body), signedAt)
			if c.want == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, c.want)
			for _, other := range []error{webhook.ErrNoSecret, webhook.ErrMissingHeader, webhook.ErrBadTimestamp, webhook.ErrTooOld,
				webhook.ErrTooNew, webhook.ErrBadSignature, webhook.ErrBadJSON, webhook.ErrReplay} {
				if other != c.want {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

// adversarial is a body of n bytes that costs the parser most: an array
// of zeros, "[0,0,...,0]".
func adversarial(n int) []byte {
	b := append([]byte("["), bytes.Repeat([]byte("0,"), (n-3)/2)...)
	return append(b, "0]"...)
}

// TestVerifyMalformedSignatureCostsNoParse: a body of DefaultMaxBodyBytes
// with a signature that cannot be authentic is refused without a parse (a
// parse of it allocates megabytes, in tens of allocations).
func TestVerifyMalformedSignatureCostsNoParse(t *testing.T) {
	body := adversarial(webhook.DefaultMaxBodyBytes)
	h := signedHeader(strconv.FormatInt(signedAt.Unix(), 10), "00")
	allocs := testing.AllocsPerRun(10, func() {
		if _, err := webhook.Verify(testSecret, h, body, signedAt); !errors.Is(err, webhook.ErrBadSignature) {
			t.Fatal(err)
		}
	})
	assert.LessOrEqual(t, allocs, 8.0)
}

// TestVerifyTolerance: the tolerance holds both ways, its bounds included.
func TestVerifyTolerance(t *testing.T) {
	h := signed(t, testSecret, signedAt, eventBody)
	check := func(now time.Time, want error, opts ...webhook.VerifyOption) {
		t.Helper()
		_, err := webhook.Verify(testSecret, h, []byte(eventBody), now, opts...)
		if want == nil {
			assert.NoError(t, err, "now %v", now.Sub(signedAt))
		} else {
			assert.ErrorIs(t, err, want, "now %v", now.Sub(signedAt))
		}
	}
	check(signedAt, nil)
	check(signedAt.Add(webhook.DefaultTolerance), nil)
	check(signedAt.Add(webhook.DefaultTolerance+time.Nanosecond), webhook.ErrTooOld)
	check(signedAt.Add(time.Hour), webhook.ErrTooOld)
	check(signedAt.Add(-webhook.DefaultTolerance), nil)
	check(signedAt.Add(-webhook.DefaultTolerance-time.Nanosecond), webhook.ErrTooNew)
	check(signedAt.Add(-time.Hour), webhook.ErrTooNew)

	tol := webhook.WithTolerance(30 * time.Second)
	check(signedAt.Add(30*time.Second), nil, tol)
	check(signedAt.Add(31*time.Second), webhook.ErrTooOld, tol)
	check(signedAt.Add(-30*time.Second), nil, tol)
	check(signedAt.Add(-31*time.Second), webhook.ErrTooNew, tol)
	check(signedAt.Add(time.Hour), nil, webhook.WithTolerance(2*time.Hour))
	check(signedAt.Add(webhook.DefaultTolerance+time.Second), webhook.ErrTooOld, webhook.WithTolerance(0)) // 0: the default
	check(signedAt.Add(webhook.DefaultTolerance), nil, webhook.WithTolerance(-time.Second))

	// A stale timestamp is refused before the signature is even checked.
	_, err := webhook.Verify("another secret", h, []byte(eventBody), signedAt.Add(time.Hour))
	assert.ErrorIs(t, err, webhook.ErrTooOld)
}

// TestVerifyBothForms: a signature of the unescaped form (JSON.stringify's
// way, the TypeScript sample's) is accepted as well as Python's escaped one.
func TestVerifyBothForms(t *testing.T) {
	body := []byte(`{"payload":{"metadata":{"name":"Zoë 😀"},"status":"finished","task_id":"t"},"type":"agent.task.status_update"}`)
	ascii, err := webhook.Canonical(body, true)
	require.NoError(t, err)
	raw, err := webhook.Canonical(body, false)
	require.NoError(t, err)
	require.NotEqual(t, ascii, raw)
	assert.Contains(t, string(ascii), `Zo\u00eb \ud83d\ude00`)
	assert.Equal(t, string(body), string(raw))
	ts := fmt.Sprint(signedAt.Unix())
	for _, canon := range [][]byte{ascii, raw} {
		_, err := webhook.Verify(testSecret, signedHeader(ts, hmacHex(testSecret, ts+"."+string(canon))), body, signedAt)
		require.NoError(t, err, "%s", canon)
	}
	// Neither form with another secret.
	_, err = webhook.Verify(testSecret, signedHeader(ts, hmacHex("x", ts+"."+string(raw))), body, signedAt)
	assert.ErrorIs(t, err, webhook.ErrBadSignature)
}

func TestSignRefuses(t *testing.T) {
	_, err := webhook.Sign("", signedAt, []byte(eventBody))
	assert.ErrorIs(t, err, webhook.ErrNoSecret)
	_, err = webhook.Sign(testSecret, signedAt, []byte("{"))
	assert.ErrorIs(t, err, webhook.ErrBadJSON)
	assert.NotContains(t, err.Error(), testSecret)
}

// TestSecretNeverInErrors: whatever the input, no error holds the secret,
// not even when the body or the headers hold it (a misconfigured sender):
// errors never echo their input.
func TestSecretNeverInErrors(t *testing.T) {
	good := signed(t, testSecret, signedAt, eventBody)
	for _, body := range []string{eventBody, "{" + testSecret, `{"a":"` + testSecret + `",}`, `"\` + testSecret + `"`, testSecret, ""} {
		for _, h := range []http.Header{
			good, signedHeader(testSecret, testSecret), signedHeader("1", testSecret),
			signedHeader(good.Get(webhook.HeaderTimestamp), testSecret), signedHeader("", testSecret),
		} {
			for _, now := range []time.Time{signedAt, signedAt.Add(time.Hour), signedAt.Add(-time.Hour)} {
				for _, secret := range []string{testSecret, testSecret[:10]} {
					_, err := webhook.Verify(secret, h, []byte(body), now)
					if err != nil {
						assert.NotContains(t, err.Error(), secret[:10])
					}
				}
			}
		}
		if _, err := webhook.Canonical([]byte(body), true); err != nil {
			assert.NotContains(t, err.Error(), testSecret[:10])
		}
	}
}
