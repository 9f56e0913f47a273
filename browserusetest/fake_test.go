package browserusetest_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

const unknownID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"

// start returns a fake and a Strict client for it: every answer the fake
// sends in these tests must conform to openapi.yaml.
func start(t *testing.T, opts ...browserusetest.Option) (*browserusetest.Server, *browseruse.Client) {
	t.Helper()
	srv := browserusetest.NewServer(opts...)
	t.Cleanup(srv.Close)
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict), browseruse.WithRetry(fast()))
	require.NoError(t, err)
	return srv, c
}

func fast() browseruse.RetryPolicy {
	p := browseruse.DefaultRetryPolicy()
	p.BaseDelay, p.MaxDelay = time.Millisecond, 2*time.Millisecond
	return p
}

// raw sends a request the client would refuse to send.
func raw(t *testing.T, srv *browserusetest.Server, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Browser-Use-API-Key", srv.APIKey())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(data)
}

func TestServerLooksLikeHTTPTest(t *testing.T) {
	srv, _ := start(t)
	require.True(t, strings.HasPrefix(srv.URL, "http://127.0.0.1:"), srv.URL)
	require.True(t, strings.HasSuffix(srv.URL, "/api/v2"))
	require.NotEmpty(t, srv.APIKey())
	require.NotContains(t, fmt.Sprintf("%v %+v %#v", srv, srv, srv.Fake), srv.APIKey())
}

func TestCreateAppliesServerDefaults(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	before := time.Now().Add(-time.Second)
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	require.Equal(t, browseruse.StatusActive, s.Status)
	require.True(t, s.PersistMemory)
	require.True(t, s.KeepAlive)
	require.True(t, s.StartedAt.After(before))
	require.NotNil(t, s.LiveURL)
	require.Contains(t, *s.LiveURL, s.ID)
	require.Nil(t, s.FinishedAt)

	s, err = c.CreateSession(ctx, browseruse.CreateSessionParams{PersistMemory: browseruse.Ptr(false), KeepAlive: browseruse.Ptr(false)})
	require.NoError(t, err)
	require.False(t, s.PersistMemory)
	require.False(t, s.KeepAlive)
}

func TestListPagesNewestFirstAndFilters(t *testing.T) {
	srv, c := start(t)
	ctx := context.Background()
	var ids []string
	for range 7 {
		s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.NoError(t, err)
		ids = append(ids, s.ID)
	}
	_, err := c.StopSession(ctx, ids[0])
	require.NoError(t, err)

	page, err := c.ListSessions(ctx, browseruse.ListSessionsParams{PageSize: browseruse.Ptr(3), PageNumber: browseruse.Ptr(2)})
	require.NoError(t, err)
	require.Equal(t, 7, page.TotalItems)
	require.Equal(t, 2, page.PageNumber)
	require.Equal(t, 3, page.PageSize)
	require.Equal(t, []string{ids[3], ids[2], ids[1]}, itemIDs(page.Items))

	page, err = c.ListSessions(ctx, browseruse.ListSessionsParams{})
	require.NoError(t, err)
	require.Equal(t, 10, page.PageSize, "server default page size")
	require.Len(t, page.Items, 7)
	require.Equal(t, ids[6], page.Items[0].ID)

	page, err = c.ListSessions(ctx, browseruse.ListSessionsParams{Status: browseruse.StatusStopped})
	require.NoError(t, err)
	require.Equal(t, 1, page.TotalItems)
	require.Equal(t, []string{ids[0]}, itemIDs(page.Items))

	page, err = c.ListSessions(ctx, browseruse.ListSessionsParams{PageNumber: browseruse.Ptr(5)})
	require.NoError(t, err)
	require.Empty(t, page.Items)
	require.NotNil(t, page.Items, "an empty page is [], not null")

	var all []string
	for s, err := range c.AllSessions(ctx, browseruse.ListSessionsParams{PageSize: browseruse.Ptr(2)}) {
		require.NoError(t, err)
		all = append(all, s.ID)
	}
	require.Len(t, all, 7)
	require.Equal(t, 4+4, srv.RequestCount(browserusetest.OpListSessions), "4 lists above, then 7 sessions in pages of 2")
}

