package browseruse_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

var allSentinels = []error{
	browseruse.ErrUnauthorized, browseruse.ErrInsufficientCredits, browseruse.ErrSessionNotFound,
	browseruse.ErrProfileNotFound, browseruse.ErrShareNotFound, browseruse.ErrRejected,
	browseruse.ErrTooManyConcurrentSessions, browseruse.ErrRateLimited, browseruse.ErrPurgeNotAllowed,
	browseruse.ErrServer, browseruse.ErrProfileLimitReached,
}

func TestErrorStatusesMatchTheirSentinel(t *testing.T) {
	ctx := context.Background()
	create := func(c *browseruse.Client) error {
		_, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
		return err
	}
	get := func(c *browseruse.Client) error { _, err := c.GetSession(ctx, sessionID); return err }
	shareGet := func(c *browseruse.Client) error { _, err := c.GetPublicShare(ctx, sessionID); return err }
	purge := func(c *browseruse.Client) error { return c.PurgeSession(ctx, sessionID) }
	list := func(c *browseruse.Client) error {
		_, err := c.ListSessions(ctx, browseruse.ListSessionsParams{})
		return err
	}
	createProfile := func(c *browseruse.Client) error {
		_, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{})
		return err
	}
	getProfile := func(c *browseruse.Client) error { _, err := c.GetProfile(ctx, sessionID); return err }

	cases := []struct {
		name   string
		status int
		body   string
		call   func(*browseruse.Client) error
		want   error
	}{
		{"401 bad key", 401, `{"detail":"Invalid API key"}`, get, browseruse.ErrUnauthorized},
		{"403 on get", 403, `{"detail":"Forbidden"}`, get, browseruse.ErrUnauthorized},
		{"402 on create", 402, ``, create, browseruse.ErrInsufficientCredits},
		{"404 profile on create", 404, `{"detail":"Profile not found"}`, create, browseruse.ErrProfileNotFound},
		{"404 session on get", 404, `{"detail":"Session not found"}`, get, browseruse.ErrSessionNotFound},
		{"404 session on share get", 404, `{"detail":"Session not found"}`, shareGet, browseruse.ErrSessionNotFound},
		{"404 share on share get", 404, `{"detail":"Public share not found"}`, shareGet, browseruse.ErrShareNotFound},
		{"404 session on purge", 404, `{"detail":"Session not found"}`, purge, browseruse.ErrSessionNotFound},
		{"422 on create", 422, `{"loc":["body","browserScreenWidth"],"msg":"too small","type":"greater_than_equal"}`, create, browseruse.ErrRejected},
		{"422 on list", 422, `{"detail":[{"loc":["query","pageSize"],"msg":"too big","type":"less_than_equal"}]}`, list, browseruse.ErrRejected},
		{"429 on create", 429, `{"detail":"Too many concurrent active sessions."}`, create, browseruse.ErrTooManyConcurrentSessions},
		{"429 on get", 429, `{"detail":"slow down"}`, get, browseruse.ErrRateLimited},
		{"403 on purge", 403, ``, purge, browseruse.ErrPurgeNotAllowed},
		{"500 on get", 500, `{"detail":"boom"}`, get, browseruse.ErrServer},
		{"402 on create profile", 402, `{"detail":"Subscription required for additional profiles"}`, createProfile, browseruse.ErrProfileLimitReached},
		{"404 on get profile", 404, `{"detail":"Profile not found"}`, getProfile, browseruse.ErrProfileNotFound},
		{"429 on create profile", 429, `{"detail":"slow down"}`, createProfile, browseruse.ErrRateLimited},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t, answer(tc.status, tc.body))
			noRetry := browseruse.WithRetry(browseruse.RetryPolicy{})
			err := tc.call(srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict), noRetry))
			require.ErrorIs(t, err, tc.want)
			for _, other := range allSentinels {
				if other != tc.want && !(tc.want == browseruse.ErrRateLimited && other == browseruse.ErrServer) {
					require.False(t, errors.Is(err, other), "%v must not match %v", err, other)
				}
			}
			var apiErr *browseruse.APIError
			require.ErrorAs(t, err, &apiErr)
			require.Equal(t, tc.status, apiErr.StatusCode)
			require.NotContains(t, err.Error(), "\n")
			require.NotContains(t, fmt.Sprintf("%#v", err), "\n")
		})
	}
}

