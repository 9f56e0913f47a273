package browseruse_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// browserAnswer is the browser JSON the stub API answers, with a status
// and a cdpUrl ("" for null).
func browserAnswer(status, cdpURL string) string {
	cdp := "null"
	if cdpURL != "" {
		cdp = `"` + cdpURL + `"`
	}
	return `{"id":"` + browserID + `","status":"` + status + `","liveUrl":null,"cdpUrl":` + cdp + `,` +
		`"timeoutAt":"2026-01-02T04:04:05Z","startedAt":"2026-01-02T03:04:05Z","finishedAt":null,` +
		`"proxyUsedMb":"0","proxyCost":"0","browserCost":"0","agentSessionId":null,"recordingUrl":null}`
}

// cdpHost is a CDP endpoint that records what it received and answers
// /json/version with body.
type cdpHost struct {
	*httptest.Server
	mu      sync.Mutex
	headers []http.Header
	paths   []string
}

func newCDPHost(t *testing.T, status int, body string) *cdpHost {
	t.Helper()
	h := &cdpHost{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		h.headers = append(h.headers, r.Header.Clone())
		h.paths = append(h.paths, r.URL.Path)
		h.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(h.Close)
	return h
}

func (h *cdpHost) received() ([]http.Header, []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]http.Header(nil), h.headers...), append([]string(nil), h.paths...)
}

const wsURL = "ws://127.0.0.1:9222/devtools/browser/7a1c"

// browserAPI answers GET /browsers/{id}: cdpUrl null for the first nulls
// reads, then cdpURL; status for every read.
func browserAPI(t *testing.T, nulls int, status, cdpURL string) (*apiServer, *atomic.Int32) {
	t.Helper()
	var reads atomic.Int32
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/api/v2/browsers/"+browserID {
			writeJSON(w, http.StatusNotFound, `{"detail":"Session not found"}`)
			return
		}
		if int(reads.Add(1)) <= nulls {
			writeJSON(w, http.StatusOK, browserAnswer(status, ""))
			return
		}
		writeJSON(w, http.StatusOK, browserAnswer(status, cdpURL))
	})
	return srv, &reads
}

func TestWaitForCDPWaitsForTheURLAndResolvesIt(t *testing.T) {
	cdp := newCDPHost(t, http.StatusOK, `{"Browser":"HeadlessChrome/140","webSocketDebuggerUrl":"`+wsURL+`"}`)
	api, reads := browserAPI(t, 2, "active", cdp.URL)
	c := api.client(t, browseruse.WithPollInterval(time.Millisecond, time.Millisecond),
		browseruse.WithHeader("X-Trace", "trace-7"))

	got, err := c.WaitForCDP(context.Background(), browserID)
	require.NoError(t, err)
	require.Equal(t, wsURL, got)
	require.Equal(t, int32(3), reads.Load(), "two reads with a null cdpUrl, then the one with it")

	headers, paths := cdp.received()
	require.Equal(t, []string{"/json/version"}, paths)
	for name, values := range headers[0] {
		for _, v := range values {
			require.NotContains(t, v, testKey, "header %s", name)
		}
	}
	require.Empty(t, headers[0].Get("X-Browser-Use-API-Key"), "the key never goes to the CDP host")
	require.Empty(t, headers[0].Get("X-Trace"), "nor the client's headers")
	require.NotContains(t, headers[0].Get("User-Agent"), "browseruse-go", "nor its User-Agent")
	require.Equal(t, "trace-7", api.received()[0].Header.Get("X-Trace"), "the API does get them")
}

func TestWaitForCDPKeepsThePathOfTheCDPURL(t *testing.T) {
	cdp := newCDPHost(t, http.StatusOK, `{"webSocketDebuggerUrl":"`+wsURL+`"}`)
	api, _ := browserAPI(t, 0, "active", cdp.URL+"/b/7a1c/")
	_, err := api.client(t).WaitForCDP(context.Background(), browserID)
	require.NoError(t, err)
	_, paths := cdp.received()
	require.Equal(t, []string{"/b/7a1c/json/version"}, paths)
}

