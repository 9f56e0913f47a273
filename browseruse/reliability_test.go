package browseruse_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

const proxyPassword = "pr0xy-pa55word-do-not-leak"

// secretSink collects everything the fault cases print, to check that the
// API key and the proxy password appear in none of it.
type secretSink struct {
	mu    sync.Mutex
	texts []string
	logs  *logBuffer
}

func (s *secretSink) add(err error) {
	if err == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.texts = append(s.texts, err.Error(), fmt.Sprintf("%v", err), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err))
	var apiErr *browseruse.APIError
	if errors.As(err, &apiErr) {
		s.texts = append(s.texts, string(apiErr.RawBody), apiErr.Detail, fmt.Sprintf("%+v", *apiErr))
	}
	var rv *browseruse.ResponseValidationError
	if errors.As(err, &rv) {
		s.texts = append(s.texts, string(rv.Body), fmt.Sprintf("%+v", *rv))
	}
}

// option logs the client's lines into the sink.
func (s *secretSink) option() browseruse.Option { return browseruse.WithLogger(s.logs.logger()) }

// TestFaultCases runs every fault case, then checks that the API key and
// the proxy password appear in none of the errors and log lines they made.
func TestFaultCases(t *testing.T) {
	sink := &secretSink{logs: &logBuffer{}}
	for name, fault := range map[string]func(*testing.T, *secretSink){
		"with the fake": faultsWithTheFake,
		"create retried when the request never left": faultCreateIsRetriedWhenTheRequestNeverLeft,
		"concurrency cap on create":                  faultConcurrencyCapOnCreateIsNotRetriedUnlessAskedTo,
		"Retry-After honoured up to the cap":         faultRetryAfterIsHonouredUpToTheCap,
		"cancelled context ends the wait":            faultCancelledContextEndsTheWaitAtOnce,
		"malformed answers":                          faultMalformedAnswersAreNotRetriedAndTyped,
		"huge bodies":                                faultHugeBodiesAreCutOffAndMemoryStaysBounded,
		"redirect to another origin":                 faultRedirectsToAnotherOriginAreRefused,
		"attempt timeout":                            faultAttemptTimeoutBoundsACallWithoutDeadline,
		"server echoes the secrets":                  faultServerEchoesTheSecrets,
		"task secrets":                               faultTaskSecretsStaySecret,
		"presigned upload and download credentials":  faultPresignedCredentialsStaySecret, // files_test.go
	} {
		t.Run(name, func(t *testing.T) { fault(t, sink) })
	}
	sink.check(t, proxyPassword, testKey, taskSecret, presignPolicy, presignSignature)
}

func (s *secretSink) check(t *testing.T, secrets ...string) {
	t.Helper()
	require.NotEmpty(t, s.texts)
	require.Contains(t, s.logs.String(), "browseruse: request", "the logger saw the calls")
	lines := append(append([]string(nil), s.texts...), strings.Split(s.logs.String(), "\n")...)
	for _, line := range lines {
		for _, secret := range secrets {
			if strings.Contains(line, secret) {
				t.Errorf("a secret leaked into: %s", strings.ReplaceAll(line, secret, "<<SECRET>>"))
			}
		}
	}
}

var proxyParams = browseruse.CreateSessionParams{CustomProxy: &browseruse.CustomProxy{Host: "proxy.example", Port: 8080, Username: "me", Password: proxyPassword}}

// faultEnv is a fake server and a client with fast retries and logging.
func faultEnv(t *testing.T, sink *secretSink, opts ...browseruse.Option) (*browserusetest.Server, *browseruse.Client) {
	t.Helper()
	srv := browserusetest.NewServer(browserusetest.WithAPIKey(testKey))
	t.Cleanup(srv.Close)
	base := []browseruse.Option{browseruse.WithRetry(fastRetry()), browseruse.WithLogger(sink.logs.logger())}
	c, err := srv.Client(append(base, opts...)...)
	require.NoError(t, err)
	return srv, c
}