func itemIDs(items []browseruse.SessionItem) []string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = s.ID
	}
	return out
}

func TestSessionLifecycle(t *testing.T) {
	srv, c := start(t)
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{EnableRecording: browseruse.Ptr(true)})
	require.NoError(t, err)
	require.NoError(t, srv.AddTask(s.ID, browseruse.TaskItem{LLM: "browser-use-llm", Task: "t1", Status: browseruse.TaskStarted}))

	got, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.Len(t, got.Tasks, 1)
	require.Equal(t, s.ID, got.Tasks[0].SessionID)

	stopped, err := c.StopSession(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.StatusStopped, stopped.Status)
	require.NotNil(t, stopped.FinishedAt)
	finished := *stopped.FinishedAt
	require.Equal(t, browseruse.TaskStopped, stopped.Tasks[0].Status, "stop ends running tasks")
	require.Contains(t, browseruse.Deref(stopped.RecordingURL), s.ID)

	again, err := c.StopSession(ctx, s.ID)
	require.NoError(t, err, "stopping twice is harmless")
	require.Equal(t, finished, browseruse.Deref(again.FinishedAt))

	require.NoError(t, c.DeleteSession(ctx, s.ID))
	_, err = c.GetSession(ctx, s.ID)
	require.ErrorIs(t, err, browseruse.ErrSessionNotFound)
	require.ErrorIs(t, c.DeleteSession(ctx, s.ID), browseruse.ErrSessionNotFound)
	require.Equal(t, 0, srv.SessionCount(""))
}

func TestPurgeNeedsZeroDataRetention(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	require.ErrorIs(t, c.PurgeSession(ctx, s.ID), browseruse.ErrPurgeNotAllowed)

	srv, c := start(t, browserusetest.WithZeroDataRetention())
	s, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	require.NoError(t, srv.AddTask(s.ID, browseruse.TaskItem{LLM: "x", Task: "my secret prompt", Status: browseruse.TaskFinished}))
	require.NoError(t, c.PurgeSession(ctx, s.ID))
	got, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.NotContains(t, got.Tasks[0].Task, "secret")
	require.ErrorIs(t, c.PurgeSession(ctx, unknownID), browseruse.ErrSessionNotFound)
}

func TestPublicShares(t *testing.T) {
	_, c := start(t)
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)

	_, err = c.GetPublicShare(ctx, s.ID)
	require.ErrorIs(t, err, browseruse.ErrShareNotFound)

	share, err := c.CreatePublicShare(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, 0, share.ViewCount)
	same, err := c.CreatePublicShare(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, share.ShareToken, same.ShareToken, "create returns the existing share")

	for want := 1; want <= 2; want++ {
		got, err := c.GetPublicShare(ctx, s.ID)
		require.NoError(t, err)
		require.Equal(t, want, got.ViewCount)
		require.NotNil(t, got.LastViewedAt)
	}
	view, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.Equal(t, share.ShareURL, browseruse.Deref(view.PublicShareURL))

	require.NoError(t, c.DeletePublicShare(ctx, s.ID))
	_, err = c.GetPublicShare(ctx, s.ID)
	require.ErrorIs(t, err, browseruse.ErrShareNotFound)
	_, err = c.CreatePublicShare(ctx, unknownID)
	require.ErrorIs(t, err, browseruse.ErrSessionNotFound)
}

