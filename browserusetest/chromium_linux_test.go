package browserusetest

// Tests of the fake's Chromium processes. The ones named ...Script run a
// shell script in Chromium's place, to make a start fail, hang, or spawn
// helpers on cue; the others run the real Chromium (SkipWithoutChromium).
// Linux only: they read /proc to prove that no process outlives Stop.

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// writeScript writes an executable shell script named name into dir.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, []byte("#!/bin/sh\n"+body), 0o755))
	return path
}

// isolateTemp points TMPDIR at an empty directory and returns a check that
// launchChromium left nothing in it: neither its own directory nor one of
// Chromium's (every other entry is a t.TempDir).
func isolateTemp(t *testing.T) (noneLeft func()) {
	tmp, err := os.MkdirTemp("", "bu") // short: Chromium's sockets go under TMPDIR
	require.NoError(t, err)
	t.Cleanup(func() { _ = os.RemoveAll(tmp) })
	t.Setenv("TMPDIR", tmp)
	return func() {
		t.Helper()
		entries, err := os.ReadDir(tmp)
		require.NoError(t, err)
		var left []string
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), t.Name()) {
				left = append(left, e.Name())
			}
		}
		assert.Empty(t, left, "temporary directories left behind")
	}
}

// alive reports whether pid is a live (not zombie) process.
func alive(pid int) bool {
	state, _, ok := procStat(pid)
	return ok && state != 'Z' && state != 'X'
}

// readPid waits for a script to write a pid into path.
func readPid(t *testing.T, path string) int {
	t.Helper()
	var pid int
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(path)
		if err != nil || !strings.HasSuffix(string(b), "\n") {
			return false
		}
		pid, err = strconv.Atoi(strings.TrimSpace(string(b)))
		return err == nil
	}, 30*time.Second, 5*time.Millisecond)
	return pid
}

func TestFindChromiumOrder(t *testing.T) {
	bin := t.TempDir()
	for _, name := range []string{"chromium-browser", "google-chrome", "custom-chrome"} {
		writeScript(t, bin, name, "exit 0\n")
	}
	t.Setenv("PATH", bin)
	t.Setenv(EnvChromium, "")

	path, err := findChromium("")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(bin, "chromium-browser"), path, "chromium is missing: chromium-browser comes next")

	writeScript(t, bin, "chromium", "exit 0\n")
	path, err = findChromium("")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(bin, "chromium"), path, "chromium comes first")

	t.Setenv(EnvChromium, "google-chrome")
	path, err = findChromium("")
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(bin, "google-chrome"), path, "the variable beats PATH")

	path, err = findChromium(filepath.Join(bin, "custom-chrome"))
	require.NoError(t, err)
	assert.Equal(t, filepath.Join(bin, "custom-chrome"), path, "WithChromium beats the variable")

	_, err = findChromium(filepath.Join(bin, "no-such-chrome"))
	require.ErrorIs(t, err, errNoChromium, "a WithChromium that names nothing is no Chromium")
	assert.Contains(t, err.Error(), "no-such-chrome")

	t.Setenv(EnvChromium, "")
	t.Setenv("PATH", t.TempDir())
	_, err = findChromium("")
	require.ErrorIs(t, err, errNoChromium)
	for _, hint := range []string{"apt-get install chromium", "WithChromium", EnvChromium} {
		assert.Contains(t, err.Error(), hint)
	}

	_, err = NewFake(WithChromium(filepath.Join(bin, "no-such-chrome"))).launchBrowser(context.Background(), screenSize{})
	require.ErrorIs(t, err, errNoChromium, "launchBrowser uses WithChromium")
}

func TestSkipWithoutChromiumFailsWhenRequired(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	t.Setenv(EnvChromium, "")

	t.Setenv(EnvRequireChromium, "")
	var local recordingTB
	SkipWithoutChromium(&local)
	assert.Contains(t, local.skipped, "apt-get install chromium", "skipped, saying how to install one")
	assert.Empty(t, local.failed)

	t.Setenv(EnvRequireChromium, "1")
	var ci recordingTB
	SkipWithoutChromium(&ci)
	assert.Empty(t, ci.skipped, "CI cannot skip")
	assert.Contains(t, ci.failed, EnvRequireChromium)

	bin := t.TempDir()
	writeScript(t, bin, "chromium", "exit 0\n")
	t.Setenv("PATH", bin)
	var found recordingTB
	SkipWithoutChromium(&found)
	assert.Empty(t, found.skipped+found.failed, "a Chromium on PATH: the test runs")
}

