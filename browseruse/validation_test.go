package browseruse_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

func TestInvalidParametersAreRejectedBeforeSending(t *testing.T) {
	ctx := context.Background()
	srv := newAPIServer(t, routes)
	c := srv.client(t)
	create := func(p browseruse.CreateSessionParams) func() error {
		return func() error { _, err := c.CreateSession(ctx, p); return err }
	}
	list := func(p browseruse.ListSessionsParams) func() error {
		return func() error { _, err := c.ListSessions(ctx, p); return err }
	}
	cases := []struct {
		name, want string
		call       func() error
	}{
		{"screen width 100", "ScreenWidth (browserScreenWidth): must be >= 320", create(browseruse.CreateSessionParams{ScreenWidth: browseruse.Ptr(100)})},
		{"screen height 4000", "ScreenHeight (browserScreenHeight): must be <= 3456", create(browseruse.CreateSessionParams{ScreenHeight: browseruse.Ptr(4000)})},
		{"proxy port 0", "CustomProxy.Port (customProxy.port): must be >= 1", create(browseruse.CreateSessionParams{CustomProxy: &browseruse.CustomProxy{Host: "h", Port: 0}})},
		{"empty proxy host", "CustomProxy.Host (customProxy.host): must be at least 1 characters long", create(browseruse.CreateSessionParams{CustomProxy: &browseruse.CustomProxy{Port: 80}})},
		{"profile not a uuid", "ProfileID (profileId): must be a valid uuid", create(browseruse.CreateSessionParams{ProfileID: "my-profile"})},
		{"page size 0", "PageSize (pageSize): must be >= 1", list(browseruse.ListSessionsParams{PageSize: browseruse.Ptr(0)})},
		{"page size 101", "PageSize (pageSize): must be <= 100", list(browseruse.ListSessionsParams{PageSize: browseruse.Ptr(101)})},
		{"page number 0", "PageNumber (pageNumber): must be >= 1", list(browseruse.ListSessionsParams{PageNumber: browseruse.Ptr(0)})},
		{"path traversal id", "sessionID (session_id): must be a valid uuid", func() error { _, err := c.GetSession(ctx, "../x"); return err }},
		{"empty id", "sessionID (session_id): is required", func() error { return c.DeleteSession(ctx, "") }},
		{"braced uuid", "sessionID (session_id): must be a valid uuid", func() error { return c.PurgeSession(ctx, "{"+sessionID+"}") }},
		{"id with slash", "sessionID (session_id): must be a valid uuid", func() error { _, err := c.StopSession(ctx, sessionID+"/purge"); return err }},
		{"share id", "sessionID (session_id): must be a valid uuid", func() error { _, err := c.CreatePublicShare(ctx, "x"); return err }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			require.ErrorIs(t, err, browseruse.ErrInvalidParams)
			var rv *browseruse.RequestValidationError
			require.ErrorAs(t, err, &rv)
			require.Equal(t, []string{tc.want}, rv.Violations)
			require.NotContains(t, err.Error(), "\n")
		})
	}
	require.Empty(t, srv.received(), "nothing reaches the server")
}

// TestUnlistedRequestEnumValues: the service adds proxy countries and
// states before this copy of the spec lists them. Strict refuses such a
// value before sending; the other modes send it and log it at Warn.
func TestUnlistedRequestEnumValues(t *testing.T) {
	ctx := context.Background()
	srv := newAPIServer(t, routes)
	strict := srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict))
	_, err := strict.CreateSession(ctx, browseruse.CreateSessionParams{Proxy: browseruse.ProxyIn("XX")})
	var rv *browseruse.RequestValidationError
	require.ErrorAs(t, err, &rv)
	require.Equal(t, []string{"Proxy (proxyCountryCode): must be one of the 248 values the spec lists"}, rv.Violations)
	_, err = strict.ListSessions(ctx, browseruse.ListSessionsParams{Status: "paused"})
	require.ErrorAs(t, err, &rv)
	require.Equal(t, []string{"Status (filterBy): must be one of active, stopped"}, rv.Violations)
	require.Empty(t, srv.received(), "Strict sends nothing")

	for _, mode := range []browseruse.ValidationMode{browseruse.ValidationCompatible, browseruse.ValidationOff} {
		logs := &logBuffer{}
		c := srv.client(t, browseruse.WithValidation(mode), browseruse.WithLogger(logs.logger()))
		_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{Proxy: browseruse.ProxyIn("XX")})
		require.NoError(t, err, mode)
		_, err = c.ListSessions(ctx, browseruse.ListSessionsParams{Status: "paused"})
		require.NoError(t, err, mode)
		require.Contains(t, logs.String(), `level=WARN msg="browseruse: sending an enum value openapi.yaml does not list" operation=CreateSession field="Proxy (proxyCountryCode)"`)
		require.Contains(t, logs.String(), `operation=ListSessions field="Status (filterBy)"`)
		// Every other rule stays enforced.
		_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{Proxy: browseruse.ProxyIn("XX"), ScreenWidth: browseruse.Ptr(1)})
		require.ErrorAs(t, err, &rv)
		require.Equal(t, []string{"ScreenWidth (browserScreenWidth): must be >= 320"}, rv.Violations)
	}
	got := srv.received()
	require.Len(t, got, 4)
	require.JSONEq(t, `{"proxyCountryCode":"xx"}`, got[0].Body)
	require.Equal(t, "filterBy=paused", got[1].Query)
}

func TestSeveralViolationsAreAllNamed(t *testing.T) {
	srv := newAPIServer(t, routes)
	_, err := srv.client(t).CreateSession(context.Background(), browseruse.CreateSessionParams{
		ScreenWidth: browseruse.Ptr(1), ScreenHeight: browseruse.Ptr(1),
	})
	var rv *browseruse.RequestValidationError
	require.ErrorAs(t, err, &rv)
	require.ElementsMatch(t, []string{"ScreenWidth (browserScreenWidth): must be >= 320", "ScreenHeight (browserScreenHeight): must be >= 320"}, rv.Violations)
}