func faultsWithTheFake(t *testing.T, sink *secretSink) {
	ctx := context.Background()
	body503 := browserusetest.Fault{Status: 503, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"detail":"busy"}`}
	html502 := browserusetest.Fault{Status: 502, Header: http.Header{"Content-Type": {"text/html"}}, Body: "<html><body><h1>502 Bad Gateway</h1></body></html>"}

	cases := []struct {
		name         string
		fault        browserusetest.Fault
		times        int
		attemptTO    time.Duration
		wantErr      error // nil: success
		getAttempts  int   // requests the fake receives for a get
		createCalls  int   // requests the fake receives for a create
		sessionsLeft int   // sessions on the server after the create
	}{
		{name: "503 burst then success", fault: body503, times: 2, getAttempts: 3, createCalls: 1, wantErr: browseruse.ErrServer},
		{name: "HTML 502 from a proxy", fault: html502, times: 5, getAttempts: 3, createCalls: 1, wantErr: browseruse.ErrServer},
		{name: "connection dropped before answering", fault: browserusetest.Fault{Drop: true}, times: 5, getAttempts: 3, createCalls: 1, wantErr: io.EOF},
		{name: "connection reset mid-body after the work", fault: browserusetest.Fault{CutAfter: 25, AfterApplying: true}, times: 5, getAttempts: 3, createCalls: 1, sessionsLeft: 1, wantErr: io.ErrUnexpectedEOF},
		{name: "headers that never come", fault: browserusetest.Fault{Delay: time.Minute}, times: 5, attemptTO: 50 * time.Millisecond, getAttempts: 3, createCalls: 1, wantErr: context.DeadlineExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := []browseruse.Option{}
			if tc.attemptTO > 0 {
				opts = append(opts, browseruse.WithAttemptTimeout(tc.attemptTO))
			}
			srv, c := faultEnv(t, sink, opts...)
			s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{}) // a session to get
			require.NoError(t, err)
			srv.ResetRequests()

			// Idempotent: retried.
			srv.Inject(browserusetest.OpGetSession, tc.times, tc.fault)
			_, err = c.GetSession(ctx, s.ID)
			sink.add(err)
			if tc.times < tc.getAttempts {
				require.NoError(t, err, "the burst ended before the retries did")
				require.Equal(t, tc.getAttempts, srv.RequestCount(browserusetest.OpGetSession))
			} else {
				require.ErrorIs(t, err, tc.wantErr)
				require.Contains(t, err.Error(), fmt.Sprintf("after %d attempts", tc.getAttempts))
				// net/http itself may replay a GET once when a reused
				// connection dies before answering; our attempts are in the error.
				require.GreaterOrEqual(t, srv.RequestCount(browserusetest.OpGetSession), tc.getAttempts)
			}

			// Create: never retried once the request may have arrived.
			_, err = c.StopSession(ctx, s.ID)
			require.NoError(t, err)
			require.NoError(t, c.DeleteSession(ctx, s.ID))
			srv.Inject(browserusetest.OpCreateSession, 1, tc.fault)
			_, err = c.CreateSession(ctx, proxyParams)
			sink.add(err)
			require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
			require.ErrorContains(t, err, "list the active sessions")
			require.Equal(t, tc.createCalls, srv.RequestCount(browserusetest.OpCreateSession))
			require.Equal(t, tc.sessionsLeft, srv.SessionCount(""), "exactly the expected sessions exist")
		})
	}
}

func faultCreateIsRetriedWhenTheRequestNeverLeft(t *testing.T, sink *secretSink) {
	// A port nobody listens on: connection refused, certainly not sent.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	var dials atomic.Int32
	transport := &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, a)
	}}
	c, err := browseruse.NewClient(browseruse.WithAPIKey(testKey), browseruse.WithBaseURL("http://"+addr+"/api/v2"),
		browseruse.WithRetry(fastRetry()), browseruse.WithHTTPClient(&http.Client{Transport: transport}), sink.option())
	require.NoError(t, err)
	_, err = c.CreateSession(context.Background(), proxyParams)
	sink.add(err)
	var te *browseruse.TransportError
	require.ErrorAs(t, err, &te)
	require.Equal(t, 3, te.Attempts, "connection refused is retried even for create")
	require.EqualValues(t, 3, dials.Load())
	require.False(t, errors.Is(err, browseruse.ErrOutcomeUnknown), "the server cannot have seen it")
	require.ErrorIs(t, err, syscallRefused())
}

func faultConcurrencyCapOnCreateIsNotRetriedUnlessAskedTo(t *testing.T, sink *secretSink) {
	ctx := context.Background()
	srv := browserusetest.NewServer(browserusetest.WithMaxActiveSessions(1), browserusetest.WithAPIKey(testKey))
	defer srv.Close()
	c, err := srv.Client(browseruse.WithRetry(fastRetry()), sink.option())
	require.NoError(t, err)
	first, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	_, err = c.CreateSession(ctx, proxyParams)
	sink.add(err)
	require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
	require.False(t, errors.Is(err, browseruse.ErrOutcomeUnknown))
	require.Equal(t, 2, srv.RequestCount(browserusetest.OpCreateSession))

	// Opted in: retried with its own backoff, and succeeds once a slot frees.
	p := fastRetry()
	p.ConcurrencyLimitRetries, p.ConcurrencyLimitDelay = 3, 20*time.Millisecond
	patient, err := srv.Client(browseruse.WithRetry(p), sink.option())
	require.NoError(t, err)
	go func() {
		time.Sleep(10 * time.Millisecond)
		_, _ = c.StopSession(ctx, first.ID)
	}()
	_, err = patient.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusActive))
}

func faultRetryAfterIsHonouredUpToTheCap(t *testing.T, sink *secretSink) {
	ctx := context.Background()
	srv, c := faultEnv(t, sink)
	srv.Inject(browserusetest.OpListSessions, 1, browserusetest.Fault{Status: 429, Header: http.Header{"Retry-After": {"1"}}})
	_, err := c.ListSessions(ctx, browseruse.ListSessionsParams{})
	require.NoError(t, err)
	require.Contains(t, sink.logs.String(), "wait=1s", "the server's wait, not the 1 ms backoff")

	srv.Inject(browserusetest.OpListSessions, 1, browserusetest.Fault{Status: 429, Header: http.Header{"Retry-After": {"3600"}}})
	srv.ResetRequests()
	_, err = c.ListSessions(ctx, browseruse.ListSessionsParams{})
	sink.add(err)
	require.ErrorIs(t, err, browseruse.ErrRateLimited)
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, time.Hour, apiErr.RetryAfter)
	require.Equal(t, 1, srv.RequestCount(""), "an hour is past the cap: no retry")
}

func faultCancelledContextEndsTheWaitAtOnce(t *testing.T, sink *secretSink) {
	srv := browserusetest.NewServer(browserusetest.WithAPIKey(testKey))
	defer srv.Close()
	p := browseruse.DefaultRetryPolicy()
	p.BaseDelay, p.MaxDelay = time.Hour, time.Hour
	c, err := srv.Client(browseruse.WithRetry(p), sink.option())
	require.NoError(t, err)
	srv.Inject(browserusetest.OpListSessions, 1, browserusetest.Fault{Status: 503})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for srv.RequestCount(browserusetest.OpListSessions) == 0 {
			runtime.Gosched()
		}
		cancel()
	}()
	_, err = c.ListSessions(ctx, browseruse.ListSessionsParams{}) // would wait an hour
	sink.add(err)
	require.ErrorIs(t, err, context.Canceled)
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpListSessions))
}

func TestRetriesReplayTheBodyByteForByte(t *testing.T) {
	srv := browserusetest.NewServer()
	defer srv.Close()
	c, err := srv.Client(browseruse.WithRetry(fastRetry()))
	require.NoError(t, err)
	s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	srv.Inject(browserusetest.OpStopSession, 2, browserusetest.Fault{Status: 503})
	_, err = c.StopSession(context.Background(), s.ID)
	require.NoError(t, err)
	var bodies []string
	for _, r := range srv.Requests() {
		if r.Operation == browserusetest.OpStopSession {
			bodies = append(bodies, r.Body)
		}
	}
	require.Equal(t, []string{`{"action":"stop"}`, `{"action":"stop"}`, `{"action":"stop"}`}, bodies)
}

func faultMalformedAnswersAreNotRetriedAndTyped(t *testing.T, sink *secretSink) {
	for _, tc := range []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"truncated JSON", answer(200, sessionViewJSON[:50])},
		{"empty 200 body", answer(200, "")},
		{"wrong content type", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			_, _ = io.WriteString(w, sessionViewJSON)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t, tc.handler)
			_, err := srv.client(t, sink.option()).GetSession(context.Background(), sessionID)
			sink.add(err)
			require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
			require.Len(t, srv.received(), 1)
		})
	}
}

func faultHugeBodiesAreCutOffAndMemoryStaysBounded(t *testing.T, sink *secretSink) {
	const size = 100 << 20
	srv := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		chunk := []byte(strings.Repeat(" ", 64<<10))
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})
	c := srv.client(t, sink.option())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := c.GetSession(context.Background(), sessionID)
	runtime.ReadMemStats(&after)
	sink.add(err)
	require.ErrorIs(t, err, browseruse.ErrResponseTooLarge)
	require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(40<<20), "reading stops at the cap (8 MiB), not at 100 MiB")
	require.Len(t, srv.received(), 1, "not retried: the next answer would be as large")

	small := srv.client(t, browseruse.WithMaxResponseBytes(4096), sink.option())
	_, err = small.GetSession(context.Background(), sessionID)
	sink.add(err)
	require.ErrorIs(t, err, browseruse.ErrResponseTooLarge)
	require.ErrorContains(t, err, "more than 4096 bytes")
}

func faultRedirectsToAnotherOriginAreRefused(t *testing.T, sink *secretSink) {
	var elsewhere atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		elsewhere.Add(1)
		writeJSON(w, 201, sessionItemJSON)
	}))
	defer other.Close()
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusPermanentRedirect)
	})
	c := srv.client(t, sink.option())
	_, err := c.GetSession(context.Background(), sessionID)
	sink.add(err)
	require.ErrorIs(t, err, browseruse.ErrCrossOriginRedirect)
	var te *browseruse.TransportError
	require.ErrorAs(t, err, &te)
	require.Equal(t, 1, te.Attempts, "not retried")
	require.Contains(t, err.Error(), strings.TrimPrefix(other.URL, "http://"), "the error says where it pointed")

	// A create redirected elsewhere: its body (the proxy password) never goes there.
	_, err = c.CreateSession(context.Background(), proxyParams)
	sink.add(err)
	require.ErrorIs(t, err, browseruse.ErrCrossOriginRedirect)
	require.False(t, errors.Is(err, browseruse.ErrOutcomeUnknown), "a redirect created nothing")
	require.Zero(t, elsewhere.Load(), "the other origin never saw a request")
	require.Len(t, srv.received(), 2)
}

func TestSameOriginRedirectsAreFollowed(t *testing.T) {
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("moved") == "" {
			http.Redirect(w, r, r.URL.Path+"?moved=1", http.StatusTemporaryRedirect)
			return
		}
		writeJSON(w, 200, sessionViewJSON)
	})
	_, err := srv.client(t).GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	got := srv.received()
	require.Len(t, got, 2)
	require.Equal(t, testKey, got[1].Header.Get("X-Browser-Use-API-Key"), "same origin: the key goes along")
}

func TestSequentialCallsReuseConnections(t *testing.T) {
	srv := browserusetest.NewServer()
	defer srv.Close()
	var dials atomic.Int32
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		dials.Add(1)
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}
	defer transport.CloseIdleConnections()
	c, err := srv.Client(browseruse.WithHTTPClient(&http.Client{Transport: transport}))
	require.NoError(t, err)
	ctx := context.Background()
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	for i := range 200 {
		var err error
		switch i % 4 {
		case 0:
			_, err = c.GetSession(ctx, s.ID)
		case 1:
			_, err = c.ListSessions(ctx, browseruse.ListSessionsParams{})
		case 2:
			_, err = c.GetSession(ctx, "3c90c3cc-0d44-4b50-8888-8dd25736052a") // 404 bodies are drained too
		case 3:
			err = c.DeletePublicShare(ctx, s.ID) // 204, no body
		}
		if i%4 == 2 {
			require.ErrorIs(t, err, browseruse.ErrSessionNotFound)
		} else {
			require.NoError(t, err)
		}
	}
	require.LessOrEqual(t, dials.Load(), int32(2))
}

func faultAttemptTimeoutBoundsACallWithoutDeadline(t *testing.T, sink *secretSink) {
	srv := browserusetest.NewServer(browserusetest.WithAPIKey(testKey))
	defer srv.Close()
	srv.SetLatency(time.Minute)
	c, err := srv.Client(browseruse.WithAttemptTimeout(30*time.Millisecond), browseruse.WithRetry(browseruse.RetryPolicy{}), sink.option())
	require.NoError(t, err)
	_, err = c.ListSessions(context.Background(), browseruse.ListSessionsParams{})
	sink.add(err)
	require.ErrorIs(t, err, context.DeadlineExceeded)
}

func TestStopOnExitRunsOnACancelledContext(t *testing.T) {
	srv := browserusetest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	cancel()
	require.NoError(t, c.StopOnExit(ctx, s.ID))
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusStopped))
	require.NoError(t, c.StopOnExit(ctx, s.ID), "already stopped is success")
	require.NoError(t, c.DeleteSession(context.Background(), s.ID))
	require.NoError(t, c.StopOnExit(ctx, s.ID), "gone is success")
}

func TestRunSessionStopsWhateverHappens(t *testing.T) {
	srv := browserusetest.NewServer()
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	boom := errors.New("boom")
	err = c.RunSession(context.Background(), browseruse.CreateSessionParams{}, func(context.Context, *browseruse.SessionItem) error { return boom })
	require.ErrorIs(t, err, boom)
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusStopped))

	require.Panics(t, func() {
		_ = c.RunSession(context.Background(), browseruse.CreateSessionParams{}, func(context.Context, *browseruse.SessionItem) error { panic("fn panicked") })
	})
	require.Equal(t, 2, srv.SessionCount(browseruse.StatusStopped))

	srv.Inject(browserusetest.OpStopSession, 10, browserusetest.Fault{Status: 500})
	c, err = srv.Client(browseruse.WithRetry(browseruse.RetryPolicy{}))
	require.NoError(t, err)
	err = c.RunSession(context.Background(), browseruse.CreateSessionParams{}, func(context.Context, *browseruse.SessionItem) error { return nil })
	require.ErrorIs(t, err, browseruse.ErrServer, "a failed stop is reported")
	require.ErrorContains(t, err, "may still be active")
}

func TestParamsAndOptionsNeverPrintThePassword(t *testing.T) {
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		for _, v := range []any{proxyParams, &proxyParams, *proxyParams.CustomProxy, proxyParams.CustomProxy} {
			out := fmt.Sprintf(verb, v)
			require.NotContains(t, out, proxyPassword, verb)
			require.Contains(t, out, "proxy.example", verb)
		}
	}
}

// faultServerEchoesTheSecrets: a server that quotes the input back (as
// FastAPI's 422 does) must not make the key or the password reach an error.
func faultServerEchoesTheSecrets(t *testing.T, sink *secretSink) {
	echo := `{"detail":[{"loc":["body","customProxy","password"],"msg":"bad value ` + proxyPassword + `","type":"x","input":"` +
		proxyPassword + `"}],"key":"` + testKey + `"}`
	for _, status := range []int{422, 500} {
		srv := newAPIServer(t, answer(status, echo))
		_, err := srv.client(t, sink.option(), browseruse.WithRetry(browseruse.RetryPolicy{})).CreateSession(context.Background(), proxyParams)
		require.Error(t, err)
		sink.add(err)
		var apiErr *browseruse.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Contains(t, string(apiErr.RawBody), "[REDACTED]")
		for _, issue := range apiErr.Issues {
			sink.texts = append(sink.texts, issue.String())
		}
	}
}

// TestEachRequestHasItsOwnHeader: with a cookie jar in the caller's
// http.Client, net/http adds a Cookie header to the request it sends. A
// header map shared between requests would grow ("a=1; a=1; ...") and, with
// concurrent calls, race (go test -race).
func TestEachRequestHasItsOwnHeader(t *testing.T) {
	var mu sync.Mutex
	var cookies []string
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		cookies = append(cookies, strings.Join(r.Header.Values("Cookie"), "|"))
		mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: "a", Value: "1", Path: "/"})
		writeJSON(w, http.StatusOK, shareJSON)
	})
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	c := srv.client(t, browseruse.WithHTTPClient(&http.Client{Jar: jar}))
	ctx := context.Background()
	_, err = c.GetPublicShare(ctx, sessionID) // the jar learns a=1
	require.NoError(t, err)
	var wg sync.WaitGroup
	for range 32 {
		wg.Go(func() {
			for range 4 {
				_, err := c.GetPublicShare(ctx, sessionID)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	require.Len(t, cookies, 1+32*4)
	require.Equal(t, "", cookies[0])
	for i, got := range cookies[1:] {
		require.Equal(t, "a=1", got, "request %d", i+1)
	}
}

// TestAFailedStopOnExitIsLoggedWithTheSessionID: defer drops StopOnExit's
// error, so the log line is what tells the user a session may be billing.
func TestAFailedStopOnExitIsLoggedWithTheSessionID(t *testing.T) {
	srv := browserusetest.NewServer()
	defer srv.Close()
	logs := &logBuffer{}
	c, err := srv.Client(browseruse.WithRetry(browseruse.RetryPolicy{}), browseruse.WithLogger(logs.logger()))
	require.NoError(t, err)
	s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	srv.Inject(browserusetest.OpStopSession, 1, browserusetest.Fault{Status: 503})
	err = c.StopOnExit(context.Background(), s.ID)
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.ErrorContains(t, err, s.ID)
	require.ErrorContains(t, err, "StopActiveSessions", "the error says how to find it")
	require.Contains(t, logs.String(), "level=WARN")
	require.Contains(t, logs.String(), "session_id="+s.ID)
}

func TestStopActiveSessionsStopsEveryActiveSession(t *testing.T) {
	srv := browserusetest.NewServer(browserusetest.WithMaxActiveSessions(3))
	defer srv.Close()
	c, err := srv.Client(browseruse.WithRetry(browseruse.RetryPolicy{}))
	require.NoError(t, err)
	ctx := context.Background()
	var ids []string
	for range 3 {
		s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.NoError(t, err)
		ids = append(ids, s.ID)
	}
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions, "strays hold the cap")

	stopped, err := c.StopActiveSessions(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, ids, stopped)
	require.Zero(t, srv.SessionCount(browseruse.StatusActive))
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err, "the cap is free again")

	// A stop that fails is reported, the others still happen.
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	srv.Inject(browserusetest.OpStopSession, 1, browserusetest.Fault{Status: 500})
	stopped, err = c.StopActiveSessions(ctx)
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.Len(t, stopped, 1)
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusActive))
}

