package browserusetest

// Tests of the browser store with a stub in place of Chromium (the launch
// hook): fast, and run where no Chromium is installed. The real process is
// tested in chromium_test.go and by the facade's tests.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// stubBrowser is a browserProcess without Chromium: an httptest server
// that answers /json/version, and a download directory.
type stubBrowser struct {
	srv   *httptest.Server
	dir   string
	stops atomic.Int32
}

func (s *stubBrowser) CDPURL() string      { return s.srv.URL }
func (s *stubBrowser) DownloadDir() string { return s.dir }
func (s *stubBrowser) Stop() {
	if s.stops.Add(1) == 1 {
		s.srv.Close()
	}
}

// stubs starts stub browsers and remembers them.
type stubs struct {
	t        *testing.T
	mu       sync.Mutex
	started  []*stubBrowser
	fail     error // set with setFail
	launches atomic.Int32
	screens  []screenSize // each launch's, in order
}

func (s *stubs) launch(_ context.Context, screen screenSize) (browserProcess, error) {
	s.launches.Add(1)
	s.mu.Lock()
	s.screens = append(s.screens, screen)
	fail := s.fail
	s.mu.Unlock()
	if fail != nil {
		return nil, fail
	}
	b := &stubBrowser{dir: s.t.TempDir()}
	b.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/json/version" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"Browser":"HeadlessChrome/140","webSocketDebuggerUrl":"ws://`+r.Host+`/devtools/browser/stub"}`)
	}))
	s.mu.Lock()
	s.started = append(s.started, b)
	s.mu.Unlock()
	return b, nil
}

func (s *stubs) setFail(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fail = err
}

func (s *stubs) get(i int) *stubBrowser {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started[i]
}

// withLaunch replaces the fake's Chromium with launch.
func withLaunch(launch func(context.Context, screenSize) (browserProcess, error)) Option {
	return func(f *Fake) { f.launch = launch }
}

// startStubbed starts a server whose browsers are stubs; it is closed, and
// every stub must have been stopped exactly once, at the end of the test.
func startStubbed(t *testing.T, opts ...Option) (*Server, *browseruse.Client, *stubs) {
	t.Helper()
	st := &stubs{t: t}
	srv := NewServer(append(opts, WithoutLeakCheck(), withLaunch(st.launch))...)
	t.Cleanup(func() {
		srv.Close()
		for i, b := range st.started {
			require.Equal(t, int32(1), b.stops.Load(), "stub %d stopped once", i)
		}
	})
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict))
	require.NoError(t, err)
	return srv, c, st
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestBrowserLifecycle(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	srv, c, st := startStubbed(t, WithClock(clk.Now))
	b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	require.Equal(t, browseruse.BrowserActive, b.Status)
	require.Equal(t, st.get(0).CDPURL(), browseruse.Deref(b.CdpURL))
	require.Equal(t, clk.Now().Add(time.Hour), b.TimeoutAt.Time, "60 minutes by default")
	require.Equal(t, []string{b.ID}, srv.ActiveBrowserIDs())

	resp, err := http.Get(browseruse.Deref(b.LiveURL))
	require.NoError(t, err)
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(page), b.ID, "the live URL is a page of the fake")

	ws, err := c.WaitForCDP(ctx, b.ID)
	require.NoError(t, err)
	require.Equal(t, "ws://"+strings.TrimPrefix(st.get(0).CDPURL(), "http://")+"/devtools/browser/stub", ws)

	clk.Add(90 * time.Second)
	stopped, err := c.StopBrowser(ctx, b.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.BrowserStopped, stopped.Status)
	require.Nil(t, stopped.CdpURL)
	require.Equal(t, clk.Now(), stopped.FinishedAt.Time)
	require.Equal(t, browseruse.Decimal("0.000667"), *stopped.BrowserCost, "2 started minutes at $0.02 an hour")
	require.Equal(t, int32(1), st.get(0).stops.Load(), "stopping ends the process")
	require.Empty(t, srv.ActiveBrowserIDs())

	again, err := c.StopBrowser(ctx, b.ID)
	require.NoError(t, err, "stopping twice is harmless")
	require.Equal(t, stopped.FinishedAt, again.FinishedAt)
	_, err = c.WaitForCDP(ctx, b.ID)
	require.ErrorIs(t, err, browseruse.ErrBrowserStopped)
}