func TestProxyPasswordNeverInValidationErrors(t *testing.T) {
	srv := newAPIServer(t, routes)
	secret := "hunter2-" + strings.Repeat("x", 300)
	p := browseruse.CreateSessionParams{CustomProxy: &browseruse.CustomProxy{Host: "h", Port: 1, Password: secret}}
	_, err := srv.client(t).CreateSession(context.Background(), p)
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.Contains(t, err.Error(), "CustomProxy.Password (customProxy.password): must be at most 255 characters long")
	require.NotContains(t, err.Error(), "hunter2")
}

// offSpec answers a get with a session in state "paused", which
// openapi.yaml does not list, or with a session missing required fields.
func TestResponseValidationModes(t *testing.T) {
	unknownEnum := strings.Replace(sessionViewJSON, `"status":"stopped"`, `"status":"paused"`, 1)
	missingID := strings.Replace(sessionViewJSON, `"id":"`+sessionID+`",`, ``, 1)
	badDecimal := strings.Replace(sessionViewJSON, `"cost":"0.0125"`, `"cost":"lots"`, 1)

	type want struct {
		ok        bool
		violation string
	}
	cases := []struct {
		name string
		mode browseruse.ValidationMode
		body string
		want want
	}{
		{"strict rejects an unknown enum value", browseruse.ValidationStrict, unknownEnum, want{violation: "/status: must be one of active, stopped"}},
		{"compatible accepts an unknown enum value", browseruse.ValidationCompatible, unknownEnum, want{ok: true}},
		{"off accepts an unknown enum value", browseruse.ValidationOff, unknownEnum, want{ok: true}},
		{"strict rejects a missing id", browseruse.ValidationStrict, missingID, want{violation: "/id: is required"}},
		{"compatible rejects a missing id", browseruse.ValidationCompatible, missingID, want{violation: "/id: is required"}},
		{"off lets a missing id through", browseruse.ValidationOff, missingID, want{ok: true}},
		{"compatible rejects a bad decimal", browseruse.ValidationCompatible, badDecimal, want{violation: "/tasks/0/cost: must match the pattern"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			logs := &logBuffer{}
			srv := newAPIServer(t, answer(http.StatusOK, tc.body))
			s, err := srv.client(t, browseruse.WithValidation(tc.mode), browseruse.WithLogger(logs.logger())).GetSession(context.Background(), sessionID)
			if tc.want.ok {
				require.NoError(t, err)
				require.NotNil(t, s)
				if tc.mode == browseruse.ValidationCompatible {
					require.Equal(t, browseruse.SessionStatus("paused"), s.Status)
					require.Contains(t, logs.String(), `level=WARN msg="browseruse: response has an enum value openapi.yaml does not list" operation=GetSession field=/status`)
				}
				return
			}
			require.Nil(t, s)
			require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
			var rv *browseruse.ResponseValidationError
			require.ErrorAs(t, err, &rv)
			require.Equal(t, "GetSession", rv.Operation)
			require.Equal(t, http.StatusOK, rv.StatusCode)
			require.Len(t, rv.Violations, 1)
			require.True(t, strings.HasPrefix(rv.Violations[0], tc.want.violation), rv.Violations[0])
			require.NotEmpty(t, rv.Body)
			require.NotContains(t, err.Error(), "\n")
		})
	}
}

func TestMalformedResponsesGiveTypedErrors(t *testing.T) {
	cases := []struct {
		name      string
		handler   http.HandlerFunc
		violation string
	}{
		{"truncated JSON", answer(http.StatusOK, sessionViewJSON[:40]), "(body): is not valid JSON: truncated"},
		{"empty 200 body", answer(http.StatusOK, ""), "(body): is empty"},
		{"not an object", answer(http.StatusOK, `[1,2]`), "(body): must be of type object"},
		{"wrong content type", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte("<html>hi</html>"))
		}, `(body): content type "text/html" is not application/json`},
	}
	for _, tc := range cases {
		for _, mode := range []browseruse.ValidationMode{browseruse.ValidationStrict, browseruse.ValidationCompatible} {
			t.Run(tc.name+"/"+mode.String(), func(t *testing.T) {
				srv := newAPIServer(t, tc.handler)
				s, err := srv.client(t, browseruse.WithValidation(mode)).GetSession(context.Background(), sessionID)
				require.Nil(t, s)
				var rv *browseruse.ResponseValidationError
				require.ErrorAs(t, err, &rv)
				require.Equal(t, []string{tc.violation}, rv.Violations)
			})
		}
	}
	// With validation off, an undecodable body is still an error, never a zero value.
	srv := newAPIServer(t, answer(http.StatusOK, sessionViewJSON[:40]))
	s, err := srv.client(t, browseruse.WithValidation(browseruse.ValidationOff)).GetSession(context.Background(), sessionID)
	require.Nil(t, s)
	require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
	require.False(t, errors.Is(err, browseruse.ErrSessionNotFound))
}

func TestStrictRejectsAnUndocumentedSuccessStatus(t *testing.T) {
	srv := newAPIServer(t, answer(http.StatusOK, sessionItemJSON)) // create documents 201
	_, err := srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict)).CreateSession(context.Background(), browseruse.CreateSessionParams{})
	var rv *browseruse.ResponseValidationError
	require.ErrorAs(t, err, &rv)
	require.Equal(t, []string{"status 200 is not documented (expected 201)"}, rv.Violations)

	_, err = srv.client(t).CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err, "compatible mode accepts it")
}
