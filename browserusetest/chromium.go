package browserusetest

// The fake's browsers are real headless Chromium processes, one per browser
// session, reached over CDP on 127.0.0.1. This file finds a Chromium,
// starts one and stops it without leaving a process or a directory behind.

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment variables read by the fake's browsers.
const (
	// EnvChromium names the Chromium to run (a path, or a name looked up
	// on PATH), when WithChromium does not.
	EnvChromium = "BROWSERUSE_CHROMIUM"
	// EnvRequireChromium, set to 1 (as CI does), turns SkipWithoutChromium's
	// skip into a failure, so browser tests cannot silently not run.
	EnvRequireChromium = "BROWSERUSE_REQUIRE_CHROMIUM"
)

// chromiumNames are looked up on PATH, in this order, when neither
// WithChromium nor EnvChromium names one.
var chromiumNames = []string{"chromium", "chromium-browser", "google-chrome"}

// errNoChromium is wrapped by launchBrowser's error when no Chromium is found.
var errNoChromium = errors.New("browserusetest: no Chromium found to run the browser")

// chromiumHint says how to get one, in every errNoChromium error.
const chromiumHint = "install one (Debian/Ubuntu: apt-get install chromium), " +
	"or name it with browserusetest.WithChromium(path) or the " + EnvChromium + " variable"

// Headless Chromium's window when a create gives only one of the two sizes.
const defaultScreenWidth, defaultScreenHeight = 800, 600

// chromiumStartTimeout bounds a start when the context does not bound it
// sooner. A start takes under a second on an idle machine; the margin is
// for a loaded 2-core CI box.
const chromiumStartTimeout = 45 * time.Second

// WithChromium sets the Chromium (or Chrome) binary the fake runs for its
// browsers: a path, or a name looked up on PATH. Without it, the fake uses
// the BROWSERUSE_CHROMIUM variable, else the first of chromium,
// chromium-browser and google-chrome found on PATH.
func WithChromium(path string) Option { return func(f *Fake) { f.chromiumPath = path } }

// browserProcess is a running browser of the fake.
type browserProcess interface {
	// CDPURL is the DevTools HTTP endpoint, "http://127.0.0.1:PORT"
	// (GET /json/version gives its webSocketDebuggerUrl).
	CDPURL() string
	// DownloadDir is where the browser saves downloads.
	DownloadDir() string
	// Stop kills the browser and every process it started, waits for them
	// and removes its directories. It is idempotent and safe to call
	// concurrently; every call returns once that is done.
	Stop()
}

// SkipWithoutChromium skips the test when no Chromium is found (see
// WithChromium for the search; this helper sees only the variable and
// PATH). With BROWSERUSE_REQUIRE_CHROMIUM=1, as in CI, it fails the test
// instead.
func SkipWithoutChromium(tb testing.TB) {
	tb.Helper()
	if _, err := findChromium(""); err != nil {
		if os.Getenv(EnvRequireChromium) == "1" {
			tb.Fatalf("%v (%s=1: browser tests must not skip)", err, EnvRequireChromium)
			return
		}
		tb.Skip(err)
	}
}

// findChromium returns the binary to run: explicit (WithChromium) if set,
// else EnvChromium, else the first of chromiumNames on PATH.
func findChromium(explicit string) (string, error) {
	for _, named := range []struct{ by, name string }{{"WithChromium", explicit}, {EnvChromium, os.Getenv(EnvChromium)}} {
		if named.name == "" {
			continue
		}
		path, err := exec.LookPath(named.name)
		if err != nil {
			return "", fmt.Errorf("%w: %s names %q, which is not an executable (%v); %s", errNoChromium, named.by, named.name, err, chromiumHint)
		}
		return path, nil
	}
	for _, name := range chromiumNames {
		if path, err := exec.LookPath(name); err == nil {
			return path, nil
		}
	}
	return "", fmt.Errorf("%w: none of %s is on PATH; %s", errNoChromium, strings.Join(chromiumNames, ", "), chromiumHint)
}

// launchBrowser starts a headless Chromium for a browser session. Its error
// wraps errNoChromium when there is none to run; a start is bounded by ctx
// and chromiumStartTimeout, and a cancelled or failed start leaves nothing
// behind.
func (f *Fake) launchBrowser(ctx context.Context, screen screenSize) (browserProcess, error) {
	path, err := findChromium(f.chromiumPath)
	if err != nil {
		return nil, err
	}
	return launchChromium(ctx, chromiumConfig{path: path, screen: screen})
}

// chromiumConfig is one start of launchChromium.
type chromiumConfig struct {
	path         string
	url          string        // the first page; "" is about:blank
	startTimeout time.Duration // 0 is chromiumStartTimeout
	noSandbox    bool          // force --no-sandbox (set by the retry, see launchChromium)
	started      func()        // for tests: called once the process has started
	screen       screenSize    // the window's size; zero is Chromium's default
}

// screenSize is a browser's window size in pixels, as its create asked
// (browserScreenWidth, browserScreenHeight); a zero field is Chromium's default.
type screenSize struct{ width, height int }