// activeSessionsServer serves a list of active sessions of a hundred a
// page, and stops the one a PATCH names; failPage makes that page answer
// 503, and onStop runs on each stop.
type activeSessionsServer struct {
	mu       sync.Mutex
	active   []string
	stops    int
	failPage string
	onStop   func(s *activeSessionsServer)
}

func (a *activeSessionsServer) handle(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if r.Method == http.MethodPatch {
		id := strings.TrimPrefix(r.URL.Path, "/api/v2/sessions/")
		a.active = slices.DeleteFunc(a.active, func(s string) bool { return s == id })
		a.stops++
		if a.onStop != nil {
			a.onStop(a)
		}
		writeJSON(w, http.StatusOK, strings.Replace(sessionViewJSON, sessionID, id, 1))
		return
	}
	page := r.URL.Query().Get("pageNumber")
	if page == a.failPage {
		writeJSON(w, http.StatusServiceUnavailable, `{"detail":"busy"}`)
		return
	}
	n, _ := strconv.Atoi(page)
	var items []string
	for i := (n - 1) * 100; i < min(n*100, len(a.active)); i++ {
		items = append(items, strings.Replace(sessionItemJSON, sessionID, a.active[i], 1))
	}
	writeJSON(w, http.StatusOK, fmt.Sprintf(`{"items":[%s],"totalItems":%d,"pageNumber":%d,"pageSize":100}`, strings.Join(items, ","), len(a.active), n))
}

