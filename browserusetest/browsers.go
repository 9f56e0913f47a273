package browserusetest

import (
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/browseruse-go/browseruse-go/gen"
)

// The browser operations (see the Op constants above).
const (
	OpListBrowsers      = "listBrowsers"
	OpCreateBrowser     = "createBrowser"
	OpGetBrowser        = "getBrowser"
	OpStopBrowser       = "updateBrowser"
	OpBrowserDownloads  = "listBrowserDownloads"
	OpUploadBrowserFile = "createBrowserUploadUrl" // UploadBrowserFile's first step: the presigned POST
)

const (
	// maxBrowserTimeout is the longest timeout the service allows, in minutes.
	maxBrowserTimeout     = 240
	defaultBrowserTimeout = 60
	detailTimeoutTooLong  = "Maximum session timeout is 4 hours (240 minutes)."
	// browserDownloadExpiry is how long a download link lasts, on the fake's clock.
	browserDownloadExpiry = 15 * time.Minute
	// browserPricePerHour is the service's price of a browser, in US dollars.
	browserPricePerHour = 0.02
	// maxDownloadFile caps a downloaded file the fake keeps once its browser stops.
	maxDownloadFile = 100 << 20
)

// browserSession is one browser of the fake: a real Chromium process while
// it is active.
type browserSession struct {
	view      gen.BrowserSessionView
	proc      browserProcess // nil once stopped
	cdpURL    string         // the process's, shown once cdpHidden reaches 0
	cdpHidden int            // GETs left that answer cdpUrl null (WithCDPDelay)
	recording bool
	timeoutAt time.Time
	files     []File // uploaded, oldest first
	kept      []downloadedFile
}

// downloadedFile is a file in a browser's download directory.
type downloadedFile struct {
	name     string
	size     int64
	modified time.Time
	data     []byte // read when a link is made, or when the browser stops
}

// WithCDPDelay makes a new browser's cdpUrl null in the create's answer
// and in the first n answers of GET /browsers/{id}, as the service's can be
// while the browser starts: a client must wait for it (WaitForCDP does).
func WithCDPDelay(n int) Option { return func(f *Fake) { f.cdpDelay = n } }

// ActiveBrowserIDs returns the ids of the active browsers, oldest first.
func (f *Fake) ActiveBrowserIDs() []string {
	f.mu.Lock()
	procs := f.expireBrowsersLocked()
	var ids []string
	for _, id := range f.browserOrder {
		if f.browsers[id].view.Status == gen.BrowserSessionStatusActive {
			ids = append(ids, id)
		}
	}
	f.mu.Unlock()
	stopAll(procs)
	return ids
}

// BrowserFiles returns the files uploaded to a browser, oldest first.
func (f *Fake) BrowserFiles(browserID string) []File {
	f.mu.Lock()
	defer f.mu.Unlock()
	if b, ok := f.browsers[browserID]; ok {
		return cloneFiles(b.files)
	}
	return nil
}

// Close stops every browser the fake started (their Chromium processes
// end and their directories are removed; browsers created later answer
// 503) and its webhooks (StopWebhooks). A browser still starting is
// waited for and stopped as soon as it has started (its create answers
// 503): when Close returns, no Chromium of the fake's runs. Server.Close
// calls it; call it when serving a Fake yourself.
func (f *Fake) Close() {
	f.mu.Lock()
	f.closed = true
	var procs []browserProcess
	for _, id := range f.browserOrder {
		procs = append(procs, f.stopBrowserLocked(f.browsers[id], f.now().UTC(), false)...)
	}
	f.mu.Unlock()
	stopAll(procs)
	f.starting.Wait() // no launch begins once closed is set
	f.StopWebhooks()
}

func stopAll(procs []browserProcess) {
	for _, p := range procs {
		p.Stop()
	}
}

// expireBrowsersLocked stops the browsers whose timeout has passed, at
// their timeout, and returns their processes for the caller to end once
// it has released the lock.
func (f *Fake) expireBrowsersLocked() []browserProcess {
	now := f.now().UTC()
	var procs []browserProcess
	for _, b := range f.browsers {
		if b.view.Status == gen.BrowserSessionStatusActive && !now.Before(b.timeoutAt) {
			procs = append(procs, f.stopBrowserLocked(b, b.timeoutAt, true)...)
		}
	}
	return procs
}

// stopBrowserLocked stops a browser at at: its downloads are kept (when
// keep), its cost is the minutes it ran, and its process is returned to
// be ended outside the lock.
func (f *Fake) stopBrowserLocked(b *browserSession, at time.Time, keep bool) []browserProcess {
	if b.view.Status != gen.BrowserSessionStatusActive || b.proc == nil {
		return nil
	}
	proc := b.proc
	if keep {
		b.kept = readDownloads(proc.DownloadDir(), true)
	}
	b.proc = nil
	b.view.Status = gen.BrowserSessionStatusStopped
	b.view.FinishedAt = ptr(f.stamp(at))
	b.view.CdpURL = nil
	minutes := math.Max(1, math.Ceil(at.Sub(b.view.StartedAt.Time).Minutes())) // billed by the started minute, at least one
	b.view.BrowserCost = ptr(gen.Decimal(strconv.FormatFloat(minutes*browserPricePerHour/60, 'f', 6, 64)))
	if b.recording {
		b.view.RecordingURL = ptr("https://recordings.browser-use.test/" + b.view.ID + ".mp4")
	}
	return []browserProcess{proc}
}