// TestTheCreatesScreenSizeReachesTheLaunch: browserScreenWidth and
// browserScreenHeight are the window's (chromium.go passes --window-size).
func TestTheCreatesScreenSizeReachesTheLaunch(t *testing.T) {
	ctx := context.Background()
	_, c, st := startStubbed(t)
	_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{ScreenWidth: browseruse.Ptr(1280), ScreenHeight: browseruse.Ptr(800)})
	require.NoError(t, err)
	_, err = c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	st.mu.Lock()
	defer st.mu.Unlock()
	require.Equal(t, []screenSize{{1280, 800}, {}}, st.screens)
}

func TestBrowsersTimeOutOnTheFakesClock(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	_, c, st := startStubbed(t, WithClock(clk.Now))
	b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{TimeoutMinutes: 5})
	require.NoError(t, err)
	require.Equal(t, clk.Now().Add(5*time.Minute), b.TimeoutAt.Time)
	clk.Add(5*time.Minute - time.Second)
	got, err := c.GetBrowser(ctx, b.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.BrowserActive, got.Status)
	clk.Add(time.Hour)
	got, err = c.GetBrowser(ctx, b.ID)
	require.NoError(t, err)
	require.Equal(t, browseruse.BrowserStopped, got.Status, "the service stops a browser at its timeout")
	require.Equal(t, b.TimeoutAt.Time, got.FinishedAt.Time, "at the timeout, not when it was noticed")
	require.Equal(t, int32(1), st.get(0).stops.Load())
}

func TestBrowserCreateRules(t *testing.T) {
	ctx := context.Background()
	t.Run("timeout over 240 minutes: 403, nothing started", func(t *testing.T) {
		_, c, st := startStubbed(t)
		_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{TimeoutMinutes: 241})
		require.ErrorIs(t, err, browseruse.ErrBrowserTimeoutTooLong)
		require.Zero(t, st.launches.Load())
		_, err = c.CreateBrowser(ctx, browseruse.CreateBrowserParams{TimeoutMinutes: 240})
		require.NoError(t, err)
	})
	t.Run("an unknown profile: 404", func(t *testing.T) {
		_, c, st := startStubbed(t)
		_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{ProfileID: "00000000-0000-4000-8000-000000000000"})
		require.ErrorIs(t, err, browseruse.ErrProfileNotFound)
		require.Zero(t, st.launches.Load())
	})
	t.Run("a profile's lastUsedAt moves when a browser that loads it starts", func(t *testing.T) {
		_, c, st := startStubbed(t)
		p, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "alice"})
		require.NoError(t, err)
		require.Nil(t, p.LastUsedAt)
		st.setFail(errors.New("exec: permission denied"))
		_, err = c.CreateBrowser(ctx, browseruse.CreateBrowserParams{ProfileID: p.ID})
		require.Error(t, err)
		p, err = c.GetProfile(ctx, p.ID)
		require.NoError(t, err)
		require.Nil(t, p.LastUsedAt, "not by a browser that failed to start")
		st.setFail(nil)
		_, err = c.CreateBrowser(ctx, browseruse.CreateBrowserParams{ProfileID: p.ID})
		require.NoError(t, err)
		p, err = c.GetProfile(ctx, p.ID)
		require.NoError(t, err)
		require.NotNil(t, p.LastUsedAt)
	})
	t.Run("sessions and browsers share the cap", func(t *testing.T) {
		_, c, _ := startStubbed(t, WithMaxActiveSessions(1))
		b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		require.NoError(t, err)
		_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions, "a browser counts")
		_, err = c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
		_, err = c.StopBrowser(ctx, b.ID)
		require.NoError(t, err)
		s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.NoError(t, err, "a stopped browser does not")
		_, err = c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions, "a session counts")
		require.NoError(t, c.StopOnExit(ctx, s.ID))
	})
	t.Run("no Chromium: 503 saying how to install one", func(t *testing.T) {
		_, c, st := startStubbed(t)
		st.setFail(errNoChromium)
		_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		var apiErr *browseruse.APIError
		require.ErrorAs(t, err, &apiErr)
		require.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
		require.Contains(t, apiErr.Detail, "apt-get install chromium")
		require.Contains(t, apiErr.Detail, "WithChromium")
		require.Contains(t, apiErr.Detail, "BROWSERUSE_CHROMIUM")
	})
	t.Run("a failed start: 503, nothing left counted", func(t *testing.T) {
		_, c, st := startStubbed(t, WithMaxActiveSessions(1))
		st.setFail(errors.New("exec: permission denied"))
		_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		require.ErrorIs(t, err, browseruse.ErrServer)
		s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
		require.NoError(t, err, "the failed start holds no slot of the cap")
		require.NoError(t, c.StopOnExit(ctx, s.ID))
	})
}