func TestAuthProfilesCapsAndCredits(t *testing.T) {
	ctx := context.Background()
	srv, _ := start(t)
	bad, err := browseruse.NewClient(browseruse.WithAPIKey("wrong"), browseruse.WithBaseURL(srv.URL))
	require.NoError(t, err)
	_, err = bad.ListSessions(ctx, browseruse.ListSessionsParams{})
	require.ErrorIs(t, err, browseruse.ErrUnauthorized)
	code, _ := raw(t, srv, "GET", "/sessions", "")
	require.Equal(t, 200, code)

	profile := "0b7d4a2e-3f6c-4a8b-9d1e-2c3f4a5b6c7d"
	_, c := start(t, browserusetest.WithProfiles(profile))
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{ProfileID: unknownID})
	require.ErrorIs(t, err, browseruse.ErrProfileNotFound)
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{ProfileID: profile})
	require.NoError(t, err)

	srv, c = start(t, browserusetest.WithMaxActiveSessions(2))
	for range 2 {
		_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.NoError(t, err)
	}
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
	require.ErrorContains(t, err, "not a rate limit")
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Contains(t, apiErr.Detail, "Too many concurrent active sessions")
	require.Equal(t, 2+1, srv.RequestCount(browserusetest.OpCreateSession), "a 429 on create is not retried")

	_, c = start(t, browserusetest.WithInsufficientCredits())
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, browseruse.ErrInsufficientCredits)
}

func TestInvalidRequestsGetFastAPIStyle422(t *testing.T) {
	srv, _ := start(t)
	type issue struct {
		Loc  []any  `json:"loc"`
		Msg  string `json:"msg"`
		Type string `json:"type"`
	}
	// Every problem is listed, as FastAPI does.
	code, body := raw(t, srv, "POST", "/sessions", `{"browserScreenWidth":100,"customProxy":{"port":0}}`)
	require.Equal(t, 422, code)
	conforms(t, "createSession", body)
	var all struct{ Detail []issue }
	require.NoError(t, json.Unmarshal([]byte(body), &all))
	require.ElementsMatch(t, []issue{
		{Loc: []any{"body", "browserScreenWidth"}, Msg: "must be >= 320", Type: "minimum"},
		{Loc: []any{"body", "customProxy", "host"}, Msg: "is required", Type: "missing"},
		{Loc: []any{"body", "customProxy", "port"}, Msg: "must be >= 1", Type: "minimum"},
	}, all.Detail)

	// The bare shape the upstream description declares, on request.
	bare, _ := start(t, browserusetest.WithBareValidationErrors())
	code, body = raw(t, bare, "POST", "/sessions", `{"browserScreenWidth":100}`)
	require.Equal(t, 422, code)
	conforms(t, "createSession", body)
	var one issue
	require.NoError(t, json.Unmarshal([]byte(body), &one))
	require.Equal(t, issue{Loc: []any{"body", "browserScreenWidth"}, Msg: "must be >= 320", Type: "minimum"}, one)

	code, body = raw(t, srv, "POST", "/sessions", `{not json`)
	require.Equal(t, 422, code)
	require.Contains(t, body, "json_invalid")

	// The others answer {"detail": [...]}.
	for path, wantLoc := range map[string][]any{
		"/sessions?pageSize=0":   {"query", "pageSize"},
		"/sessions?pageSize=x":   {"query", "pageSize"},
		"/sessions?filterBy=all": {"query", "filterBy"},
		"/sessions/not-a-uuid":   {"path", "session_id"},
	} {
		code, body = raw(t, srv, "GET", path, "")
		require.Equal(t, 422, code, path)
		op := "listSessions"
		if strings.HasPrefix(path, "/sessions/") {
			op = "getSession"
		}
		conforms(t, op, body)
		var many struct{ Detail []issue }
		require.NoError(t, json.Unmarshal([]byte(body), &many), path)
		require.Len(t, many.Detail, 1, path)
		require.Equal(t, wantLoc, many.Detail[0].Loc, path)
	}
	code, _ = raw(t, srv, "PATCH", "/sessions/"+unknownID, `{"action":"pause"}`)
	require.Equal(t, 422, code)
	code, body = raw(t, srv, "GET", "/nope", "")
	require.Equal(t, 404, code)
	require.JSONEq(t, `{"detail":"Not Found"}`, body)
	for _, wrong := range [][2]string{{"PUT", "/sessions"}, {"POST", "/sessions/" + unknownID}, {"GET", "/sessions/" + unknownID + "/purge"}} {
		code, body = raw(t, srv, wrong[0], wrong[1], "")
		require.Equal(t, 405, code, wrong)
		require.JSONEq(t, `{"detail":"Method Not Allowed"}`, body, wrong)
	}
	require.Equal(t, 0, srv.SessionCount(""))
}