func TestChromiumStderrWatch(t *testing.T) {
	w := newStderrWatch()
	for _, chunk := range []string{"noise\nDevTools list", "ening on ws://127.0.0.1:4242/devtools/browser/x\nmore\n"} {
		_, _ = w.Write([]byte(chunk))
	}
	assert.Equal(t, "ws://127.0.0.1:4242/devtools/browser/x", <-w.devtools, "the line is found across writes")
	_, _ = w.Write([]byte("DevTools listening on ws://127.0.0.1:1/again\n"))
	assert.Empty(t, w.devtools, "reported once")

	long := newStderrWatch()
	for i := range 1000 {
		_, _ = fmt.Fprintf(long, "line %d\n", i)
	}
	tail := long.tail()
	assert.LessOrEqual(t, len(tail), stderrTailSize)
	assert.True(t, strings.HasSuffix(tail, "line 999"), tail)
	assert.True(t, strings.HasPrefix(tail, "line "), "no partial first line: %q", tail[:20])
}

// A start that dies says why, with the end of Chromium's stderr.
func TestChromiumExitsEarlyScript(t *testing.T) {
	noneLeft := isolateTemp(t)
	path := writeScript(t, t.TempDir(), "chromium", "echo 'first line' >&2\necho 'FATAL: cannot open display' >&2\nexit 3\n")
	_, err := launchChromium(context.Background(), chromiumConfig{path: path})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "exited before DevTools listened")
	assert.Contains(t, err.Error(), "exit status 3")
	assert.Contains(t, err.Error(), "FATAL: cannot open display")
	assert.NotErrorIs(t, err, errNoSandbox)
	noneLeft()
}

// Without a usable sandbox, the start is retried once with --no-sandbox.
func TestChromiumNoSandboxRetryScript(t *testing.T) {
	noneLeft := isolateTemp(t)
	dir := t.TempDir()
	calls := filepath.Join(dir, "calls")
	path := writeScript(t, dir, "chromium", fmt.Sprintf(`echo "$*" >> %q
case " $* " in
*" --no-sandbox "*) echo 'DevTools listening on ws://127.0.0.1:9222/devtools/browser/x' >&2; exec sleep 300 ;;
*) echo 'FATAL:zygote_host_impl_linux.cc(128)] No usable sandbox! If you are running on Ubuntu...' >&2; exit 1 ;;
esac
`, calls))
	p, err := launchChromium(context.Background(), chromiumConfig{path: path})
	require.NoError(t, err)
	p.Stop()
	b, err := os.ReadFile(calls)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if os.Geteuid() == 0 {
		assert.Len(t, lines, 1, "as root --no-sandbox is passed at once")
	} else {
		require.Len(t, lines, 2, "not root: first with the sandbox, then without")
		assert.NotContains(t, lines[0], "--no-sandbox")
	}
	assert.Contains(t, lines[len(lines)-1], "--no-sandbox")
	noneLeft()

	require.NoError(t, os.Remove(calls))
	p, err = launchChromium(context.Background(), chromiumConfig{path: path, noSandbox: true, url: "http://127.0.0.1:1/"})
	require.NoError(t, err)
	p.Stop()
	b, err = os.ReadFile(calls)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(b), "\n"), "the flag given up front: one start")
	assert.Contains(t, string(b), "http://127.0.0.1:1/", "the first page is the last argument")
}

// A start that never listens is bounded, and leaves nothing behind.
func TestChromiumStartTimeoutScript(t *testing.T) {
	noneLeft := isolateTemp(t)
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	path := writeScript(t, dir, "chromium", fmt.Sprintf("echo 'starting' >&2\nsleep 300 &\necho $! > %q\nwait\n", pidFile))
	_, err := launchChromium(context.Background(), chromiumConfig{path: path, startTimeout: 300 * time.Millisecond})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "did not listen for DevTools within 300ms")
	assert.Contains(t, err.Error(), "starting")
	assert.False(t, alive(readPid(t, pidFile)), "the script's child was killed")
	noneLeft()
}

