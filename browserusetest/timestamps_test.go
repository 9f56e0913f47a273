package browserusetest_test

import (
	"context"
	"encoding/json"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// TestEveryTimestampHasTheFakesForm drives every operation that answers a
// timestamp, and every place the fake makes one (create, AddTask, a task's
// start and end by the clock, stop, share views), and checks each
// timestamp of each answer: UTC with microseconds and the offset Z by
// default, as the service sends (the official Python SDK wants zone-aware
// datetimes); naive with WithNaiveTimestamps. A Strict client reads both.
func TestEveryTimestampHasTheFakesForm(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	for _, tc := range []struct {
		name  string
		opts  []browserusetest.Option
		form  *regexp.Regexp
		start string // the session's startedAt
	}{
		{"default", nil, regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`), "2026-12-01T18:57:22.149271Z"},
		{"naive", []browserusetest.Option{browserusetest.WithNaiveTimestamps()}, regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$`), "2026-12-01T18:57:22.149271"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The clock is in CET, with nanoseconds: the fake sends UTC, in microseconds.
			now := time.Date(2026, 12, 1, 19, 57, 22, 149271999, cet)
			var mu sync.Mutex
			clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
			advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
			opts := append([]browserusetest.Option{browserusetest.WithClock(clock), browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
				return browserusetest.TaskResult{Output: "ok", StartAfter: time.Second, Duration: time.Second}
			})}, tc.opts...)
			srv, c := start(t, opts...)
			var bodies []string
			call := func(method, path, body string) map[string]any {
				t.Helper()
				code, answer := raw(t, srv, method, path, body)
				require.Less(t, code, 300, "%s %s: %s", method, path, answer)
				bodies = append(bodies, answer)
				var v map[string]any
				require.NoError(t, json.Unmarshal([]byte(answer), &v))
				return v
			}

			s := call("POST", "/sessions", `{}`)
			require.Equal(t, tc.start, s["startedAt"], "UTC, microseconds")
			sid := s["id"].(string)
			require.NoError(t, srv.AddTask(sid, browseruse.TaskItem{LLM: "x", Task: "given", Status: browseruse.TaskFinished,
				StartedAt: &browseruse.Time{Time: now.Add(-time.Hour)}, FinishedAt: &browseruse.Time{Time: now.Add(-time.Minute).In(cet)}}))
			call("POST", "/sessions/"+sid+"/public-share", "")
			call("GET", "/sessions/"+sid+"/public-share", "") // lastViewedAt
			task := call("POST", "/tasks", `{"task":"by the clock","sessionId":"`+sid+`"}`)["id"].(string)
			advance(3 * time.Second) // started, then finished by its script
			call("GET", "/tasks/"+task, "")
			call("GET", "/tasks/"+task+"/status", "")
			stopped := call("POST", "/tasks", `{"task":"stopped","sessionId":"`+sid+`"}`)["id"].(string)
			call("PATCH", "/tasks/"+stopped, `{"action":"stop"}`)
			call("PATCH", "/sessions/"+sid, `{"action":"stop"}`)
			call("GET", "/sessions/"+sid, "")
			call("GET", "/sessions", "")
			call("GET", "/tasks", "")

			seen := map[string]int{}
			for _, body := range bodies {
				var v any
				require.NoError(t, json.Unmarshal([]byte(body), &v))
				eachString(v, "", func(key, s string) {
					if apitime.IsDateTime(s) {
						seen[key]++
						require.Regexp(t, tc.form, s, "%s in %s", key, body)
					}
				})
			}
			for _, key := range []string{"startedAt", "finishedAt", "createdAt", "lastViewedAt"} {
				require.NotZero(t, seen[key], "no %s was sent", key)
			}

			// The client reads the form, whichever it is, as the same instant.
			got, err := c.GetSession(context.Background(), sid)
			require.NoError(t, err)
			require.True(t, got.StartedAt.Equal(time.Date(2026, 12, 1, 18, 57, 22, 149271000, time.UTC)), "%v", got.StartedAt)
			require.True(t, got.Tasks[0].FinishedAt.Equal(now.Add(-3*time.Second-time.Minute).Truncate(time.Microsecond)), "%v", got.Tasks[0].FinishedAt)
			require.False(t, got.StartedAt.IsNaive(), "decoding never gives the naive form")
			ended, err := c.GetTask(context.Background(), task)
			require.NoError(t, err)
			require.True(t, ended.FinishedAt.Equal(now.Add(-time.Second).Truncate(time.Microsecond)), "%v", ended.FinishedAt)
		})
	}
}

// eachString calls fn with every string in a decoded JSON value and the
// key of the object member holding it.
func eachString(v any, key string, fn func(key, s string)) {
	switch v := v.(type) {
	case map[string]any:
		for k, inner := range v {
			eachString(inner, k, fn)
		}
	case []any:
		for _, inner := range v {
			eachString(inner, key, fn)
		}
	case string:
		fn(key, v)
	}
}