func TestWaitForCDPRefusesBadAnswers(t *testing.T) {
	cases := map[string]struct {
		status int
		body   string
		reason string
	}{
		"oversized":     {http.StatusOK, `{"webSocketDebuggerUrl":"` + wsURL + `","pad":"` + strings.Repeat("x", 70<<10) + `"}`, "over 65536 bytes"},
		"not JSON":      {http.StatusOK, `<html>hello</html>`, "not a JSON object"},
		"no field":      {http.StatusOK, `{"Browser":"HeadlessChrome/140"}`, "no webSocketDebuggerUrl"},
		"not ws":        {http.StatusOK, `{"webSocketDebuggerUrl":"http://127.0.0.1:9222/x"}`, "not a ws:// or wss:// URL"},
		"refused":       {http.StatusForbidden, `{}`, "refused"},
		"still failing": {http.StatusBadGateway, `bad gateway`, "refused"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			cdp := newCDPHost(t, tc.status, tc.body)
			api, _ := browserAPI(t, 0, "active", cdp.URL)
			_, err := api.client(t).WaitForCDP(context.Background(), browserID)
			require.ErrorIs(t, err, browseruse.ErrCDP)
			var cdpErr *browseruse.CDPError
			require.ErrorAs(t, err, &cdpErr)
			require.Equal(t, browserID, cdpErr.BrowserID)
			require.Contains(t, err.Error(), tc.reason)
			host := strings.TrimPrefix(cdp.URL, "http://")
			require.NotContains(t, err.Error(), host, "the CDP endpoint's address is a credential")
			require.NotContains(t, fmt.Sprintf("%#v %+v", err, err), host)
			if name == "oversized" {
				require.ErrorIs(t, err, browseruse.ErrResponseTooLarge)
			}
			if name == "still failing" {
				require.ErrorIs(t, err, browseruse.ErrServer)
				require.Greater(t, cdpErr.Attempts, 1, "a 502 is retried")
			}
		})
	}
}

func TestWaitForCDPMasksTheHostOfAFailedConnection(t *testing.T) {
	cdp := newCDPHost(t, http.StatusOK, `{}`)
	host := strings.TrimPrefix(cdp.URL, "http://")
	cdp.Close() // nothing listens there any more
	api, _ := browserAPI(t, 0, "active", "http://"+host)
	_, err := api.client(t).WaitForCDP(context.Background(), browserID)
	require.ErrorIs(t, err, browseruse.ErrCDP)
	require.NotContains(t, err.Error(), host)
}

func TestWaitForCDPRefusesAPlainHTTPURLToAnotherHost(t *testing.T) {
	api, _ := browserAPI(t, 0, "active", "http://cdp.example:9222")
	_, err := api.client(t).WaitForCDP(context.Background(), browserID)
	require.ErrorIs(t, err, browseruse.ErrCDP)
	require.Contains(t, err.Error(), "must be https")
}

func TestWaitForCDPEndsOnAStoppedBrowser(t *testing.T) {
	api, reads := browserAPI(t, 1000, "stopped", "")
	_, err := api.client(t).WaitForCDP(context.Background(), browserID)
	require.ErrorIs(t, err, browseruse.ErrBrowserStopped)
	require.Equal(t, int32(1), reads.Load(), "no polling of a stopped browser")
}

func TestWaitForCDPEndsWithTheContext(t *testing.T) {
	api, reads := browserAPI(t, 1<<30, "active", "")
	ctx, cancel := context.WithCancel(context.Background())
	c := api.client(t, browseruse.WithPollInterval(time.Millisecond, time.Millisecond), browseruse.WithLogger(slog.New(slog.DiscardHandler)))
	go func() {
		for reads.Load() < 3 {
			runtime.Gosched()
		}
		cancel()
	}()
	_, err := c.WaitForCDP(ctx, browserID)
	require.ErrorIs(t, err, context.Canceled)
	require.Contains(t, err.Error(), browserID)
}

func TestWaitForCDPEndsOnAMissingBrowser(t *testing.T) {
	api, _ := browserAPI(t, 0, "active", "")
	_, err := api.client(t).WaitForCDP(context.Background(), missingBrowser)
	require.ErrorIs(t, err, browseruse.ErrBrowserNotFound)
}

const missingBrowser = "00000000-0000-4000-8000-000000000000"