// A context cancelled mid-start ends the start, its helpers (those of the
// process group, and one that started a session of its own as crashpad's
// handler does) and its directory.
func TestChromiumCancelledMidStartScript(t *testing.T) {
	if _, err := exec.LookPath("setsid"); err != nil {
		t.Skip("no setsid:", err)
	}
	noneLeft := isolateTemp(t)
	dir := t.TempDir()
	childPid, escapedPid := filepath.Join(dir, "child"), filepath.Join(dir, "escaped")
	path := writeScript(t, dir, "chromium", fmt.Sprintf(`for a; do case $a in --user-data-dir=*) profile=${a#*=} ;; esac; done
mkfifo "$profile/fifo"
setsid sh -c 'echo $$ > "$1"; read x < "$2"' escaped "$profile/escaped" "$profile/fifo" &
sleep 300 &
echo $! > %q
while [ ! -s "$profile/escaped" ]; do sleep 0.01; done
cp "$profile/escaped" %q
wait
`, childPid, escapedPid))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := launchChromium(ctx, chromiumConfig{path: path})
		done <- err
	}()
	child, escaped := readPid(t, childPid), readPid(t, escapedPid)
	require.True(t, alive(child) && alive(escaped), "the helpers run before the cancel")
	cancel()
	err := <-done
	require.ErrorIs(t, err, context.Canceled)
	assert.False(t, alive(child), "the process group was killed")
	assert.False(t, alive(escaped), "the helper in a session of its own was killed")
	noneLeft()
}

// Stop may be called concurrently and again; it kills and removes once.
func TestChromiumStopIsIdempotentScript(t *testing.T) {
	noneLeft := isolateTemp(t)
	dir := t.TempDir()
	pidFile := filepath.Join(dir, "pid")
	path := writeScript(t, dir, "chromium", fmt.Sprintf("sleep 300 &\necho $! > %q\necho 'DevTools listening on ws://127.0.0.1:9/devtools/browser/x' >&2\nwait\n", pidFile))
	p, err := launchChromium(context.Background(), chromiumConfig{path: path})
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:9", p.CDPURL())
	assert.DirExists(t, p.DownloadDir())
	prefs, err := os.ReadFile(filepath.Join(p.dir, "profile", "Default", "Preferences"))
	require.NoError(t, err)
	var got struct {
		Download struct {
			Dir    string `json:"default_directory"`
			Prompt *bool  `json:"prompt_for_download"`
		} `json:"download"`
	}
	require.NoError(t, json.Unmarshal(prefs, &got))
	assert.Equal(t, p.DownloadDir(), got.Download.Dir)
	require.NotNil(t, got.Download.Prompt)
	assert.False(t, *got.Download.Prompt)

	child := readPid(t, pidFile)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(p.Stop)
	}
	wg.Wait()
	p.Stop()
	assert.False(t, alive(child))
	assert.False(t, alive(p.cmd.Process.Pid))
	noneLeft()
}

// launchReal starts the real Chromium with the fake's defaults.
func launchReal(t *testing.T) *chromiumProcess { return launchRealSized(t, screenSize{}) }

// launchRealSized starts the real Chromium with a window of this size.
func launchRealSized(t *testing.T, screen screenSize) *chromiumProcess {
	t.Helper()
	SkipWithoutChromium(t)
	p, err := NewFake().launchBrowser(context.Background(), screen)
	require.NoError(t, err)
	t.Cleanup(p.Stop)
	return p.(*chromiumProcess)
}

// getJSON GETs a DevTools endpoint into v.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
}

