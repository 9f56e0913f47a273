package browseruse_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// TestACreateThatNeverLeftHasAKnownOutcome: only a request that may have
// been written can have started a session; a create refused before any
// byte left is a plain error, never ErrOutcomeUnknown.
func TestACreateThatNeverLeftHasAKnownOutcome(t *testing.T) {
	srv := newAPIServer(t, answer(http.StatusCreated, sessionItemJSON))
	c := srv.client(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, errors.Is(err, browseruse.ErrOutcomeUnknown), "%v", err)
	_, err = c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, errors.Is(err, browseruse.ErrOutcomeUnknown), "%v", err)
	require.Empty(t, srv.received(), "nothing was sent")
}

// TestACreateCancelledWhileWaitingForAConnectionHasAKnownOutcome: with
// every connection busy, a create queues inside net/http; cancelled there,
// it wrote nothing, so nothing can have started.
func TestACreateCancelledWhileWaitingForAConnectionHasAKnownOutcome(t *testing.T) {
	holding, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			once.Do(func() { close(holding) })
			<-release
			writeJSON(w, http.StatusOK, sessionViewJSON)
			return
		}
		writeJSON(w, http.StatusCreated, sessionItemJSON)
	})
	c := srv.client(t, browseruse.WithHTTPClient(&http.Client{Transport: &http.Transport{MaxConnsPerHost: 1}}))
	done := make(chan error, 1)
	go func() {
		_, err := c.GetSession(context.Background(), sessionID)
		done <- err
	}()
	<-holding // the one connection is taken
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	close(release)
	require.NoError(t, <-done)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.False(t, errors.Is(err, browseruse.ErrOutcomeUnknown), "%v", err)
	for _, r := range srv.received() {
		require.Equal(t, http.MethodGet, r.Method, "the create never reached the server")
	}
}

// TestAnUnusable2xxOnCreateIsOutcomeUnknown: the server started a session
// but its answer cannot be read, so the caller has no id to stop.
func TestAnUnusable2xxOnCreateIsOutcomeUnknown(t *testing.T) {
	for name, body := range map[string]string{"truncated": sessionItemJSON[:40], "off-spec": `{"id":"not-a-uuid","status":"active"}`} {
		t.Run(name, func(t *testing.T) {
			srv := newAPIServer(t, answer(http.StatusCreated, body))
			_, err := srv.client(t).CreateSession(context.Background(), browseruse.CreateSessionParams{})
			require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
			require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
			require.Len(t, srv.received(), 1, "not retried")
		})
	}
}

// TestADeclaredContentLengthOverTheCapFailsBeforeReading: the server
// declares 9 MB and then sends nothing more; reading would hang until the
// attempt timeout, so only a check of the header can give this error.
func TestADeclaredContentLengthOverTheCapFailsBeforeReading(t *testing.T) {
	release := make(chan struct{})
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Length", "9000000")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"id":`))
		w.(http.Flusher).Flush()
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	defer close(release)
	c := srv.client(t, browseruse.WithAttemptTimeout(10*time.Second), browseruse.WithRetry(browseruse.RetryPolicy{}))
	_, err := c.GetSession(context.Background(), sessionID)
	require.ErrorIs(t, err, browseruse.ErrResponseTooLarge)
	require.ErrorContains(t, err, "Content-Length 9000000")
}

// TestEachAttemptSendsAFreshCopy: net/http adds the jar's cookies to the
// request it is given. Were the attempts to share one request, its Cookie
// header would grow with every retry.
func TestEachAttemptSendsAFreshCopy(t *testing.T) {
	var mu sync.Mutex
	var cookies []string
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cookies = append(cookies, strings.Join(r.Header.Values("Cookie"), "|"))
		n := len(cookies)
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1", Path: "/"})
		if n < 3 {
			writeJSON(w, http.StatusServiceUnavailable, `{"detail":"busy"}`)
			return
		}
		writeJSON(w, http.StatusOK, shareJSON)
	})
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := srv.client(t, browseruse.WithHTTPClient(&http.Client{Jar: jar}))
	_, err = c.GetPublicShare(context.Background(), sessionID)
	require.NoError(t, err)
	require.Equal(t, []string{"", "a=1", "a=1"}, cookies)
}

// TestABodylessErrorReadsAsItsStatus: a proxy's 429 or 502 comes without
// a body; it is an *APIError of that status, not a response that breaks
// openapi.yaml, even in Strict mode.
func TestABodylessErrorReadsAsItsStatus(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTooManyRequests) })
	c := srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict), browseruse.WithRetry(browseruse.RetryPolicy{}))
	_, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{}) // openapi.yaml documents its 429 body
	require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
	require.False(t, errors.Is(err, browseruse.ErrInvalidResponse), "%v", err)
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusTooManyRequests, apiErr.StatusCode)
}

// TestAnInjectedBodylessFaultReadsAsItsStatus: the same through the fake's
// Inject, as a user's test would write it.
func TestAnInjectedBodylessFaultReadsAsItsStatus(t *testing.T) {
	srv := browserusetest.Start(t)
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict), browseruse.WithRetry(browseruse.RetryPolicy{}))
	require.NoError(t, err)
	srv.Inject(browserusetest.OpCreateSession, 1, browserusetest.Fault{Status: http.StatusTooManyRequests})
	_, err = c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
	require.False(t, errors.Is(err, browseruse.ErrInvalidResponse), "%v", err)
}