// downloadPages serves GET /browsers/{id}/downloads from pages, by cursor
// ("" the first).
func downloadPages(t *testing.T, pages map[string]string) (*apiServer, *atomic.Int32) {
	t.Helper()
	var calls atomic.Int32
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		body, ok := pages[r.URL.Query().Get("cursor")]
		if !ok {
			writeJSON(w, http.StatusUnprocessableEntity, `{"detail":[{"loc":["query","cursor"],"msg":"Invalid cursor","type":"value_error"}]}`)
			return
		}
		writeJSON(w, http.StatusOK, body)
	})
	return srv, &calls
}

func downloadPage(next string, more bool, names ...string) string {
	var files []string
	for _, n := range names {
		files = append(files, `{"path":"`+n+`","size":3,"lastModified":"2026-01-02T03:05:00Z","url":null}`)
	}
	cursor := "null"
	if next != "" {
		cursor = `"` + next + `"`
	}
	return fmt.Sprintf(`{"files":[%s],"nextCursor":%s,"hasMore":%t}`, strings.Join(files, ","), cursor, more)
}

func collectDownloads(c *browseruse.Client, p browseruse.BrowserDownloadsParams) ([]string, error) {
	var names []string
	for f, err := range c.BrowserDownloads(context.Background(), browserID, p) {
		if err != nil {
			return names, err
		}
		names = append(names, f.Path)
	}
	return names, nil
}

func TestBrowserDownloadsFollowsTheCursors(t *testing.T) {
	api, calls := downloadPages(t, map[string]string{
		"":   downloadPage("c1", true, "a.pdf", "b.pdf"),
		"c1": downloadPage("c2", true, "c.pdf", "d.pdf"),
		"c2": downloadPage("", false, "e.pdf"),
	})
	names, err := collectDownloads(api.client(t), browseruse.BrowserDownloadsParams{Limit: browseruse.Ptr(2)})
	require.NoError(t, err)
	require.Equal(t, []string{"a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf"}, names)
	require.Equal(t, int32(3), calls.Load())
	for _, r := range api.received() {
		require.Contains(t, r.Query, "limit=2")
	}

	names, err = collectDownloads(api.client(t), browseruse.BrowserDownloadsParams{Cursor: "c1"})
	require.NoError(t, err)
	require.Equal(t, []string{"c.pdf", "d.pdf", "e.pdf"}, names, "from the cursor given")
}

func TestBrowserDownloadsAlwaysEnds(t *testing.T) {
	cases := map[string]struct {
		pages map[string]string
		want  []string
		stuck bool
	}{
		"the same cursor again": {map[string]string{
			"": downloadPage("c1", true, "a"), "c1": downloadPage("c1", true, "b"),
		}, []string{"a", "b"}, true},
		"a cycle of cursors": {map[string]string{
			"": downloadPage("c1", true, "a"), "c1": downloadPage("c2", true, "b"), "c2": downloadPage("c1", true, "c"),
		}, []string{"a", "b", "c"}, true},
		"back to the start": {map[string]string{
			"": downloadPage("c1", true, "a"), "c1": downloadPage("", true, "b"),
		}, []string{"a", "b"}, false},
		"an empty page that says more": {map[string]string{
			"": downloadPage("c1", true, "a"), "c1": downloadPage("c2", true), "c2": downloadPage("", false, "never"),
		}, []string{"a"}, false},
		"a cursor without hasMore": {map[string]string{
			"": downloadPage("c1", false, "a"), "c1": downloadPage("", false, "never"),
		}, []string{"a"}, false},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			api, _ := downloadPages(t, tc.pages)
			names, err := collectDownloads(api.client(t), browseruse.BrowserDownloadsParams{})
			require.Equal(t, tc.want, names)
			if tc.stuck {
				require.ErrorIs(t, err, browseruse.ErrPagingStuck)
			} else {
				require.NoError(t, err)
			}
		})
	}
}

func TestBrowserDownloadsStopsWhenTheLoopBreaks(t *testing.T) {
	api, calls := downloadPages(t, map[string]string{
		"": downloadPage("c1", true, "a", "b"), "c1": downloadPage("", false, "c"),
	})
	for range api.client(t).BrowserDownloads(context.Background(), browserID, browseruse.BrowserDownloadsParams{}) {
		break
	}
	require.Equal(t, int32(1), calls.Load())
}