func TestFaultInjection(t *testing.T) {
	ctx := context.Background()
	t.Run("503 burst then success", func(t *testing.T) {
		srv, c := start(t)
		srv.Inject(browserusetest.OpListSessions, 2, browserusetest.Fault{Status: 503})
		_, err := c.ListSessions(ctx, browseruse.ListSessionsParams{})
		require.NoError(t, err)
		require.Equal(t, 3, srv.RequestCount(browserusetest.OpListSessions))
	})
	t.Run("429 with Retry-After", func(t *testing.T) {
		srv, c := start(t)
		srv.Inject(browserusetest.OpGetSession, 1, browserusetest.Fault{Status: 429, Header: http.Header{"Retry-After": {"0"}}})
		_, err := c.GetSession(ctx, unknownID)
		require.ErrorIs(t, err, browseruse.ErrSessionNotFound, "the retry reached the real handler")
		require.Equal(t, 2, srv.RequestCount(browserusetest.OpGetSession))
	})
	t.Run("drop", func(t *testing.T) {
		srv, c := start(t)
		srv.Inject(browserusetest.OpGetSession, 5, browserusetest.Fault{Drop: true})
		_, err := c.GetSession(ctx, unknownID)
		var te *browseruse.TransportError
		require.ErrorAs(t, err, &te)
		require.Equal(t, 3, te.Attempts)
	})
	t.Run("latency", func(t *testing.T) {
		srv, c := start(t)
		srv.SetLatency(30 * time.Millisecond)
		short, cancel := context.WithTimeout(ctx, 5*time.Millisecond)
		defer cancel()
		_, err := c.ListSessions(short, browseruse.ListSessionsParams{})
		require.ErrorIs(t, err, context.DeadlineExceeded)
	})
	t.Run("after applying", func(t *testing.T) {
		srv, c := start(t)
		srv.Inject(browserusetest.OpCreateSession, 1, browserusetest.Fault{Status: 502, AfterApplying: true})
		_, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
		require.Equal(t, 1, srv.SessionCount(browseruse.StatusActive), "the session exists though the answer was lost")
	})
}

func TestRequestLogMasksTheKey(t *testing.T) {
	srv, c := start(t)
	_, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{StartURL: "https://example.com"})
	require.NoError(t, err)
	reqs := srv.Requests()
	require.Len(t, reqs, 1)
	require.Equal(t, browserusetest.Request{
		Operation: browserusetest.OpCreateSession, Method: "POST", Path: "/api/v2/sessions",
		Header: reqs[0].Header, Body: `{"startUrl":"https://example.com"}`,
	}, reqs[0])
	require.Equal(t, "[REDACTED]", reqs[0].Header.Get("X-Browser-Use-API-Key"))
	srv.ResetRequests()
	require.Empty(t, srv.Requests())
}