// chromiumProcess is a started Chromium: the browserProcess of the fake.
type chromiumProcess struct {
	cdpURL    string
	dir       string // the process's temporary directory, removed by Stop
	downloads string // dir/downloads
	cmd       *exec.Cmd
	exited    chan struct{} // closed when cmd.Wait has returned
	stderr    *stderrWatch
	stopOnce  sync.Once
}

func (p *chromiumProcess) CDPURL() string      { return p.cdpURL }
func (p *chromiumProcess) DownloadDir() string { return p.downloads }

// Stop kills the process group (Chromium's zygote, renderers and helpers
// are in it), waits for the browser, then kills whatever is left that was
// started from its directory (crashpad's handler starts a session of its
// own), and removes the directory.
func (p *chromiumProcess) Stop() {
	p.stopOnce.Do(func() {
		if p.cmd != nil && p.cmd.Process != nil {
			killGroup(p.cmd.Process.Pid)
			_ = p.cmd.Process.Kill() // should the group have been missed
			// Before Wait: a straggler holding the stderr pipe would hold
			// Wait for WaitDelay.
			killStragglers(p.cmd.Process.Pid, p.dir)
			<-p.exited
			killGroup(p.cmd.Process.Pid) // a child forked as the first signal was sent
			killStragglers(p.cmd.Process.Pid, p.dir)
		}
		// Chromium may still be flushing the profile when it is killed; a
		// file it wrote last is gone with the directory either way.
		for range 3 {
			if err := os.RemoveAll(p.dir); err == nil {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	})
}

// launchChromium starts Chromium headless with DevTools on a free loopback
// port, in a temporary directory of its own:
//
//	dir/profile    --user-data-dir, its Default/Preferences written first
//	dir/downloads  download.default_directory
//	dir/home       HOME and XDG_CONFIG_HOME/XDG_CACHE_HOME, so nothing is
//	               written to the user's ~/.config/chromium (crash reports
//	               included) and every helper's command line names dir
//	dir/tmp        TMPDIR, where Chromium makes its singleton socket's
//	               directory (which it leaves behind when killed) and, with
//	               --disable-dev-shm-usage, its shared memory; unless the
//	               socket's path would be too long for a Unix socket (a
//	               deep TMPDIR), then Chromium keeps the usual TMPDIR
//
// It returns once Chromium prints "DevTools listening on ws://...". If the
// process exits first, the error has the tail of its stderr. As root,
// Chromium refuses to start without --no-sandbox (its sandbox needs an
// unprivileged user), so the flag is passed when the effective uid is 0;
// otherwise it is passed only when Chromium has exited saying it has no
// usable sandbox (a container without user namespaces), in one retry.
func launchChromium(ctx context.Context, cfg chromiumConfig) (*chromiumProcess, error) {
	p, err := startChromium(ctx, cfg)
	if err != nil && !cfg.noSandbox && errors.Is(err, errNoSandbox) {
		cfg.noSandbox = true
		p, err = startChromium(ctx, cfg)
	}
	return p, err
}

// A Unix socket's path holds at most 107 bytes on Linux (103 on macOS);
// Chromium's singleton socket is TMPDIR + chromiumSocketSuffix.
const (
	maxSocketPath        = 103
	chromiumSocketSuffix = "/org.chromium.Chromium.XXXXXX/SingletonSocket"
)

// errNoSandbox marks a start that failed for want of a usable sandbox.
var errNoSandbox = errors.New("browserusetest: Chromium found no usable sandbox")

func startChromium(ctx context.Context, cfg chromiumConfig) (_ *chromiumProcess, err error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "bu-chromium-") // short: see maxSocketPath
	if err != nil {
		return nil, fmt.Errorf("browserusetest: browser directory: %w", err)
	}
	p := &chromiumProcess{dir: dir, downloads: filepath.Join(dir, "downloads"), exited: make(chan struct{}), stderr: newStderrWatch()}
	defer func() {
		if err != nil {
			p.Stop()
		}
	}()
	profile, home := filepath.Join(dir, "profile"), filepath.Join(dir, "home")
	if err := writeProfile(profile, p.downloads, home); err != nil {
		return nil, fmt.Errorf("browserusetest: browser profile: %w", err)
	}
	args := []string{
		"--headless",
		"--remote-debugging-address=127.0.0.1",
		"--remote-debugging-port=0",
		"--user-data-dir=" + profile,
		"--no-first-run",
		"--no-default-browser-check",
		"--disable-gpu",
		"--disable-dev-shm-usage", // containers often give /dev/shm 64 MB, too little for Chromium
		"--disable-background-networking",
		"--disable-component-update",
		"--disable-sync",
		"--password-store=basic", // no desktop keyring to ask
	}
	if w, h := cfg.screen.width, cfg.screen.height; w > 0 || h > 0 {
		args = append(args, fmt.Sprintf("--window-size=%d,%d", cmp.Or(w, defaultScreenWidth), cmp.Or(h, defaultScreenHeight)))
	}
	if cfg.noSandbox || os.Geteuid() == 0 {
		args = append(args, "--no-sandbox")
	}
	page := cfg.url
	if page == "" {
		page = "about:blank" // one page target, which CDP clients can reuse
	}
	args = append(args, page)

	cmd := exec.Command(cfg.path, args...)
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, ".config"),
		"XDG_CACHE_HOME="+filepath.Join(home, ".cache"))
	if tmp := filepath.Join(dir, "tmp"); len(tmp)+len(chromiumSocketSuffix) <= maxSocketPath {
		cmd.Env = append(cmd.Env, "TMPDIR="+tmp)
	}
	cmd.Stderr = p.stderr
	cmd.WaitDelay = time.Second // a helper that escaped the kill must not hold Wait on the stderr pipe
	setProcessGroup(cmd)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("browserusetest: start %s: %w", cfg.path, err)
	}
	p.cmd = cmd
	go func() {
		_ = cmd.Wait()
		close(p.exited)
	}()
	if cfg.started != nil {
		cfg.started()
	}

	timeout := cfg.startTimeout
	if timeout <= 0 {
		timeout = chromiumStartTimeout
	}
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	select {
	case ws := <-p.stderr.devtools:
		if err := ctx.Err(); err != nil { // cancelled as it started: cancelled
			return nil, fmt.Errorf("browserusetest: starting Chromium: %w", err)
		}
		u, perr := url.Parse(ws)
		if perr != nil || u.Hostname() != "127.0.0.1" || u.Port() == "" {
			return nil, fmt.Errorf("browserusetest: Chromium printed an unexpected DevTools address %q", ws)
		}
		p.cdpURL = "http://" + net.JoinHostPort(u.Hostname(), u.Port())
		return p, nil
	case <-p.exited:
		tail := p.stderr.tail()
		err := fmt.Errorf("browserusetest: %s exited before DevTools listened (%v); its stderr ends:\n%s", cfg.path, cmd.ProcessState, tail)
		if strings.Contains(strings.ToLower(tail), "no usable sandbox") {
			err = fmt.Errorf("%w: %w", errNoSandbox, err)
		}
		return nil, err
	case <-timer.C:
		return nil, fmt.Errorf("browserusetest: %s did not listen for DevTools within %v; its stderr ends:\n%s", cfg.path, timeout, p.stderr.tail())
	case <-ctx.Done():
		return nil, fmt.Errorf("browserusetest: starting Chromium: %w", ctx.Err())
	}
}