func TestValidationIssuesAreParsed(t *testing.T) {
	srv := newAPIServer(t, answer(422, `{"detail":[{"loc":["query","pageSize"],"msg":"Input should be less than or equal to 100","type":"less_than_equal"},{"loc":["body",0],"msg":"bad","type":"x"}]}`))
	_, err := srv.client(t).ListSessions(context.Background(), browseruse.ListSessionsParams{})
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, []browseruse.ValidationIssue{
		{Loc: []string{"query", "pageSize"}, Msg: "Input should be less than or equal to 100", Type: "less_than_equal"},
		{Loc: []string{"body", "0"}, Msg: "bad", Type: "x"},
	}, apiErr.Issues)
	require.Contains(t, err.Error(), "query.pageSize: Input should be less than or equal to 100")

	// The single-object 422 of create.
	srv = newAPIServer(t, answer(422, `{"loc":["body","startUrl"],"msg":"bad url","type":"url_parsing"}`))
	_, err = srv.client(t).CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, []browseruse.ValidationIssue{{Loc: []string{"body", "startUrl"}, Msg: "bad url", Type: "url_parsing"}}, apiErr.Issues)

	// FastAPI's list on create and stop conforms too, even under Strict, and every issue is kept.
	srv = newAPIServer(t, answer(422, `{"detail":[{"loc":["body","startUrl"],"msg":"bad url","type":"url_parsing"},{"loc":["body","keepAlive"],"msg":"bad bool","type":"bool_parsing"}]}`))
	strict := srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict))
	for _, call := range []func() error{
		func() error {
			_, err := strict.CreateSession(context.Background(), browseruse.CreateSessionParams{})
			return err
		},
		func() error { _, err := strict.StopSession(context.Background(), sessionID); return err },
	} {
		err = call()
		require.ErrorIs(t, err, browseruse.ErrRejected)
		require.False(t, errors.Is(err, browseruse.ErrInvalidResponse), err.Error())
		require.ErrorAs(t, err, &apiErr)
		require.Len(t, apiErr.Issues, 2)
	}
}

func TestWrongBasePathSaysCheckTheBaseURL(t *testing.T) {
	srv := newAPIServer(t, routes)
	c, err := browseruse.NewClient(browseruse.WithAPIKey(testKey), browseruse.WithBaseURL(srv.URL+"/v2"))
	require.NoError(t, err)
	_, err = c.GetSession(context.Background(), sessionID)
	require.ErrorContains(t, err, "check the base URL")
	require.ErrorContains(t, err, "/api/v2")
	require.False(t, errors.Is(err, browseruse.ErrSessionNotFound), "a wrong path is not a missing session")
	require.False(t, errors.Is(err, browseruse.ErrUnauthorized))
}

func TestAPIErrorCarriesRequestIDAndMasksTheKey(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("X-Request-Id", "req-42")
		writeJSON(w, 401, `{"detail":"key `+testKey+` is not valid"}`)
	})
	_, err := srv.client(t).GetSession(context.Background(), sessionID)
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, "req-42", apiErr.RequestID)
	require.Contains(t, err.Error(), "req-42")
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err), string(apiErr.RawBody), apiErr.Detail} {
		require.NotContains(t, s, testKey)
	}
	require.Contains(t, string(apiErr.RawBody), "[REDACTED]")
}

func TestErrorBodiesAreValidatedToo(t *testing.T) {
	// A documented 404 answered by a proxy's HTML page.
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(404)
		_, _ = w.Write([]byte("<html>nope</html>"))
	})
	_, err := srv.client(t).GetSession(context.Background(), sessionID)
	require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
	require.ErrorIs(t, err, browseruse.ErrSessionNotFound, "the API error stays reachable")
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, 404, apiErr.StatusCode)

	// An undocumented status (502 HTML from a proxy) is an API error, not a schema error.
	srv = newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(502)
		_, _ = w.Write([]byte("<html>\n<h1>502 Bad Gateway</h1>\n</html>"))
	})
	_, err = srv.client(t, browseruse.WithRetry(browseruse.RetryPolicy{})).GetSession(context.Background(), sessionID)
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.False(t, errors.Is(err, browseruse.ErrInvalidResponse))
	require.True(t, strings.HasPrefix(err.Error(), "browseruse: GetSession: 502 Bad Gateway"), err.Error())
}