func TestConcurrentUse(t *testing.T) {
	srv, c := start(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 16 {
		wg.Go(func() {
			for range 4 {
				s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
				if err == nil {
					_, err = c.StopSession(ctx, s.ID)
				}
				if err == nil {
					_, err = c.ListSessions(ctx, browseruse.ListSessionsParams{})
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Equal(t, 64, srv.SessionCount(browseruse.StatusStopped))
}

// conforms checks a 422 body the fake sent against openapi.yaml.
func conforms(t *testing.T, op, body string) {
	t.Helper()
	spec, err := specval.Load()
	require.NoError(t, err)
	schema, documented := spec.Operation(op).Response(422)
	require.True(t, documented, op)
	var value any
	require.NoError(t, json.Unmarshal([]byte(body), &value))
	require.Empty(t, specval.CheckResponse(schema, value), "%s 422 body %s", op, body)
}

// recordingTB is a testing.TB whose failures and cleanups are recorded.
type recordingTB struct {
	testing.TB
	errors   []string
	cleanups []func()
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) cleanup() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestStartFailsATestThatLeavesSessionsActive(t *testing.T) {
	ctx := context.Background()
	tb := &recordingTB{TB: t}
	srv := browserusetest.Start(tb)
	c, err := srv.Client()
	require.NoError(t, err)
	stray, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	stopped, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	_, err = c.StopSession(ctx, stopped.ID)
	require.NoError(t, err)
	tb.cleanup()
	require.Len(t, tb.errors, 1)
	require.Contains(t, tb.errors[0], "left 1 session(s) active")
	require.Contains(t, tb.errors[0], stray.ID)
	require.NotContains(t, tb.errors[0], stopped.ID)
	_, err = c.GetSession(ctx, stray.ID)
	require.Error(t, err, "the server is closed")

	// Every session stopped: no failure. WithoutLeakCheck: no failure either.
	for _, opts := range [][]browserusetest.Option{nil, {browserusetest.WithoutLeakCheck()}} {
		tb := &recordingTB{TB: t}
		srv := browserusetest.Start(tb, opts...)
		c, err := srv.Client()
		require.NoError(t, err)
		s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.NoError(t, err)
		if opts == nil {
			require.NoError(t, c.StopOnExit(ctx, s.ID))
		}
		tb.cleanup()
		require.Empty(t, tb.errors)
	}
}

// TestAnswersLookLikeFastAPIs: null fields are sent as null, timestamps are
// UTC with microseconds and an offset, a task's metadata defaults to {}.
func TestAnswersLookLikeFastAPIs(t *testing.T) {
	srv, _ := start(t)
	code, body := raw(t, srv, "POST", "/sessions", `{}`)
	require.Equal(t, 201, code)
	var created map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &created))
	for _, field := range []string{"finishedAt", "recordingUrl"} {
		v, present := created[field]
		require.True(t, present, "%s is sent", field)
		require.Nil(t, v, "%s is null", field)
	}
	stamp := regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$`)
	require.Regexp(t, stamp, created["startedAt"])

	id := created["id"].(string)
	require.NoError(t, srv.AddTask(id, gen.TaskItemView{LLM: "browser-use-llm", Task: "t", Status: gen.TaskStatusCreated}))
	code, body = raw(t, srv, "GET", "/sessions/"+id, "")
	require.Equal(t, 200, code)
	var got struct {
		PublicShareURL *string          `json:"publicShareUrl"`
		Tasks          []map[string]any `json:"tasks"`
	}
	require.NoError(t, json.Unmarshal([]byte(body), &got))
	require.Contains(t, body, `"publicShareUrl":null`)
	require.Len(t, got.Tasks, 1)
	require.Equal(t, map[string]any{}, got.Tasks[0]["metadata"])
	require.Regexp(t, stamp, got.Tasks[0]["createdAt"])
	for _, field := range []string{"startedAt", "finishedAt", "output", "isSuccess", "cost"} {
		v, present := got.Tasks[0][field]
		require.True(t, present && v == nil, "task %s is sent as null", field)
	}
}

// TestTasksFollowTheirScriptOnTheFakesClock: created, then started, then
// finished, as the clock moves; the session lists them; one runs at a time.
func TestTasksFollowTheirScriptOnTheFakesClock(t *testing.T) {
	now := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	srv, c := start(t, browserusetest.WithClock(clock), browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: "out of " + in.Task, StartAfter: time.Second, Duration: time.Minute, Steps: 2, Cost: "0.25"}
	}))
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t1", SessionID: s.ID})
	require.NoError(t, err)
	status := func() browseruse.TaskStatus {
		st, err := c.GetTaskStatus(ctx, created.ID)
		require.NoError(t, err)
		return st.Status
	}
	require.Equal(t, browseruse.TaskCreated, status())
	_, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t2", SessionID: s.ID})
	require.ErrorIs(t, err, browseruse.ErrSessionBusy, "one task at a time, even before it starts")
	advance(time.Second)
	require.Equal(t, browseruse.TaskStarted, status())
	advance(time.Minute)
	require.Equal(t, browseruse.TaskFinished, status())
	task, err := c.GetTask(ctx, created.ID)
	require.NoError(t, err)
	require.Equal(t, "out of t1", browseruse.Deref(task.Output))
	require.Equal(t, "0.25", browseruse.Deref(task.Cost).String())
	require.Len(t, task.Steps, 2)
	require.Equal(t, now, task.FinishedAt.Time)
	session, err := c.GetSession(ctx, s.ID)
	require.NoError(t, err)
	require.Len(t, session.Tasks, 1)
	require.Equal(t, browseruse.TaskFinished, session.Tasks[0].Status)

	// The next task may run; stopping it with its session ends both.
	second, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t2", SessionID: s.ID})
	require.NoError(t, err)
	stopped, err := c.StopTaskAndSession(ctx, second.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskStopped, stopped.Status)
	require.Equal(t, 0, srv.SessionCount(browseruse.StatusActive))
	_, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t3", SessionID: s.ID})
	require.ErrorIs(t, err, browseruse.ErrSessionStopped)

	// Stopping a session stops its running task.
	s2, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	third, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t4", SessionID: s2.ID})
	require.NoError(t, err)
	_, err = c.StopSession(ctx, s2.ID)
	require.NoError(t, err)
	st, err := c.GetTaskStatus(ctx, third.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.TaskStopped, st.Status)

	// Filters of the list.
	page, err := c.ListTasks(ctx, browseruse.ListTasksParams{SessionID: s.ID})
	require.NoError(t, err)
	require.Equal(t, 2, page.TotalItems)
	require.Equal(t, second.ID, page.Items[0].ID, "newest first")
	page, err = c.ListTasks(ctx, browseruse.ListTasksParams{Status: browseruse.TaskFinished})
	require.NoError(t, err)
	require.Equal(t, 1, page.TotalItems)
	page, err = c.ListTasks(ctx, browseruse.ListTasksParams{After: browseruse.Ptr(now.Add(time.Second))})
	require.NoError(t, err)
	require.Equal(t, 0, page.TotalItems)

	// Deleting a session deletes its tasks.
	require.NoError(t, c.DeleteSession(ctx, s.ID))
	_, err = c.GetTask(ctx, created.ID)
	require.ErrorIs(t, err, browseruse.ErrTaskNotFound)
}

func TestFaultsApplyToTaskOperations(t *testing.T) {
	srv, c := start(t)
	ctx := context.Background()
	srv.Inject(browserusetest.OpCreateTask, 1, browserusetest.Fault{Status: 500, AfterApplying: true})
	_, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
	page, err := c.ListTasks(ctx, browseruse.ListTasksParams{})
	require.NoError(t, err)
	require.Equal(t, 1, page.TotalItems, "the task was created before the answer was lost")
	srv.Inject(browserusetest.OpGetTask, 2, browserusetest.Fault{Status: 503})
	_, err = c.GetTask(ctx, page.Items[0].ID)
	require.NoError(t, err, "retried")
	require.Equal(t, 3, srv.RequestCount(browserusetest.OpGetTask))
}

// TestANilOptionIsNoOption: as with browseruse.NewClient, a nil Option
// (an optional one left unset) is skipped, not a panic.
func TestANilOptionIsNoOption(t *testing.T) {
	srv := browserusetest.NewServer(nil, browserusetest.WithAPIKey("k"), nil)
	defer srv.Close()
	require.Equal(t, "k", srv.APIKey())
}
