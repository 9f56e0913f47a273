package browseruse

import (
	"net/http"
	"testing"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

var fuzzOps = []string{opGetSession, opCreateSession, opListSessions, opGetPublicShare, opUpdateSession}

// FuzzDecodeResponse feeds arbitrary bodies, statuses and content types to
// the response decoder of every operation in every mode: it must never
// panic, and a nil error must mean a usable value (Strict and Compatible
// never hand back a session without a valid id).
func FuzzDecodeResponse(f *testing.F) {
	f.Add([]byte(`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","status":"active","startedAt":"2026-01-02T03:04:05Z","tasks":[]}`), 200, uint8(0), true)
	f.Add([]byte(`{"detail":"Session not found"}`), 404, uint8(0), true)
	f.Add([]byte(`{"detail":[{"loc":["query",1],"msg":"m","type":"t"}]}`), 422, uint8(2), true)
	f.Add([]byte(`{"loc":["body"],"msg":"m","type":"t"}`), 422, uint8(1), true)
	f.Add([]byte(`{"items":[],"totalItems":0,"pageNumber":1,"pageSize":10}`), 200, uint8(2), true)
	f.Add([]byte(`<html>502</html>`), 502, uint8(3), false)
	f.Add([]byte(`{"id":`), 201, uint8(1), true)
	f.Add([]byte(``), 200, uint8(4), true)

	clients := map[ValidationMode]*Client{}
	for _, m := range []ValidationMode{ValidationStrict, ValidationCompatible, ValidationOff} {
		c, err := NewClient(WithAPIKey("fuzz-key"), WithBaseURL("https://example.com/api/v2"), WithValidation(m))
		if err != nil {
			f.Fatal(err)
		}
		clients[m] = c
	}
	f.Fuzz(func(t *testing.T, body []byte, status int, op uint8, jsonType bool) {
		if status < 100 || status > 599 {
			return
		}
		header := http.Header{}
		if jsonType {
			header.Set("Content-Type", "application/json")
		}
		operation := fuzzOps[int(op)%len(fuzzOps)]
		for mode, c := range clients {
			resp := &response{status: status, header: header, body: body, attempts: 1}
			var out any
			switch operation {
			case opGetSession, opUpdateSession:
				var s Session
				err := c.decode(call{op: operation}, resp, &s)
				if err == nil && status < 300 && mode != ValidationOff && !specval.IsUUID(s.Id) {
					t.Fatalf("%s %s: no error but id %q", mode, operation, s.Id)
				}
				continue
			case opCreateSession:
				out = &SessionItem{}
			case opListSessions:
				out = &SessionPage{}
			default:
				out = &Share{}
			}
			err := c.decode(call{op: operation}, resp, out)
			if err != nil && err.Error() == "" {
				t.Fatal("empty error message")
			}
		}
	})
}