// writeProfile creates the profile with its Default/Preferences, the
// download directory and the home directory. Downloads are set in the
// profile, not over CDP: Browser.setDownloadBehavior lasts only as long as
// the connection that sent it, and headless Chromium otherwise saves to
// ~/Downloads (or denies the download).
func writeProfile(profile, downloads, home string) error {
	for _, d := range []string{filepath.Join(profile, "Default"), downloads, filepath.Join(home, ".config"), filepath.Join(home, ".cache"),
		filepath.Join(filepath.Dir(home), "tmp")} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	prefs, err := json.Marshal(map[string]any{
		"download": map[string]any{
			"default_directory":   downloads,
			"prompt_for_download": false,
			"directory_upgrade":   true,
		},
		"savefile": map[string]any{"default_directory": downloads},
	})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(profile, "Default", "Preferences"), prefs, 0o600)
}

// stderrWatch is Chromium's stderr: it keeps the last stderrTailSize bytes
// for errors and reports the "DevTools listening on" address once.
type stderrWatch struct {
	mu       sync.Mutex
	last     []byte // at most stderrTailSize bytes
	line     []byte // the current line, at most stderrTailSize bytes
	found    bool
	devtools chan string // gets the ws:// address once
}

const stderrTailSize = 4 << 10

func newStderrWatch() *stderrWatch { return &stderrWatch{devtools: make(chan string, 1)} }

func (w *stderrWatch) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.last = append(w.last, b...)
	if len(w.last) > stderrTailSize {
		w.last = append(w.last[:0], w.last[len(w.last)-stderrTailSize:]...)
	}
	for rest := b; len(rest) > 0 && !w.found; {
		i := bytes.IndexByte(rest, '\n')
		if i < 0 {
			if len(w.line)+len(rest) <= stderrTailSize {
				w.line = append(w.line, rest...)
			}
			break
		}
		line := append(w.line, rest[:i]...)
		rest, w.line = rest[i+1:], w.line[:0]
		const prefix = "DevTools listening on "
		if s := strings.TrimSpace(string(line)); strings.HasPrefix(s, prefix) {
			w.found = true
			w.devtools <- strings.TrimPrefix(s, prefix)
		}
	}
	return len(b), nil
}

// tail returns the end of stderr, without a partial first line.
func (w *stderrWatch) tail() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	s := string(w.last)
	if len(w.last) == stderrTailSize {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			s = s[i+1:]
		}
	}
	return strings.TrimRight(s, "\n")
}