// activeBrowsersLocked counts the active browsers and those starting.
func (f *Fake) activeBrowsersLocked() int {
	n := f.launching
	for _, b := range f.browsers {
		if b.view.Status == gen.BrowserSessionStatusActive {
			n++
		}
	}
	return n
}

// createBrowser starts a real Chromium for the new browser. The start
// (about a second) runs outside the lock; the browser counts toward the
// cap while it starts.
func (f *Fake) createBrowser(req request) reply {
	var in gen.CreateBrowserSessionRequest
	if invalid := decodeBody(req, &in); invalid != nil {
		return *invalid
	}
	timeout := defaultBrowserTimeout
	if in.Timeout != nil {
		timeout = *in.Timeout
	}
	if timeout > maxBrowserTimeout {
		return detail(http.StatusForbidden, detailTimeoutTooLong)
	}
	f.mu.Lock()
	switch {
	case f.closed:
		f.mu.Unlock()
		return detail(http.StatusServiceUnavailable, "browserusetest: the fake is closed")
	case in.ProfileID != nil && f.profiles[*in.ProfileID] == nil:
		f.mu.Unlock()
		return detail(http.StatusNotFound, detailProfileNotFound)
	case f.maxActive > 0 && f.activeLocked() >= f.maxActive:
		f.mu.Unlock()
		return detail(http.StatusTooManyRequests, detailTooMany)
	}
	f.launching++
	f.starting.Add(1) // under the lock, before Close can see closed
	f.mu.Unlock()
	defer f.starting.Done() // last: after the process is stopped if Close came meanwhile

	proc, err := f.launch(req.r.Context(), screenSize{width: deref(in.BrowserScreenWidth), height: deref(in.BrowserScreenHeight)})

	f.mu.Lock()
	defer f.mu.Unlock()
	f.launching--
	if err == nil && f.closed { // closed while it started: end it, outside the lock
		f.mu.Unlock()
		proc.Stop()
		f.mu.Lock()
		return detail(http.StatusServiceUnavailable, "browserusetest: the fake is closed")
	}
	switch {
	case errors.Is(err, errNoChromium):
		msg := err.Error() // the fake runs a real headless Chromium for every browser
		if !strings.Contains(msg, chromiumHint) {
			msg += "; " + chromiumHint
		}
		return detail(http.StatusServiceUnavailable, msg)
	case err != nil:
		return detail(http.StatusServiceUnavailable, "browserusetest: the browser could not start: "+err.Error())
	}
	if in.ProfileID != nil { // a browser that loads a profile moves its lastUsedAt, once it has started
		f.useProfileLocked(*in.ProfileID)
	}
	now := f.now().UTC()
	id := newUUID()
	b := &browserSession{
		proc:      proc,
		cdpURL:    proc.CDPURL(),
		cdpHidden: f.cdpDelay,
		recording: in.EnableRecording != nil && *in.EnableRecording,
		timeoutAt: now.Add(time.Duration(timeout) * time.Minute),
		view: gen.BrowserSessionView{
			ID:          id,
			Status:      gen.BrowserSessionStatusActive,
			LiveURL:     ptr("http://" + req.r.Host + "/live/" + id),
			StartedAt:   f.stamp(now),
			ProxyUsedMb: ptr[gen.Decimal]("0"),
			ProxyCost:   ptr[gen.Decimal]("0"),
			BrowserCost: ptr[gen.Decimal]("0"),
		},
	}
	b.view.TimeoutAt = f.stamp(b.timeoutAt)
	f.browsers[id] = b
	f.browserOrder = append(f.browserOrder, id)
	return reply{http.StatusCreated, f.browserViewLocked(b, false)}
}

// browserViewLocked is the browser as answered: while WithCDPDelay's
// count lasts, cdpUrl is null, and a read (GET) counts it down.
func (f *Fake) browserViewLocked(b *browserSession, read bool) gen.BrowserSessionView {
	v := b.view
	if v.Status != gen.BrowserSessionStatusActive {
		return v
	}
	if b.cdpHidden > 0 {
		if read {
			b.cdpHidden--
		}
		return v
	}
	v.CdpURL = ptr(b.cdpURL)
	return v
}

// onBrowser runs fn on the request's browser under the lock, or answers
// 404; processes fn returns are ended after the lock is released, before
// the answer is sent.
func (f *Fake) onBrowser(req request, fn func(*browserSession) (reply, []browserProcess)) reply {
	f.mu.Lock()
	b, ok := f.browsers[req.id]
	if !ok {
		f.mu.Unlock()
		return detail(http.StatusNotFound, detailSessionNotFound)
	}
	answer, procs := fn(b)
	f.mu.Unlock()
	stopAll(procs)
	return answer
}