func TestBrowserDownloadsKeepsLinksOutOfErrors(t *testing.T) {
	link := "https://storage.example/report.pdf?X-Amz-Signature=" + fakeSignature
	api, _ := downloadPages(t, map[string]string{
		"": `{"files":[{"path":"report.pdf","size":"big","lastModified":"2026-01-02T03:05:00Z","url":"` + link + `"}],"hasMore":false}`,
	})
	_, err := collectDownloads(api.client(t), browseruse.BrowserDownloadsParams{IncludeURLs: true})
	require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
	var rv *browseruse.ResponseValidationError
	require.ErrorAs(t, err, &rv)
	require.Empty(t, rv.Body)
	require.NotContains(t, fmt.Sprintf("%v %+v %#v", err, err, err), fakeSignature)
}

// browserLifecycleAPI answers create, stop and list of one browser, and
// counts the stops.
func browserLifecycleAPI(t *testing.T) (*apiServer, *atomic.Int32) {
	t.Helper()
	var stops atomic.Int32
	srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.Method + " " + r.URL.Path {
		case "POST /api/v2/browsers":
			writeJSON(w, http.StatusCreated, browserAnswer("active", ""))
		case "PATCH /api/v2/browsers/" + browserID:
			stops.Add(1)
			writeJSON(w, http.StatusOK, browserAnswer("stopped", ""))
		case "GET /api/v2/browsers":
			items := ""
			if stops.Load() == 0 {
				items = browserAnswer("active", "")
			}
			writeJSON(w, http.StatusOK, `{"items":[`+items+`],"totalItems":`+map[bool]string{true: "1", false: "0"}[items != ""]+`,"pageNumber":1,"pageSize":100}`)
		default:
			writeJSON(w, http.StatusNotFound, `{"detail":"Session not found"}`)
		}
	})
	return srv, &stops
}

func TestRunBrowserStopsTheBrowserWhateverHappens(t *testing.T) {
	boom := errors.New("boom")
	t.Run("fn fails", func(t *testing.T) {
		api, stops := browserLifecycleAPI(t)
		err := api.client(t).RunBrowser(context.Background(), browseruse.CreateBrowserParams{}, func(_ context.Context, b *browseruse.Browser) error {
			require.Equal(t, browserID, b.ID)
			return boom
		})
		require.ErrorIs(t, err, boom)
		require.Equal(t, int32(1), stops.Load())
	})
	t.Run("fn succeeds", func(t *testing.T) {
		api, stops := browserLifecycleAPI(t)
		require.NoError(t, api.client(t).RunBrowser(context.Background(), browseruse.CreateBrowserParams{}, func(context.Context, *browseruse.Browser) error { return nil }))
		require.Equal(t, int32(1), stops.Load())
	})
	t.Run("fn panics", func(t *testing.T) {
		api, stops := browserLifecycleAPI(t)
		require.PanicsWithValue(t, "kaboom", func() {
			_ = api.client(t).RunBrowser(context.Background(), browseruse.CreateBrowserParams{}, func(context.Context, *browseruse.Browser) error { panic("kaboom") })
		})
		require.Equal(t, int32(1), stops.Load(), "stopped before the panic went on")
	})
	t.Run("ctx cancelled", func(t *testing.T) {
		api, stops := browserLifecycleAPI(t)
		ctx, cancel := context.WithCancel(context.Background())
		err := api.client(t).RunBrowser(ctx, browseruse.CreateBrowserParams{}, func(ctx context.Context, _ *browseruse.Browser) error {
			cancel()
			return ctx.Err()
		})
		require.ErrorIs(t, err, context.Canceled)
		require.Equal(t, int32(1), stops.Load(), "stopped with a context of its own")
	})
	t.Run("the stop fails", func(t *testing.T) {
		var logs logBuffer
		srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost {
				writeJSON(w, http.StatusCreated, browserAnswer("active", ""))
				return
			}
			writeJSON(w, http.StatusBadRequest, `{"detail":"nope"}`)
		})
		err := srv.client(t, browseruse.WithLogger(logs.logger())).RunBrowser(context.Background(), browseruse.CreateBrowserParams{},
			func(context.Context, *browseruse.Browser) error { return nil })
		require.Error(t, err)
		require.Contains(t, err.Error(), "browser "+browserID+" may still be active (and billing)")
		require.Contains(t, err.Error(), "StopActiveBrowsers")
		require.Contains(t, logs.String(), "browser_id="+browserID)
	})
}

