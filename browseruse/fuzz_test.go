package browseruse

import (
	"net/http"
	"testing"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

var fuzzOps = []opIndex{opGetSession, opCreateSession, opListSessions, opGetPublicShare, opUpdateSession, opGetTask, opGetTaskStatus, opCreateTask, opListTasks}

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
			k := &call{op: c.ops[operation], status: status, header: header, body: body, attempts: 1}
			err := c.checkResponse(k)
			if err != nil {
				if err.Error() == "" {
					t.Fatal("empty error message")
				}
				continue
			}
			if status >= 300 {
				t.Fatalf("%s %d: an error status without an error", mode, status)
			}
			resp := &http.Response{Body: http.NoBody}
			switch operation {
			case opGetSession, opUpdateSession:
				s, err := decodeAnswer[Session](c, k, resp, nil)
				if err == nil && !specval.IsUUID(s.ID) && mode != ValidationOff {
					t.Fatalf("%s %d: no error but id %q", mode, operation, s.ID)
				}
			case opCreateSession:
				_, err = decodeAnswer[SessionItem](c, k, resp, nil)
			case opListSessions:
				_, err = decodeAnswer[SessionPage](c, k, resp, nil)
			case opGetTask:
				var task *Task
				task, err = decodeAnswer[Task](c, k, resp, nil)
				if err == nil && !specval.IsUUID(task.ID) && mode != ValidationOff {
					t.Fatalf("%s: a task without a valid id", mode)
				}
			case opGetTaskStatus:
				_, err = decodeAnswer[TaskStatusView](c, k, resp, nil)
			case opCreateTask:
				_, err = decodeAnswer[CreatedTask](c, k, resp, nil)
			case opListTasks:
				_, err = decodeAnswer[TaskPage](c, k, resp, nil)
			default:
				_, err = decodeAnswer[Share](c, k, resp, nil)
			}
			if err != nil && err.Error() == "" {
				t.Fatal("empty error message")
			}
		}
	})
}
