package browserusego_test

// The spec-conformance suite: for every operation of openapi.yaml and every
// status it documents, a case drives the browseruse client against the
// fake server (or, opted in, the live API) under Strict response
// validation, and checks the typed result or error.
//
// Live mode: BROWSER_USE_LIVE=1 and BROWSER_USE_API_KEY set run the safe
// subset against the real API, creating at most one session, which is
// stopped and deleted in cleanup.

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

const missingID = "00000000-0000-4000-8000-000000000000"

// fastPolls makes waits poll the fake every few milliseconds.
var fastPolls = browseruse.PollInterval(time.Millisecond, 5*time.Millisecond)

// env is what a case runs against.
type env struct {
	t      *testing.T
	ctx    context.Context
	client *browseruse.Client
	fake   *browserusetest.Server // nil against the live API
	live   *liveSession
}

// session returns the id of an active session: a new one on the fake, the
// one shared session when live.
func (e *env) session() string {
	e.t.Helper()
	if e.live != nil {
		return e.live.get(e.t)
	}
	s, err := e.client.CreateSession(e.ctx, browseruse.CreateSessionParams{})
	require.NoError(e.t, err)
	return s.ID
}

// reject422 makes the fake answer the operation's next call with a
// conformant 422, as the service does for input it cannot parse. The client
// itself never sends such input: it validates first.
func (e *env) reject422(op string) {
	body := `{"detail":[{"loc":["path","session_id"],"msg":"Input should be a valid UUID","type":"uuid_parsing"}]}`
	switch op {
	case browserusetest.OpCreateSession, browserusetest.OpStopSession, browserusetest.OpCreateTask, browserusetest.OpCreateBrowser, browserusetest.OpStopBrowser:
		body = `{"loc":["body"],"msg":"Input should be a valid dictionary","type":"model_attributes_type"}`
	}
	e.fake.Inject(op, 1, browserusetest.Fault{Status: 422, Header: http.Header{"Content-Type": {"application/json"}}, Body: body})
}

type conformanceCase struct {
	op     string
	status int
	live   bool                    // safe to run against the live API
	opts   []browserusetest.Option // fake setup
	run    func(e *env)            // drives the client and asserts
}