func (f *Fake) getBrowser(req request) reply {
	return f.onBrowser(req, func(b *browserSession) (reply, []browserProcess) {
		return reply{http.StatusOK, f.browserViewLocked(b, true)}, nil
	})
}

func (f *Fake) updateBrowser(req request) reply {
	return f.onBrowser(req, func(b *browserSession) (reply, []browserProcess) {
		procs := f.stopBrowserLocked(b, f.now().UTC(), true)
		return reply{http.StatusOK, f.browserViewLocked(b, false)}, procs
	})
}

func (f *Fake) listBrowsers(req request) reply {
	status := gen.BrowserSessionStatus(req.r.URL.Query().Get("filterBy"))
	f.mu.Lock()
	defer f.mu.Unlock()
	p := paginate(req, f.browserOrder, func(id string) (gen.BrowserSessionView, bool) {
		b := f.browsers[id]
		return f.browserViewLocked(b, false), status == "" || b.view.Status == status
	})
	return reply{http.StatusOK, gen.BrowserSessionListResponse{Items: p.items, TotalItems: p.total, PageNumber: p.number, PageSize: p.size}}
}

// listBrowserDownloads pages through the files in the browser's download
// directory (kept when it stopped) in name order, as S3 lists keys. The
// cursor, opaque to clients, names the last file of the page before, so a
// file saved meanwhile does not shift the pages.
func (f *Fake) listBrowserDownloads(req request) reply {
	limit := 50
	if n, ok := req.query["limit"]; ok {
		limit = n
	}
	q := req.r.URL.Query()
	after, hasCursor := "", q.Get("cursor") != ""
	if hasCursor {
		raw, err := base64.RawURLEncoding.DecodeString(q.Get("cursor"))
		name, ok := strings.CutPrefix(string(raw), "after:")
		if err != nil || !ok || name == "" {
			return reply{http.StatusUnprocessableEntity, map[string]any{"detail": []validationError{
				{Loc: []any{"query", "cursor"}, Msg: "Invalid cursor", Type: "value_error"}}}}
		}
		after = name
	}
	withURLs := q.Get("includeUrls") == "true"
	return f.onBrowser(req, func(b *browserSession) (reply, []browserProcess) {
		files := b.kept
		if b.proc != nil {
			files = readDownloads(b.proc.DownloadDir(), false)
		}
		out := gen.BrowserDownloadListResponse{Files: []gen.BrowserDownloadFile{}, HasMore: ptr(false)}
		for _, file := range files {
			if hasCursor && file.name <= after {
				continue
			}
			if len(out.Files) == limit {
				out.HasMore = ptr(true)
				out.NextCursor = ptr(base64.RawURLEncoding.EncodeToString([]byte("after:" + out.Files[limit-1].Path)))
				break
			}
			item := gen.BrowserDownloadFile{Path: file.name, Size: int(file.size), LastModified: f.stamp(file.modified)}
			if withURLs {
				item.URL = ptr(f.downloadLinkLocked(b, file))
			}
			out.Files = append(out.Files, item)
		}
		return reply{http.StatusOK, out}, nil
	})
}

// downloadLinkLocked makes an expiring link of the fake's storage to a
// downloaded file, with the file's bytes as they are now.
func (f *Fake) downloadLinkLocked(b *browserSession, file downloadedFile) string {
	data := file.data
	if data == nil && b.proc != nil {
		data, _ = os.ReadFile(filepath.Join(b.proc.DownloadDir(), file.name))
	}
	return f.downloadURLLocked(File{Name: file.name, Data: data}, browserDownloadExpiry)
}

// readDownloads lists the finished files of a download directory in name
// order (Chromium writes a download as NAME.crdownload, then renames it);
// withData also reads them, up to maxDownloadFile each.
func readDownloads(dir string, withData bool) []downloadedFile {
	entries, err := os.ReadDir(dir) // sorted by name
	if err != nil {
		return nil
	}
	var out []downloadedFile
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || !info.Mode().IsRegular() || strings.HasSuffix(e.Name(), ".crdownload") {
			continue
		}
		file := downloadedFile{name: e.Name(), size: info.Size(), modified: info.ModTime().UTC()}
		if withData && info.Size() <= maxDownloadFile {
			file.data, _ = os.ReadFile(filepath.Join(dir, e.Name()))
			if file.data == nil {
				file.data = []byte{}
			}
		}
		out = append(out, file)
	}
	return out
}

// serveLive is a browser's liveUrl: a page of the fake that says what the
// browser is and where its CDP endpoint is (the service's shows the screen).
func (f *Fake) serveLive(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	b, ok := f.browsers[r.PathValue("session_id")]
	var status, cdp string
	if ok {
		status, cdp = string(b.view.Status), deref(f.browserViewLocked(b, false).CdpURL)
	}
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>browserusetest browser %s</title><h1>Browser %s</h1><p>Status: %s</p><p>CDP: %s</p>\n",
		html.EscapeString(b.view.ID), html.EscapeString(b.view.ID), html.EscapeString(status), html.EscapeString(cdp))
}