func uuidN(i int) string { return fmt.Sprintf("00000000-0000-4000-8000-%012d", i) }

func TestStopActiveSessionsStopsWhatItListedWhenAListingFails(t *testing.T) {
	a := &activeSessionsServer{failPage: "2"}
	for i := range 150 {
		a.active = append(a.active, uuidN(i))
	}
	srv := newAPIServer(t, a.handle)
	stopped, err := srv.client(t, browseruse.WithRetry(browseruse.RetryPolicy{})).StopActiveSessions(context.Background())
	require.ErrorIs(t, err, browseruse.ErrServer, "the failed listing is reported")
	require.ErrorContains(t, err, "listing the active sessions")
	// The first page was stopped anyway; the next listing, shorter by
	// those, found the other 50 on its first page.
	require.Len(t, stopped, 150)
	require.Equal(t, 150, a.stops)
	require.Empty(t, a.active)
}

func TestStopActiveSessionsListsAgainForSessionsStartedMeanwhile(t *testing.T) {
	a := &activeSessionsServer{active: []string{uuidN(1), uuidN(2)}}
	a.onStop = func(s *activeSessionsServer) {
		if s.stops == 1 {
			s.active = append(s.active, uuidN(3)) // another program starts one
		}
	}
	srv := newAPIServer(t, a.handle)
	stopped, err := srv.client(t).StopActiveSessions(context.Background())
	require.NoError(t, err)
	require.ElementsMatch(t, []string{uuidN(1), uuidN(2), uuidN(3)}, stopped)
	require.Empty(t, a.active)
}