// The real Chromium: DevTools on 127.0.0.1 with one page to reuse, and
// nothing left once stopped.
func TestChromiumStartsAndStops(t *testing.T) {
	noneLeft := isolateTemp(t)
	p := launchReal(t)
	assert.Regexp(t, `^http://127\.0\.0\.1:\d+$`, p.CDPURL())

	var version struct{ Browser, WebSocketDebuggerURL string }
	getJSON(t, p.CDPURL()+"/json/version", &version)
	assert.Contains(t, version.Browser, "Chrome")
	assert.True(t, strings.HasPrefix(version.WebSocketDebuggerURL, "ws://"+strings.TrimPrefix(p.CDPURL(), "http://")+"/devtools/browser/"), version.WebSocketDebuggerURL)

	var targets []struct{ Type, URL string }
	getJSON(t, p.CDPURL()+"/json/list", &targets)
	pages := 0
	for _, target := range targets {
		if target.Type == "page" {
			pages++
			assert.Equal(t, "about:blank", target.URL)
		}
	}
	assert.Equal(t, 1, pages, "one page target, for CDP clients to reuse: %+v", targets)

	pgid := p.cmd.Process.Pid
	require.NotEmpty(t, liveProcesses(pgid, p.dir), "Chromium runs")
	p.Stop()
	assert.Empty(t, liveProcesses(pgid, p.dir), "no Chromium process outlives Stop")
	assert.NoDirExists(t, p.dir)
	_, err := http.Get(p.CDPURL() + "/json/version")
	assert.Error(t, err, "DevTools no longer listens")
	noneLeft()
}

// The real Chromium, cancelled as soon as it has started.
func TestChromiumCancelledAsItStarts(t *testing.T) {
	SkipWithoutChromium(t)
	noneLeft := isolateTemp(t)
	path, err := findChromium("")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = launchChromium(ctx, chromiumConfig{path: path, started: cancel})
	require.ErrorIs(t, err, context.Canceled)
	noneLeft()
	// Every Chromium process names its --user-data-dir, under TMPDIR.
	assert.Empty(t, liveProcesses(-1, os.Getenv("TMPDIR")), "no Chromium process outlives a cancelled start")
}

// A file the page downloads lands in DownloadDir: the profile sets it, so
// no CDP client need be connected (here the page is opened with DevTools'
// plain HTTP endpoint /json/new).
func TestChromiumDownloadsLandInDownloadDir(t *testing.T) {
	p := launchReal(t)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			fmt.Fprint(w, `<!doctype html><title>downloads</title><a id="a" href="/report.csv" download>report</a><script>document.getElementById("a").click()</script>`)
		case "/report.csv":
			w.Header().Set("Content-Type", "text/csv")
			w.Header().Set("Content-Disposition", `attachment; filename="report.csv"`)
			fmt.Fprint(w, "id,total\n1,42\n")
		default:
			http.NotFound(w, r)
		}
	}))
	defer site.Close()

	req, err := http.NewRequest(http.MethodPut, p.CDPURL()+"/json/new?"+site.URL+"/", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)

	saved := filepath.Join(p.DownloadDir(), "report.csv")
	require.Eventually(t, func() bool {
		b, err := os.ReadFile(saved)
		return err == nil && string(b) == "id,total\n1,42\n"
	}, 60*time.Second, 20*time.Millisecond, "the download lands in DownloadDir")
	home, err := os.ReadDir(filepath.Join(p.dir, "home"))
	require.NoError(t, err)
	for _, e := range home {
		assert.NotEqual(t, "Downloads", e.Name(), "nothing saved to ~/Downloads")
	}
}

// TestChromiumWindowHasTheCreatesScreenSize: browserScreenWidth and
// browserScreenHeight become the window's size (a page reports its
// innerWidth and innerHeight back); without them, Chromium's default,
// narrower one.
func TestChromiumWindowHasTheCreatesScreenSize(t *testing.T) {
	sizes := make(chan string, 1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/size" {
			select {
			case sizes <- r.URL.RawQuery:
			default:
			}
			return
		}
		fmt.Fprint(w, `<!doctype html><title>size</title><script>new Image().src = "/size?" + innerWidth + "x" + innerHeight</script>`)
	}))
	defer site.Close()
	for _, tc := range []struct {
		screen screenSize
		wide   bool
	}{{screenSize{1600, 900}, true}, {screenSize{}, false}} {
		p := launchRealSized(t, tc.screen)
		req, err := http.NewRequest(http.MethodPut, p.CDPURL()+"/json/new?"+site.URL+"/", nil)
		require.NoError(t, err)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		var got string
		select {
		case got = <-sizes:
		case <-time.After(60 * time.Second): // a deadlock guard, not a timing
			t.Fatal("the page never reported its size")
		}
		var w, h int
		_, err = fmt.Sscanf(got, "%dx%d", &w, &h)
		require.NoError(t, err, got)
		if tc.wide {
			require.Equal(t, 1600, w, "innerWidth of a 1600 x 900 window (%s)", got)
			require.InDelta(t, 900, h, 150, "innerHeight of a 1600 x 900 window (%s)", got)
		} else {
			require.Less(t, w, 1000, "Chromium's default window (%s)", got)
		}
		p.Stop()
	}
}