func TestCDPDelayHidesTheURLOnTheFirstReads(t *testing.T) {
	ctx := context.Background()
	srv, c, _ := startStubbed(t, WithCDPDelay(2))
	b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	require.Nil(t, b.CdpURL, "not in the create's answer")
	for i := range 2 {
		got, err := c.GetBrowser(ctx, b.ID)
		require.NoError(t, err)
		require.Nil(t, got.CdpURL, "read %d", i+1)
	}
	got, err := c.GetBrowser(ctx, b.ID)
	require.NoError(t, err)
	require.NotNil(t, got.CdpURL, "the third read has it")

	b2, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	before := srv.RequestCount(OpGetBrowser)
	_, err = c.WaitForCDP(ctx, b2.ID)
	require.NoError(t, err)
	require.Equal(t, 3, srv.RequestCount(OpGetBrowser)-before, "WaitForCDP polled through the null answers")
}

func TestListBrowsersPagesNewestFirst(t *testing.T) {
	ctx := context.Background()
	_, c, _ := startStubbed(t)
	var ids []string
	for range 3 {
		b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		require.NoError(t, err)
		ids = append(ids, b.ID)
	}
	_, err := c.StopBrowser(ctx, ids[0])
	require.NoError(t, err)
	page, err := c.ListBrowsers(ctx, browseruse.ListBrowsersParams{PageSize: browseruse.Ptr(2)})
	require.NoError(t, err)
	require.Equal(t, 3, page.TotalItems)
	require.Equal(t, []string{ids[2], ids[1]}, []string{page.Items[0].ID, page.Items[1].ID})
	var all []string
	for b, err := range c.AllBrowsers(ctx, browseruse.ListBrowsersParams{PageSize: browseruse.Ptr(1)}) {
		require.NoError(t, err)
		all = append(all, b.ID)
	}
	require.Equal(t, []string{ids[2], ids[1], ids[0]}, all)
	active, err := c.ListBrowsers(ctx, browseruse.ListBrowsersParams{Status: browseruse.BrowserActive})
	require.NoError(t, err)
	require.Equal(t, 2, active.TotalItems)
	stopped, err := c.StopActiveBrowsers(ctx)
	require.NoError(t, err)
	require.ElementsMatch(t, ids[1:], stopped)
}