// TestParamsPrintEveryFieldAndMaskTheSecrets: %v, %+v, %#v and every slog
// handler show each field of the params types (by reflection, so a new
// field is never left out) and never a secret's value.
func TestParamsPrintEveryFieldAndMaskTheSecrets(t *testing.T) {
	task := browseruse.CreateTaskParams{
		Task: "log in", SessionID: sessionID, Secrets: map[string]string{"password": taskSecret}, Metadata: map[string]string{"run": "7"},
		SessionSettings: &browseruse.SessionSettings{ProfileID: sessionID, Proxy: browseruse.ProxyIn("de")},
	}
	for _, v := range []any{task, proxyParams, *proxyParams.CustomProxy} {
		var fields []string
		for _, f := range reflect.VisibleFields(reflect.TypeOf(v)) {
			fields = append(fields, f.Name)
		}
		for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
			out := fmt.Sprintf(verb, v)
			for _, name := range fields {
				require.Contains(t, out, name+": ", "%s of %T", verb, v)
			}
			require.NotContains(t, out, taskSecret)
			require.NotContains(t, out, proxyPassword)
		}
		for _, h := range []func(io.Writer) slog.Handler{
			func(w io.Writer) slog.Handler { return slog.NewJSONHandler(w, nil) },
			func(w io.Writer) slog.Handler { return slog.NewTextHandler(w, nil) },
		} {
			var buf strings.Builder
			slog.New(h(&buf)).Info("params", "p", v)
			require.NotContains(t, buf.String(), taskSecret)
			require.NotContains(t, buf.String(), proxyPassword)
			require.Contains(t, buf.String(), "[REDACTED]")
		}
	}
	out := fmt.Sprint(task)
	require.Contains(t, out, "Secrets: map[password:[REDACTED]]", "the names of the secrets show")
	require.Contains(t, out, "SessionSettings: {ProfileID: "+sessionID+", Proxy: de,")
}