func conformanceCases() []conformanceCase {
	ok := func(t *testing.T, err error) { t.Helper(); require.NoError(t, err) }
	is := func(t *testing.T, err, want error) {
		t.Helper()
		require.ErrorIs(t, err, want)
		require.NotErrorIs(t, err, browseruse.ErrInvalidResponse, "the error body conforms to openapi.yaml")
	}
	cases := append(fileConformanceCases(), browserConformanceCases()...) // files_, browsers_conformance_test.go
	return append(cases, []conformanceCase{
		{op: "listSessions", status: 200, live: true, run: func(e *env) {
			e.session()
			page, err := e.client.ListSessions(e.ctx, browseruse.ListSessionsParams{PageSize: browseruse.Ptr(5), Status: browseruse.StatusActive})
			ok(e.t, err)
			require.GreaterOrEqual(e.t, page.TotalItems, 1)
			require.Equal(e.t, 5, page.PageSize)
		}},
		{op: "listSessions", status: 422, run: func(e *env) {
			e.reject422("listSessions")
			_, err := e.client.ListSessions(e.ctx, browseruse.ListSessionsParams{})
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "createSession", status: 201, live: true, run: func(e *env) {
			id := e.session()
			require.True(e.t, specval.IsUUID(id))
		}},
		{op: "createSession", status: 402, opts: []browserusetest.Option{browserusetest.WithInsufficientCredits()}, run: func(e *env) {
			_, err := e.client.CreateSession(e.ctx, browseruse.CreateSessionParams{})
			is(e.t, err, browseruse.ErrInsufficientCredits)
		}},
		{op: "createSession", status: 404, run: func(e *env) {
			_, err := e.client.CreateSession(e.ctx, browseruse.CreateSessionParams{ProfileID: missingID})
			is(e.t, err, browseruse.ErrProfileNotFound)
		}},
		{op: "createSession", status: 422, run: func(e *env) {
			e.reject422("createSession")
			_, err := e.client.CreateSession(e.ctx, browseruse.CreateSessionParams{})
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "createSession", status: 429, opts: []browserusetest.Option{browserusetest.WithMaxActiveSessions(1)}, run: func(e *env) {
			e.session()
			_, err := e.client.CreateSession(e.ctx, browseruse.CreateSessionParams{})
			is(e.t, err, browseruse.ErrTooManyConcurrentSessions)
		}},
		{op: "getSession", status: 200, live: true, run: func(e *env) {
			id := e.session()
			s, err := e.client.GetSession(e.ctx, id)
			ok(e.t, err)
			require.Equal(e.t, id, s.ID)
			require.NotNil(e.t, s.Tasks)
		}},
		{op: "getSession", status: 404, live: true, run: func(e *env) {
			_, err := e.client.GetSession(e.ctx, missingID)
			is(e.t, err, browseruse.ErrSessionNotFound)
		}},
		{op: "getSession", status: 422, run: func(e *env) {
			e.reject422("getSession")
			_, err := e.client.GetSession(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "getPublicShare", status: 404, live: true, run: func(e *env) {
			_, err := e.client.GetPublicShare(e.ctx, e.session())
			is(e.t, err, browseruse.ErrShareNotFound)
		}},
		{op: "createPublicShare", status: 201, live: true, run: func(e *env) {
			id := e.session()
			share, err := e.client.CreatePublicShare(e.ctx, id)
			ok(e.t, err)
			again, err := e.client.CreatePublicShare(e.ctx, id)
			ok(e.t, err)
			require.Equal(e.t, share.ShareToken, again.ShareToken)
		}},
		{op: "getPublicShare", status: 200, live: true, run: func(e *env) {
			id := e.session()
			_, err := e.client.CreatePublicShare(e.ctx, id)
			ok(e.t, err)
			share, err := e.client.GetPublicShare(e.ctx, id)
			ok(e.t, err)
			require.NotEmpty(e.t, share.ShareURL)
		}},
		{op: "getPublicShare", status: 422, run: func(e *env) {
			e.reject422("getPublicShare")
			_, err := e.client.GetPublicShare(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "deletePublicShare", status: 204, live: true, run: func(e *env) {
			id := e.session()
			_, err := e.client.CreatePublicShare(e.ctx, id)
			ok(e.t, err)
			ok(e.t, e.client.DeletePublicShare(e.ctx, id))
			_, err = e.client.GetPublicShare(e.ctx, id)
			is(e.t, err, browseruse.ErrShareNotFound)
		}},
		{op: "createPublicShare", status: 404, live: true, run: func(e *env) {
			_, err := e.client.CreatePublicShare(e.ctx, missingID)
			is(e.t, err, browseruse.ErrSessionNotFound)
		}},
		{op: "createPublicShare", status: 422, run: func(e *env) {
			e.reject422("createPublicShare")
			_, err := e.client.CreatePublicShare(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "deletePublicShare", status: 404, live: true, run: func(e *env) {
			is(e.t, e.client.DeletePublicShare(e.ctx, missingID), browseruse.ErrSessionNotFound)
		}},
		{op: "deletePublicShare", status: 422, run: func(e *env) {
			e.reject422("deletePublicShare")
			is(e.t, e.client.DeletePublicShare(e.ctx, missingID), browseruse.ErrRejected)
		}},
		{op: "updateSession", status: 200, live: true, run: func(e *env) {
			id := e.session()
			s, err := e.client.StopSession(e.ctx, id)
			ok(e.t, err)
			require.Equal(e.t, browseruse.StatusStopped, s.Status)
			require.NotNil(e.t, s.FinishedAt)
		}},
		{op: "updateSession", status: 404, live: true, run: func(e *env) {
			_, err := e.client.StopSession(e.ctx, missingID)
			is(e.t, err, browseruse.ErrSessionNotFound)
		}},
		{op: "updateSession", status: 422, run: func(e *env) {
			e.reject422("updateSession")
			_, err := e.client.StopSession(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "purgeSession", status: 204, opts: []browserusetest.Option{browserusetest.WithZeroDataRetention()}, run: func(e *env) {
			ok(e.t, e.client.PurgeSession(e.ctx, e.session()))
		}},
		{op: "purgeSession", status: 403, run: func(e *env) {
			is(e.t, e.client.PurgeSession(e.ctx, e.session()), browseruse.ErrPurgeNotAllowed)
		}},
		{op: "purgeSession", status: 404, opts: []browserusetest.Option{browserusetest.WithZeroDataRetention()}, run: func(e *env) {
			is(e.t, e.client.PurgeSession(e.ctx, missingID), browseruse.ErrSessionNotFound)
		}},
		{op: "purgeSession", status: 422, run: func(e *env) {
			e.reject422("purgeSession")
			is(e.t, e.client.PurgeSession(e.ctx, missingID), browseruse.ErrRejected)
		}},
		{op: "deleteSession", status: 404, live: true, run: func(e *env) {
			is(e.t, e.client.DeleteSession(e.ctx, missingID), browseruse.ErrSessionNotFound)
		}},
		{op: "deleteSession", status: 422, run: func(e *env) {
			e.reject422("deleteSession")
			is(e.t, e.client.DeleteSession(e.ctx, missingID), browseruse.ErrRejected)
		}},
		{op: "createTask", status: 202, run: func(e *env) {
			created, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "find the price", SessionID: e.session()})
			ok(e.t, err)
			require.True(e.t, specval.IsUUID(created.ID))
		}},
		{op: "createTask", status: 400, run: func(e *env) {
			id := e.session()
			_, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "first", SessionID: id})
			ok(e.t, err)
			_, err = e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "second", SessionID: id})
			is(e.t, err, browseruse.ErrSessionBusy)
			_, err = e.client.StopSession(e.ctx, id)
			ok(e.t, err)
			_, err = e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "third", SessionID: id})
			is(e.t, err, browseruse.ErrSessionStopped)
		}},
		{op: "createTask", status: 404, run: func(e *env) {
			_, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t", SessionID: missingID})
			is(e.t, err, browseruse.ErrSessionNotFound)
		}},
		{op: "createTask", status: 422, run: func(e *env) {
			e.reject422("createTask")
			_, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t"})
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "createTask", status: 429, opts: []browserusetest.Option{browserusetest.WithMaxActiveSessions(1)}, run: func(e *env) {
			e.session()
			_, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t"}) // would start a session
			is(e.t, err, browseruse.ErrTooManyConcurrentSessions)
		}},
		{op: "getTask", status: 200, run: func(e *env) {
			task, err := e.client.RunTask(e.ctx, browseruse.CreateTaskParams{Task: "find the price", SessionID: e.session()}, fastPolls)
			ok(e.t, err)
			got, err := e.client.GetTask(e.ctx, task.ID)
			ok(e.t, err)
			require.Equal(e.t, browseruse.TaskFinished, got.Status)
			require.NotEmpty(e.t, got.Steps)
		}},
		{op: "getTask", status: 404, live: true, run: func(e *env) {
			_, err := e.client.GetTask(e.ctx, missingID)
			is(e.t, err, browseruse.ErrTaskNotFound)
		}},
		{op: "getTask", status: 422, run: func(e *env) {
			e.reject422("getTask")
			_, err := e.client.GetTask(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "getTaskStatus", status: 200, run: func(e *env) {
			created, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t", SessionID: e.session()})
			ok(e.t, err)
			st, err := e.client.GetTaskStatus(e.ctx, created.ID)
			ok(e.t, err)
			require.Equal(e.t, created.ID, st.ID)
		}},
		{op: "getTaskStatus", status: 404, live: true, run: func(e *env) {
			_, err := e.client.GetTaskStatus(e.ctx, missingID)
			is(e.t, err, browseruse.ErrTaskNotFound)
		}},
		{op: "getTaskStatus", status: 422, run: func(e *env) {
			e.reject422("getTaskStatus")
			_, err := e.client.GetTaskStatus(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "listTasks", status: 200, live: true, run: func(e *env) {
			if e.fake != nil {
				_, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t", SessionID: e.session()})
				ok(e.t, err)
			}
			page, err := e.client.ListTasks(e.ctx, browseruse.ListTasksParams{PageSize: browseruse.Ptr(5)})
			ok(e.t, err)
			require.Equal(e.t, 5, page.PageSize)
		}},
		{op: "listTasks", status: 422, run: func(e *env) {
			e.reject422("listTasks")
			_, err := e.client.ListTasks(e.ctx, browseruse.ListTasksParams{})
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "updateTask", status: 200, run: func(e *env) {
			id := e.session()
			created, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t", SessionID: id})
			ok(e.t, err)
			task, err := e.client.StopTask(e.ctx, created.ID)
			ok(e.t, err)
			require.Equal(e.t, browseruse.TaskStopped, task.Status)
			created, err = e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t", SessionID: id})
			ok(e.t, err) // the session stays up after StopTask
			_, err = e.client.StopTaskAndSession(e.ctx, created.ID)
			ok(e.t, err)
			s, err := e.client.GetSession(e.ctx, id)
			ok(e.t, err)
			require.Equal(e.t, browseruse.StatusStopped, s.Status)
		}},
		{op: "updateTask", status: 404, live: true, run: func(e *env) {
			_, err := e.client.StopTask(e.ctx, missingID)
			is(e.t, err, browseruse.ErrTaskNotFound)
		}},
		{op: "updateTask", status: 422, run: func(e *env) {
			e.reject422("updateTask")
			_, err := e.client.StopTask(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "getTaskLogs", status: 200, run: func(e *env) {
			created, err := e.client.CreateTask(e.ctx, browseruse.CreateTaskParams{Task: "t", SessionID: e.session()})
			ok(e.t, err)
			url, err := e.client.TaskLogsURL(e.ctx, created.ID)
			ok(e.t, err)
			require.True(e.t, strings.HasPrefix(url, "https://"), url)
		}},
		{op: "getTaskLogs", status: 404, live: true, run: func(e *env) {
			_, err := e.client.TaskLogsURL(e.ctx, missingID)
			is(e.t, err, browseruse.ErrTaskNotFound)
		}},
		{op: "getTaskLogs", status: 422, run: func(e *env) {
			e.reject422("getTaskLogs")
			_, err := e.client.TaskLogsURL(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "getTaskLogs", status: 500, run: func(e *env) {
			e.fake.Inject(browserusetest.OpTaskLogsURL, 1, browserusetest.Fault{Status: 500,
				Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"detail":"Failed to generate download URL"}`})
			_, err := e.client.TaskLogsURL(e.ctx, missingID)
			is(e.t, err, browseruse.ErrServer)
		}},
		{op: "listProfiles", status: 200, live: true, run: func(e *env) {
			if e.fake != nil {
				for _, name := range []string{"alice", "bob", "alice at work"} {
					_, err := e.client.CreateProfile(e.ctx, browseruse.CreateProfileParams{Name: name})
					ok(e.t, err)
				}
			}
			page, err := e.client.ListProfiles(e.ctx, browseruse.ListProfilesParams{PageSize: browseruse.Ptr(2)})
			ok(e.t, err)
			require.Equal(e.t, 2, page.PageSize)
			if e.fake != nil {
				require.Equal(e.t, 3, page.TotalItems)
				require.Len(e.t, page.Items, 2)
				found, err := e.client.ListProfiles(e.ctx, browseruse.ListProfilesParams{Query: "alice"})
				ok(e.t, err)
				require.Equal(e.t, 2, found.TotalItems)
			}
		}},
		{op: "listProfiles", status: 422, run: func(e *env) {
			e.reject422("listProfiles")
			_, err := e.client.ListProfiles(e.ctx, browseruse.ListProfilesParams{})
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "createProfile", status: 201, run: func(e *env) {
			p, err := e.client.CreateProfile(e.ctx, browseruse.CreateProfileParams{Name: "alice", UserID: "user-1"})
			ok(e.t, err)
			require.True(e.t, specval.IsUUID(p.ID))
			require.Equal(e.t, "alice", browseruse.Deref(p.Name))
			require.Equal(e.t, "user-1", browseruse.Deref(p.UserID))
			require.Nil(e.t, p.LastUsedAt, "no session has used it")
		}},
		{op: "createProfile", status: 402, opts: []browserusetest.Option{browserusetest.WithMaxProfiles(1), browserusetest.WithProfiles(missingID)}, run: func(e *env) {
			_, err := e.client.CreateProfile(e.ctx, browseruse.CreateProfileParams{})
			is(e.t, err, browseruse.ErrProfileLimitReached)
			require.NotErrorIs(e.t, err, browseruse.ErrInsufficientCredits, "the plan's profile limit, not the credits")
		}},
		{op: "createProfile", status: 422, run: func(e *env) {
			e.reject422("createProfile")
			_, err := e.client.CreateProfile(e.ctx, browseruse.CreateProfileParams{})
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "getProfile", status: 200, run: func(e *env) {
			created, err := e.client.CreateProfile(e.ctx, browseruse.CreateProfileParams{Name: "alice"})
			ok(e.t, err)
			p, err := e.client.GetProfile(e.ctx, created.ID)
			ok(e.t, err)
			require.Equal(e.t, created.ID, p.ID)
			require.Equal(e.t, "alice", browseruse.Deref(p.Name))
		}},
		{op: "getProfile", status: 404, live: true, run: func(e *env) {
			_, err := e.client.GetProfile(e.ctx, missingID)
			is(e.t, err, browseruse.ErrProfileNotFound)
		}},
		{op: "getProfile", status: 422, run: func(e *env) {
			e.reject422("getProfile")
			_, err := e.client.GetProfile(e.ctx, missingID)
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "updateProfile", status: 200, run: func(e *env) {
			created, err := e.client.CreateProfile(e.ctx, browseruse.CreateProfileParams{Name: "alice", UserID: "user-1"})
			ok(e.t, err)
			p, err := e.client.UpdateProfile(e.ctx, created.ID, browseruse.UpdateProfileParams{Name: browseruse.Ptr("alice b.")})
			ok(e.t, err)
			require.Equal(e.t, "alice b.", browseruse.Deref(p.Name))
			require.Equal(e.t, "user-1", browseruse.Deref(p.UserID), "a field not sent stays")
		}},
		{op: "updateProfile", status: 404, live: true, run: func(e *env) {
			_, err := e.client.UpdateProfile(e.ctx, missingID, browseruse.UpdateProfileParams{Name: browseruse.Ptr("x")})
			is(e.t, err, browseruse.ErrProfileNotFound)
		}},
		{op: "updateProfile", status: 422, run: func(e *env) {
			e.reject422("updateProfile")
			_, err := e.client.UpdateProfile(e.ctx, missingID, browseruse.UpdateProfileParams{})
			is(e.t, err, browseruse.ErrRejected)
		}},
		{op: "deleteProfile", status: 204, run: func(e *env) {
			created, err := e.client.CreateProfile(e.ctx, browseruse.CreateProfileParams{})
			ok(e.t, err)
			ok(e.t, e.client.DeleteProfile(e.ctx, created.ID))
			_, err = e.client.GetProfile(e.ctx, created.ID)
			is(e.t, err, browseruse.ErrProfileNotFound)
		}},
		{op: "deleteProfile", status: 422, run: func(e *env) {
			e.reject422("deleteProfile")
			is(e.t, e.client.DeleteProfile(e.ctx, missingID), browseruse.ErrRejected)
		}},
		{op: "getAccount", status: 200, live: true, run: func(e *env) {
			a, err := e.client.Account(e.ctx)
			ok(e.t, err)
			require.True(e.t, specval.IsUUID(a.ProjectID))
			require.NotEmpty(e.t, a.PlanInfo.PlanName)
			require.InDelta(e.t, a.MonthlyCreditsBalanceUSD+a.AdditionalCreditsBalanceUSD, a.TotalCreditsBalanceUSD, 0.01)
		}},
		{op: "getAccount", status: 404, run: func(e *env) {
			e.fake.Inject(browserusetest.OpAccount, 1, browserusetest.Fault{Status: 404,
				Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"detail":"Account not found"}`})
			_, err := e.client.Account(e.ctx)
			var apiErr *browseruse.APIError
			require.ErrorAs(e.t, err, &apiErr)
			require.Equal(e.t, 404, apiErr.StatusCode)
			require.Equal(e.t, "Account not found", apiErr.Detail)
			require.NotErrorIs(e.t, err, browseruse.ErrInvalidResponse, "the error body conforms to openapi.yaml")
		}},
		{op: "getAccount", status: 422, run: func(e *env) {
			e.reject422("getAccount")
			_, err := e.client.Account(e.ctx)
			is(e.t, err, browseruse.ErrRejected)
		}},
		// Last, so that live runs delete the shared session at the end.
		{op: "deleteSession", status: 204, live: true, run: func(e *env) {
			id := e.session()
			ok(e.t, e.client.DeleteSession(e.ctx, id))
			_, err := e.client.GetSession(e.ctx, id)
			is(e.t, err, browseruse.ErrSessionNotFound)
			if e.live != nil {
				e.live.deleted = true
			}
		}},
	}...)
}

func TestConformance(t *testing.T) {
	live := liveClient(t)
	for _, tc := range conformanceCases() {
		t.Run(fmt.Sprintf("%s/%d", tc.op, tc.status), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			e := &env{t: t, ctx: ctx}
			if live != nil {
				if !tc.live {
					t.Skip("needs a fake server setup; not run against the live API")
				}
				e.client, e.live = live.client, live
			} else {
				e.fake = browserusetest.NewServer(tc.opts...)
				defer e.fake.Close()
				c, err := e.fake.Client(browseruse.WithValidation(browseruse.ValidationStrict), browseruse.WithRetry(browseruse.RetryPolicy{}))
				require.NoError(t, err)
				e.client = c
			}
			tc.run(e)
			if e.fake != nil {
				requireStatusSeen(t, e.fake, tc.op, tc.status)
			}
		})
	}
}

// requireStatusSeen checks, from the fake's side, that the case really made
// the operation answer the status it claims to cover.
func requireStatusSeen(t *testing.T, fake *browserusetest.Server, op string, status int) {
	t.Helper()
	require.Positive(t, fake.RequestCount(op), "the case must call %s", op)
	require.Contains(t, fake.Statuses(op), status, "%s never answered %d", op, status)
}

// TestConformanceCoversTheSpec fails when openapi.yaml documents an
// operation or a status that has no case, so the suite grows with the spec.
func TestConformanceCoversTheSpec(t *testing.T) {
	spec, err := specval.Load()
	require.NoError(t, err)
	covered := map[string]bool{}
	for _, tc := range conformanceCases() {
		key := fmt.Sprintf("%s %d", tc.op, tc.status)
		require.False(t, covered[key], "duplicate case %s", key)
		covered[key] = true
	}
	var missing []string
	for _, op := range spec.Operations() {
		for _, status := range op.Statuses() {
			key := fmt.Sprintf("%s %d", op.ID, status)
			if !covered[key] {
				missing = append(missing, key)
			}
			delete(covered, key)
		}
	}
	require.Empty(t, missing, "documented in openapi.yaml but without a conformance case")
	require.Empty(t, covered, "cases for statuses openapi.yaml does not document")
}

// liveSession is the one session a live run creates, on first use.
type liveSession struct {
	client  *browseruse.Client
	once    sync.Once
	id      string
	err     error
	deleted bool
}

func (l *liveSession) get(t *testing.T) string {
	t.Helper()
	l.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		s, err := l.client.CreateSession(ctx, browseruse.CreateSessionParams{KeepAlive: browseruse.Ptr(true)})
		if err == nil {
			l.id = s.ID
		}
		l.err = err
	})
	require.NoError(t, l.err)
	require.False(t, l.deleted, "the live session was already deleted")
	return l.id
}

// liveClient returns nil unless the user opted in to the live API.
func liveClient(t *testing.T) *liveSession {
	if os.Getenv("BROWSER_USE_LIVE") != "1" || strings.TrimSpace(os.Getenv(browseruse.EnvAPIKey)) == "" {
		return nil
	}
	c, err := browseruse.NewClient(browseruse.WithValidation(browseruse.ValidationStrict))
	require.NoError(t, err)
	l := &liveSession{client: c}
	t.Cleanup(func() {
		if l.id == "" || l.deleted {
			return
		}
		ctx := context.Background()
		if err := c.StopOnExit(ctx, l.id); err != nil {
			t.Errorf("stopping live session %s: %v", l.id, err)
		}
		if err := c.DeleteSession(ctx, l.id); err != nil {
			t.Errorf("deleting live session %s: %v", l.id, err)
		}
	})
	return l
}