func TestBrowserDownloadsListTheDownloadDirectory(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	srv, c, st := startStubbed(t, WithClock(clk.Now))
	b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	dir := st.get(0).dir
	base := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for i, name := range []string{"c.txt", "a.txt", "b.txt"} { // written in this order
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte("file "+name), 0o644))
		require.NoError(t, os.Chtimes(path, base.Add(time.Duration(i)*time.Minute), base.Add(time.Duration(i)*time.Minute)))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "d.txt.crdownload"), []byte("partial"), 0o644))
	require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))

	var names []string
	var links []string
	for f, err := range c.BrowserDownloads(ctx, b.ID, browseruse.BrowserDownloadsParams{Limit: browseruse.Ptr(2), IncludeURLs: true}) {
		require.NoError(t, err)
		names = append(names, f.Path)
		links = append(links, browseruse.Deref(f.URL))
		require.Equal(t, len("file "+f.Path), f.Size)
	}
	require.Equal(t, []string{"a.txt", "b.txt", "c.txt"}, names, "in name order (as S3 lists keys), finished files only")
	require.Equal(t, 2, srv.RequestCount(OpBrowserDownloads), "two pages of two")

	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	require.True(t, strings.HasPrefix(links[0], srv.StorageURL+"/"), "served by the fake's storage")
	status, body := get(links[0])
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "file a.txt", body)

	// A file saved while paging does not shift the pages: the cursor names
	// the last file seen.
	names = nil
	for f, err := range c.BrowserDownloads(ctx, b.ID, browseruse.BrowserDownloadsParams{Limit: browseruse.Ptr(2)}) {
		require.NoError(t, err)
		names = append(names, f.Path)
		if f.Path == "b.txt" {
			require.NoError(t, os.WriteFile(filepath.Join(dir, "0-first.txt"), []byte("new"), 0o644))
		}
	}
	require.Equal(t, []string{"a.txt", "b.txt", "c.txt"}, names)

	for f, err := range c.BrowserDownloads(ctx, b.ID, browseruse.BrowserDownloadsParams{}) {
		require.NoError(t, err)
		require.Nil(t, f.URL, "no link unless asked")
	}

	_, err = c.StopBrowser(ctx, b.ID)
	require.NoError(t, err)
	names = nil
	for f, err := range c.BrowserDownloads(ctx, b.ID, browseruse.BrowserDownloadsParams{IncludeURLs: true}) {
		require.NoError(t, err)
		names = append(names, f.Path)
		if f.Path == "b.txt" {
			status, body := get(browseruse.Deref(f.URL))
			require.Equal(t, http.StatusOK, status)
			require.Equal(t, "file b.txt", body, "kept once the browser stopped and its directory is gone")
		}
	}
	require.Equal(t, []string{"0-first.txt", "a.txt", "b.txt", "c.txt"}, names)

	clk.Add(15 * time.Minute)
	status, body = get(links[0])
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, body, "Request has expired")
}

func TestBrowserDownloadsRefuseABadCursor(t *testing.T) {
	srv, c, _ := startStubbed(t)
	b, err := c.CreateBrowser(context.Background(), browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/browsers/"+b.ID+"/downloads?cursor=bm90LWEtY3Vyc29y", nil)
	req.Header.Set(apiKeyHeader, srv.APIKey())
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusUnprocessableEntity, resp.StatusCode)
	var body struct {
		Detail []validationError `json:"detail"`
	}
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	require.Equal(t, []any{"query", "cursor"}, body.Detail[0].Loc)
}

func TestUploadBrowserFile(t *testing.T) {
	ctx := context.Background()
	srv, c, _ := startStubbed(t)
	b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	f, err := c.UploadBrowserFile(ctx, b.ID, browseruse.UploadFileParams{Name: "notes.txt", Body: strings.NewReader("hello")})
	require.NoError(t, err)
	require.Equal(t, "notes.txt", f.Name)
	require.Equal(t, []File{{Name: "notes.txt", Data: []byte("hello")}}, srv.BrowserFiles(b.ID))
	require.NotEmpty(t, srv.StorageRequests())
	for _, r := range srv.StorageRequests() {
		require.False(t, r.SawAPIKey)
	}
	_, err = c.UploadBrowserFile(ctx, "00000000-0000-4000-8000-000000000000", browseruse.UploadFileParams{Name: "notes.txt", Body: strings.NewReader("hello")})
	require.ErrorIs(t, err, browseruse.ErrBrowserNotFound)
}