// BenchmarkChromiumStart is how long the fake takes to start a browser
// (until DevTools listens) and to stop it; it reports the medians of the
// iterations as start-ms and stop-ms.
//
//	go test -run '^$' -bench ChromiumStart -benchtime 10x ./browserusetest/
func BenchmarkChromiumStart(b *testing.B) {
	path, err := findChromium("")
	if err != nil {
		b.Skip(err)
	}
	var starts, stops []float64
	for b.Loop() {
		t0 := time.Now()
		p, err := launchChromium(context.Background(), chromiumConfig{path: path})
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		p.Stop()
		starts, stops = append(starts, t1.Sub(t0).Seconds()*1000), append(stops, time.Since(t1).Seconds()*1000)
	}
	b.ReportMetric(median(starts), "start-ms")
	b.ReportMetric(median(stops), "stop-ms")
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs) == 0 {
		return 0
	}
	return xs[len(xs)/2]
}

func TestNamesDir(t *testing.T) {
	for _, c := range []struct {
		cmdline, dir string
		want         bool
	}{
		{"chrome\x00--user-data-dir=/tmp/bu-1/profile\x00", "/tmp/bu-1", true},
		{"crashpad\x00--database=/tmp/bu-1\x00", "/tmp/bu-1", true},
		{"crashpad\x00/tmp/bu-1", "/tmp/bu-1", true},
		{"chrome\x00--user-data-dir=/tmp/bu-1/profile\x00", "/tmp/bu-1/", true},
		{"chrome\x00--user-data-dir=/tmp/bu-12/profile\x00", "/tmp/bu-1", false},
		{"chrome\x00--user-data-dir=/tmp/bu-12\x00", "/tmp/bu-1", false},
		{"a\x00/tmp/bu-12/x\x00/tmp/bu-1/y\x00", "/tmp/bu-1", true}, // a later, exact occurrence
		{"chrome\x00/tmp/bu-1/profile", "", false},
	} {
		assert.Equal(t, c.want, namesDir([]byte(c.cmdline), c.dir), "%q in %q", c.dir, c.cmdline)
	}
}

// Stopping one browser's stragglers leaves another's alone when one's
// directory is a prefix of the other's.
func TestKillStragglersPrefixDir(t *testing.T) {
	parent := t.TempDir()
	short, long := filepath.Join(parent, "bu-1"), filepath.Join(parent, "bu-12")
	start := func(dir string) *exec.Cmd {
		// sh keeps its arguments, the dir among them, while sleep runs (the
		// ":" after it stops sh from exec'ing sleep in its place).
		cmd := exec.Command("sh", "-c", "sleep 600; :", "sh", "--user-data-dir="+dir+"/profile")
		setProcessGroup(cmd)
		require.NoError(t, cmd.Start())
		t.Cleanup(func() { killGroup(cmd.Process.Pid); _ = cmd.Wait() })
		return cmd
	}
	a, b := start(short), start(long)
	pa, pb := a.Process.Pid, b.Process.Pid
	require.Eventually(t, func() bool {
		return slices.Contains(liveProcesses(-1, short), pa) && slices.Contains(liveProcesses(-1, long), pb)
	}, 30*time.Second, 5*time.Millisecond)
	assert.NotContains(t, liveProcesses(-1, short), pb)
	killStragglers(-1, short)
	assert.False(t, alive(pa), "the short dir's process is killed")
	assert.True(t, alive(pb), "the long dir's process is not")
}
