package webhook_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

func addVectorSeeds(f *testing.F, add func(body []byte)) {
	data, err := readVectors()
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range data.Vectors {
		add(v.Body)
	}
	for _, fl := range data.Floats[:50] {
		add([]byte(fl[0]))
	}
	for _, s := range []string{`{"a":"\ud800"}`, `"\ud83d\ude00"`, `[1e400,-0,-0.0,NaN]`, `{"a":1,"a":2}`, "\xef\xbb\xbf[]", `{"\u007f":"\u0080"}`} {
		add([]byte(s))
	}
}

// FuzzCanonical: no panic; the output is canonical already (idempotent),
// ASCII when escaped, the two forms agree; and for JSON encoding/json
// reads, Canonical succeeds and means the same value.
func FuzzCanonical(f *testing.F) {
	addVectorSeeds(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, body []byte) {
		ascii, errA := webhook.Canonical(body, true)
		raw, errR := webhook.Canonical(body, false)
		if (errA == nil) != (errR == nil) {
			t.Fatalf("the forms disagree on %q: %v, %v", body, errA, errR)
		}
		if errA != nil {
			if json.Valid(body) && utf8.Valid(body) && !deepOrLong(body) {
				t.Fatalf("valid JSON refused: %q: %v", body, errA)
			}
			return
		}
		for i := 0; i < len(ascii); i++ {
			if ascii[i] < 0x20 || ascii[i] > 0x7e {
				t.Fatalf("escaped form holds byte %#x: %q", ascii[i], ascii)
			}
		}
		if again, err := webhook.Canonical(ascii, true); err != nil || !bytes.Equal(again, ascii) {
			t.Fatalf("not idempotent: %q -> %q (%v)", ascii, again, err)
		}
		if again, err := webhook.Canonical(raw, false); err != nil || !bytes.Equal(again, raw) {
			t.Fatalf("not idempotent unescaped: %q -> %q (%v)", raw, again, err)
		}
		if escaped, err := webhook.Canonical(raw, true); err != nil || !bytes.Equal(escaped, ascii) {
			t.Fatalf("the forms differ: %q escaped is %q, not %q (%v)", raw, escaped, ascii, err)
		}
		var want, got any
		if !utf8.Valid(body) || json.Unmarshal(body, &want) != nil {
			return // not JSON to encoding/json (NaN, 1e400, a raw surrogate...)
		}
		if err := json.Unmarshal(ascii, &got); err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", ascii, body, err)
		}
		if !reflect.DeepEqual(want, got) {
			t.Fatalf("canonical %q of %q reads as %#v, not %#v", ascii, body, got, want)
		}
	})
}

// deepOrLong: JSON Canonical refuses as Python does, past its nesting or
// integer limits.
func deepOrLong(body []byte) bool {
	return bytes.Count(body, []byte("["))+bytes.Count(body, []byte("{")) > 512 || len(body) > 4300
}

// FuzzVerify: no panic on any headers and body; what Sign signs, Verify
// accepts at the signing time, and returns the body as it came.
func FuzzVerify(f *testing.F) {
	addVectorSeeds(f, func(b []byte) { f.Add("whsec_x", "1796169600", "00", b, int64(1796169600)) })
	f.Add("", "", "", []byte(nil), int64(0))
	f.Add("k", "99999999999999999999", strings.Repeat("a", 64), []byte("{}"), int64(-1))
	f.Fuzz(func(t *testing.T, secret, ts, sig string, body []byte, now int64) {
		h := http.Header{}
		h.Set(webhook.HeaderTimestamp, ts)
		h.Set(webhook.HeaderSignature, sig)
		at := time.Unix(now%(1<<40), 0)
		if _, err := webhook.Verify(secret, h, body, at); err == nil && secret == "" {
			t.Fatal("verified without a secret")
		}
		signed, err := webhook.Sign(secret, at, body)
		if err != nil {
			return
		}
		if got := signed.Get(webhook.HeaderTimestamp); got != strconv.FormatInt(at.Unix(), 10) && at.Unix() >= 0 {
			t.Fatalf("timestamp header %q", got)
		}
		if at.Unix() < 0 {
			return // a negative Unix time is not a timestamp header Verify reads
		}
		ev, err := webhook.Verify(secret, signed, body, at)
		if err != nil {
			t.Fatalf("Sign's own signature refused: %v", err)
		}
		if !bytes.Equal(ev.Raw, body) {
			t.Fatal("Raw is not the body")
		}
		if _, err := webhook.Verify(secret+"x", signed, body, at); err == nil {
			t.Fatal("another secret verified")
		}
	})
}