func TestCloseStopsEveryBrowser(t *testing.T) {
	ctx := context.Background()
	srv, c, st := startStubbed(t)
	for range 2 {
		_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		require.NoError(t, err)
	}
	srv.Fake.Close()
	require.Equal(t, int32(1), st.get(0).stops.Load())
	require.Equal(t, int32(1), st.get(1).stops.Load())
	require.Empty(t, srv.ActiveBrowserIDs())
	_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	require.Equal(t, int32(2), st.launches.Load(), "a closed fake starts no browser")
}

// recordingTB records what Start's leak check and SkipWithoutChromium
// report, and runs cleanups on demand.
type recordingTB struct {
	testing.TB
	mu              sync.Mutex
	errors          []string
	skipped, failed string
	cleanups        []func()
}

func (r *recordingTB) Helper()                           {}
func (r *recordingTB) Cleanup(f func())                  { r.cleanups = append(r.cleanups, f) }
func (r *recordingTB) Skip(args ...any)                  { r.skipped = fmt.Sprint(args...) }
func (r *recordingTB) Fatalf(format string, args ...any) { r.failed = fmt.Sprintf(format, args...) }
func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

func TestStartFailsATestThatLeavesBrowsersActive(t *testing.T) {
	st := &stubs{t: t}
	tb := &recordingTB{TB: t}
	srv := Start(tb, withLaunch(st.launch))
	c, err := srv.Client()
	require.NoError(t, err)
	stray, err := c.CreateBrowser(context.Background(), browseruse.CreateBrowserParams{})
	require.NoError(t, err)
	for i := len(tb.cleanups) - 1; i >= 0; i-- {
		tb.cleanups[i]()
	}
	require.Len(t, tb.errors, 1)
	require.Contains(t, tb.errors[0], "left 1 browser(s) active")
	require.Contains(t, tb.errors[0], stray.ID)
	require.Equal(t, int32(1), st.get(0).stops.Load(), "and its process was ended")
}

// A bare Fake.Close waits for a browser still starting, and returns only
// once its launch has returned and its process has been stopped.
func TestCloseWaitsForStartingBrowsers(t *testing.T) {
	st := &stubs{t: t}
	entered, release := make(chan struct{}), make(chan struct{})
	var launched atomic.Bool
	srv := NewServer(WithoutLeakCheck(), withLaunch(func(ctx context.Context, screen screenSize) (browserProcess, error) {
		close(entered)
		<-release
		defer launched.Store(true)
		return st.launch(ctx, screen)
	}))
	defer srv.Close()
	var releaseOnce sync.Once
	defer releaseOnce.Do(func() { close(release) }) // before srv.Close, which waits for the create
	c, err := srv.Client()
	require.NoError(t, err)
	created := make(chan error, 1)
	go func() {
		_, err := c.CreateBrowser(context.Background(), browseruse.CreateBrowserParams{})
		created <- err
	}()
	<-entered

	type atReturn struct {
		launched bool
		stops    int32
	}
	closeReturned := make(chan atReturn, 1)
	go func() {
		srv.Fake.Close()
		r := atReturn{launched: launched.Load()}
		st.mu.Lock()
		for _, b := range st.started {
			r.stops += b.stops.Load()
		}
		st.mu.Unlock()
		closeReturned <- r
	}()
	require.Eventually(t, func() bool {
		srv.Fake.mu.Lock()
		defer srv.Fake.mu.Unlock()
		return srv.Fake.closed
	}, 30*time.Second, time.Millisecond, "Close has begun")
	select {
	case r := <-closeReturned: // a margin, not a deadline: a Close that waits never gets here
		t.Fatalf("Close returned while a browser was starting: %+v", r)
	case <-time.After(100 * time.Millisecond):
	}
	releaseOnce.Do(func() { close(release) })
	require.Equal(t, atReturn{launched: true, stops: 1}, <-closeReturned, "Close returned after the launch, its process stopped")
	var apiErr *browseruse.APIError
	require.ErrorAs(t, <-created, &apiErr)
	require.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	require.Len(t, st.started, 1)
	require.Equal(t, int32(1), st.get(0).stops.Load(), "stopped once")
}
