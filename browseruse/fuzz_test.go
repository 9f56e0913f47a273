package browseruse_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// FuzzResponses feeds arbitrary bodies, statuses and content types to
// every operation's Client method, in every validation mode, through the
// whole call path: it must never panic, an error must say something, an
// error status must be an error, and a nil error must mean a usable value
// (Strict and Compatible never hand back a model whose id is not a UUID).
func FuzzResponses(f *testing.F) {
	ops := specOperations(f)
	for i, id := range ops {
		if body, ok := okBodies[id]; ok {
			f.Add([]byte(body), 200, uint8(i), true)
		}
	}
	f.Add([]byte(`{"detail":"Session not found"}`), 404, uint8(0), true)
	f.Add([]byte(`{"detail":[{"loc":["query",1],"msg":"m","type":"t"}]}`), 422, uint8(2), true)
	f.Add([]byte(`{"loc":["body"],"msg":"m","type":"t"}`), 422, uint8(1), true)
	f.Add([]byte(`<html>502</html>`), 502, uint8(3), false)
	f.Add([]byte(`{"id":`), 201, uint8(1), true)
	f.Add([]byte(``), 200, uint8(4), true)
	f.Add([]byte(``), 429, uint8(1), false)

	f.Fuzz(func(t *testing.T, body []byte, status int, op uint8, jsonType bool) {
		if status < 100 || status > 599 || status/100 == 1 || status/100 == 3 {
			return // informational and redirect statuses are net/http's business
		}
		header := http.Header{}
		if jsonType {
			header.Set("Content-Type", "application/json")
		}
		transport := roundTripper(func(r *http.Request) (*http.Response, error) {
			return &http.Response{StatusCode: status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
				ContentLength: int64(len(body)), Request: r}, nil
		})
		id := ops[int(op)%len(ops)]
		for _, mode := range []browseruse.ValidationMode{browseruse.ValidationStrict, browseruse.ValidationCompatible, browseruse.ValidationOff} {
			c, err := browseruse.NewClient(browseruse.WithAPIKey("fuzz-key"), browseruse.WithBaseURL("https://example.com/api/v2"),
				browseruse.WithValidation(mode), browseruse.WithRetry(browseruse.RetryPolicy{}),
				browseruse.WithHTTPClient(&http.Client{Transport: transport}))
			if err != nil {
				t.Fatal(err)
			}
			v, err := everyCall[id](context.Background(), c)
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error message")
				}
				continue
			}
			if status >= 300 {
				t.Fatalf("%s %s %d: an error status without an error", mode, id, status)
			}
			if got, ok := idOf(v); ok && mode != browseruse.ValidationOff && !specval.IsUUID(got) {
				t.Fatalf("%s %s: no error but id %q", mode, id, got)
			}
		}
	})
}