func TestStopBrowserOnExitTreatsAGoneBrowserAsStopped(t *testing.T) {
	api, _ := browserLifecycleAPI(t)
	require.NoError(t, api.client(t).StopBrowserOnExit(context.Background(), missingBrowser))
}

func TestStopActiveBrowsers(t *testing.T) {
	api, stops := browserLifecycleAPI(t)
	stopped, err := api.client(t).StopActiveBrowsers(context.Background())
	require.NoError(t, err)
	require.Equal(t, []string{browserID}, stopped)
	require.Equal(t, int32(1), stops.Load())
	for _, r := range api.received() {
		if r.Method == http.MethodGet {
			require.Equal(t, "pageSize=100&pageNumber=1&filterBy=active", r.Query)
		}
	}
}

func TestCreateBrowserBodies(t *testing.T) {
	cases := []struct {
		name   string
		params browseruse.CreateBrowserParams
		want   string
	}{
		{"empty sends {}", browseruse.CreateBrowserParams{}, `{}`},
		{"proxy off sends null", browseruse.CreateBrowserParams{Proxy: browseruse.ProxyOff()}, `{"proxyCountryCode":null}`},
		{"proxy country is lowercased", browseruse.CreateBrowserParams{Proxy: browseruse.ProxyIn("DE")}, `{"proxyCountryCode":"de"}`},
		{"timeout in minutes", browseruse.CreateBrowserParams{TimeoutMinutes: 240}, `{"timeout":240}`},
		{"false is sent as false", browseruse.CreateBrowserParams{AllowResizing: browseruse.Ptr(false), EnableRecording: browseruse.Ptr(false)},
			`{"allowResizing":false,"enableRecording":false}`},
		{"every field", browseruse.CreateBrowserParams{
			ProfileID: profileID, ScreenWidth: browseruse.Ptr(1280), ScreenHeight: browseruse.Ptr(720),
			CustomProxy: &browseruse.CustomProxy{Host: "proxy.example", Port: 8080, Username: "u", Password: "p4ssw0rd-secret"},
		}, `{"browserScreenHeight":720,"browserScreenWidth":1280,"customProxy":{"host":"proxy.example","password":"p4ssw0rd-secret","port":8080,"username":"u"},"profileId":"` + profileID + `"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			api, _ := browserLifecycleAPI(t)
			_, err := api.client(t).CreateBrowser(context.Background(), tc.params)
			require.NoError(t, err)
			require.Equal(t, tc.want, api.received()[0].Body)
		})
	}
}

func TestCreateBrowserRefusesATimeoutBelowOneMinute(t *testing.T) {
	api, _ := browserLifecycleAPI(t)
	_, err := api.client(t).CreateBrowser(context.Background(), browseruse.CreateBrowserParams{TimeoutMinutes: -5})
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.Contains(t, err.Error(), "TimeoutMinutes (timeout)")
	require.Empty(t, api.received(), "nothing was sent")
}

func TestCreateBrowserIsACreate(t *testing.T) {
	t.Run("a 500 may have started one", func(t *testing.T) {
		api := newAPIServer(t, answer(http.StatusInternalServerError, `{"detail":"oops"}`))
		_, err := api.client(t).CreateBrowser(context.Background(), browseruse.CreateBrowserParams{})
		require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
		require.Contains(t, err.Error(), "a browser may have been started")
		require.Contains(t, err.Error(), "ListBrowsers")
		require.Len(t, api.received(), 1, "a create that was sent is not retried")
	})
	t.Run("429 is the plan's cap", func(t *testing.T) {
		api := newAPIServer(t, answer(http.StatusTooManyRequests, `{"detail":"Too many concurrent active sessions. Please wait for one to finish, kill one, or upgrade your plan."}`))
		_, err := api.client(t, browseruse.WithRetry(browseruse.RetryPolicy{})).CreateBrowser(context.Background(), browseruse.CreateBrowserParams{})
		require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
		require.NotErrorIs(t, err, browseruse.ErrRateLimited)
		require.NotErrorIs(t, err, browseruse.ErrOutcomeUnknown)
		require.Contains(t, err.Error(), "stop a session or a browser first")
	})
	t.Run("403 is the timeout's limit", func(t *testing.T) {
		api := newAPIServer(t, answer(http.StatusForbidden, `{"detail":"Maximum session timeout is 4 hours (240 minutes)."}`))
		_, err := api.client(t).CreateBrowser(context.Background(), browseruse.CreateBrowserParams{TimeoutMinutes: 300})
		require.ErrorIs(t, err, browseruse.ErrBrowserTimeoutTooLong)
		require.NotErrorIs(t, err, browseruse.ErrUnauthorized)
	})
	t.Run("another 403 is not", func(t *testing.T) {
		api := newAPIServer(t, answer(http.StatusForbidden, `{"detail":"Not allowed for this key"}`))
		_, err := api.client(t).CreateBrowser(context.Background(), browseruse.CreateBrowserParams{})
		require.ErrorIs(t, err, browseruse.ErrUnauthorized)
		require.NotErrorIs(t, err, browseruse.ErrBrowserTimeoutTooLong)
	})
}

func TestCreateBrowserParamsMaskTheProxyPassword(t *testing.T) {
	const password = "hunter2-very-secret"
	p := browseruse.CreateBrowserParams{TimeoutMinutes: 10, CustomProxy: &browseruse.CustomProxy{Host: "proxy.example", Port: 8080, Password: password}}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, p)
		require.NotContains(t, out, password, verb)
		require.Contains(t, out, "TimeoutMinutes: 10", verb)
	}
	var logs logBuffer
	slog.New(slog.NewJSONHandler(&logs, nil)).Info("create", "params", p)
	require.NotContains(t, logs.String(), password)
	require.Contains(t, logs.String(), `"timeout":10`)

	// A server that quotes the password back: masked in the error.
	api := newAPIServer(t, answer(http.StatusUnprocessableEntity, `{"detail":[{"loc":["body","customProxy","password"],"msg":"bad `+password+`","type":"value_error"}]}`))
	_, err := api.client(t).CreateBrowser(context.Background(), p)
	require.ErrorIs(t, err, browseruse.ErrRejected)
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.NotContains(t, fmt.Sprintf("%v %+v %#v %s", err, err, err, apiErr.RawBody), password)
}

// TestWaitForCDPEndsWithTheContextAtTheEndpoint: a context that ends while
// /json/version is being asked gives the same error as while polling: the
// context's cause, not the endpoint's failure (ErrCDP).
func TestWaitForCDPEndsWithTheContextAtTheEndpoint(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cdp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cancel() // the caller gives up while the endpoint thinks
		<-r.Context().Done()
	}))
	defer cdp.Close()
	api, _ := browserAPI(t, 0, "active", cdp.URL)
	_, err := api.client(t).WaitForCDP(ctx, browserID)
	require.ErrorIs(t, err, context.Canceled)
	require.NotErrorIs(t, err, browseruse.ErrCDP)
	require.Contains(t, err.Error(), "the wait ended")
}

// TestWaitForCDPFollowsNoRedirectToAnotherOrigin: a /json/version that
// redirects to another host (port) is refused, and that host never hears
// from the client.
func TestWaitForCDPFollowsNoRedirectToAnotherOrigin(t *testing.T) {
	var reached atomic.Int32
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		_, _ = w.Write([]byte(`{"webSocketDebuggerUrl":"` + wsURL + `"}`))
	}))
	defer elsewhere.Close()
	cdp := httptest.NewServer(http.RedirectHandler(elsewhere.URL+"/json/version", http.StatusFound))
	defer cdp.Close()
	api, _ := browserAPI(t, 0, "active", cdp.URL)
	_, err := api.client(t).WaitForCDP(context.Background(), browserID)
	require.ErrorIs(t, err, browseruse.ErrCDP)
	require.ErrorIs(t, err, browseruse.ErrCrossOriginRedirect)
	require.Zero(t, reached.Load(), "the redirect to another origin was not followed")
	require.NotContains(t, err.Error(), strings.TrimPrefix(elsewhere.URL, "http://"))
}
