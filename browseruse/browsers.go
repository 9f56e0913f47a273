package browseruse

import (
	"context"
	"fmt"
	"iter"
	"log/slog"
	"net/http"

	"github.com/browseruse-go/browseruse-go/gen"
)

// A browser (the API's /browsers resource) is a cloud browser without an
// agent, which a program drives itself over the Chrome DevTools Protocol
// (CDP) with chromedp, go-rod or playwright-go: CreateBrowser starts one,
// WaitForCDP gives the WebSocket URL those libraries connect to, and
// StopBrowser ends it.
//
// A browser bills from its start until it is stopped or its timeout
// passes (Browser.TimeoutAt, TimeoutMinutes after the start): the service
// charges the whole timeout at start and refunds the unused minutes at
// stop. Closing the CDP connection does not stop it. Stop every browser
// you start: RunBrowser and StopBrowserOnExit do it whatever happens.

type (
	// Browser is a cloud browser (CreateBrowser, GetBrowser, StopBrowser,
	// ListBrowsers). CdpURL is null until the browser is ready (WaitForCDP
	// waits for it); TimeoutAt is when the service stops it, if nobody
	// stopped it before; BrowserCost is what it has cost so far.
	Browser = gen.BrowserSessionView
	// BrowserPage is one page of ListBrowsers.
	BrowserPage = gen.BrowserSessionListResponse
	// BrowserStatus is the state of a browser: BrowserActive or
	// BrowserStopped. A server may add states; see ValidationCompatible.
	BrowserStatus = gen.BrowserSessionStatus
	// BrowserDownload is a file a browser downloaded (BrowserDownloads).
	// Its URL, set with BrowserDownloadsParams.IncludeURLs, is a short-lived
	// link to the file and a credential until it expires: do not log it.
	BrowserDownload = gen.BrowserDownloadFile
)

// Browser states (the constants gen.BrowserSessionStatusActive and
// gen.BrowserSessionStatusStopped).
const (
	BrowserActive  BrowserStatus = gen.BrowserSessionStatusActive
	BrowserStopped BrowserStatus = gen.BrowserSessionStatusStopped
)

// MaxBrowserTimeoutMinutes is the longest timeout the service allows a
// browser (4 hours); a longer one is refused with ErrBrowserTimeoutTooLong.
const MaxBrowserTimeoutMinutes = 240

// CreateBrowserParams are the settings of a new browser. The zero value is
// valid: it sends {} and the server applies its defaults. A field left at
// its zero value is not sent.
type CreateBrowserParams struct {
	// ProfileID loads a browser profile (cookies, logins); a UUID.
	ProfileID string `wire:"profileId"`
	// Proxy chooses the proxy, as for sessions: the zero value leaves it to
	// the server ("us"), ProxyOff() turns it off, ProxyIn("DE") picks a country.
	Proxy ProxySetting `wire:"proxyCountryCode"`
	// TimeoutMinutes is how long the browser may run before the service
	// stops it, 1..MaxBrowserTimeoutMinutes; 0 leaves the server default
	// (60). The whole timeout is charged at start, the unused part refunded
	// at stop.
	TimeoutMinutes int `wire:"timeout"`
	// ScreenWidth is the browser's screen width in pixels, 320..6144.
	ScreenWidth *int `wire:"browserScreenWidth"`
	// ScreenHeight is the browser's screen height in pixels, 320..3456.
	ScreenHeight *int `wire:"browserScreenHeight"`
	// AllowResizing: nil leaves the server default (false); Ptr(true) lets
	// pages resize the window, which makes the browser easier to fingerprint.
	AllowResizing *bool `wire:"allowResizing"`
	// EnableRecording: nil leaves the server default (false).
	EnableRecording *bool `wire:"enableRecording"`
	// CustomProxy routes the browser through the user's own proxy.
	CustomProxy *CustomProxy `wire:"customProxy"`
}

// LogValue logs every parameter with the proxy password masked, with any
// slog handler.
func (p CreateBrowserParams) LogValue() slog.Value { return logMasked(p) }

// Format prints every parameter with the proxy password masked, for every verb.
func (p CreateBrowserParams) Format(f fmt.State, _ rune) { formatMasked(f, p) }

// request is the generated request body for p.
func (p CreateBrowserParams) request() gen.CreateBrowserSessionRequest {
	r := gen.CreateBrowserSessionRequest{
		ProfileID:           nonEmpty(p.ProfileID),
		ProxyCountryCode:    p.Proxy.nullable(),
		BrowserScreenWidth:  p.ScreenWidth,
		BrowserScreenHeight: p.ScreenHeight,
		AllowResizing:       p.AllowResizing,
		EnableRecording:     p.EnableRecording,
		CustomProxy:         p.CustomProxy.request(),
	}
	if p.TimeoutMinutes != 0 {
		r.Timeout = Ptr(p.TimeoutMinutes)
	}
	return r
}

// ListBrowsersParams selects a page of browsers. Nil fields are not sent.
type ListBrowsersParams struct {
	// PageSize is how many browsers a page holds, 1..100 (server default 10).
	PageSize *int `wire:"pageSize"`
	// PageNumber is the page, from 1 (the default).
	PageNumber *int `wire:"pageNumber"`
	// Status returns only browsers in this state; "" returns all.
	Status BrowserStatus `wire:"filterBy"`
}

func (p ListBrowsersParams) request() *gen.ListBrowsersParams {
	r := &gen.ListBrowsersParams{PageSize: p.PageSize, PageNumber: p.PageNumber}
	if p.Status != "" {
		r.FilterBy = &p.Status
	}
	return r
}

// BrowserDownloadsParams selects a browser's downloaded files.
type BrowserDownloadsParams struct {
	// Limit is how many files one page holds, 1..100 (server default 50).
	Limit *int `wire:"limit"`
	// IncludeURLs gives every file a short-lived download link (URL).
	IncludeURLs bool `wire:"includeUrls"`
	// Cursor starts after the files already seen: a page's nextCursor.
	// "" starts at the first file.
	Cursor string `wire:"cursor"`
}

// CreateBrowser starts a cloud browser for a program to drive over CDP:
// WaitForCDP gives the URL to connect to. It bills until stopped or until
// its timeout (TimeoutAt): stop it with StopBrowser, or use RunBrowser or
// StopBrowserOnExit. Browsers count toward the plan's cap on concurrently
// active sessions: past it, the error matches ErrTooManyConcurrentSessions.
// A TimeoutMinutes over MaxBrowserTimeoutMinutes gives ErrBrowserTimeoutTooLong.
//
// As with CreateSession, the create is retried only when the request
// certainly never reached the server; when it may have, the error matches
// ErrOutcomeUnknown: list the active browsers to check.
func (c *Client) CreateBrowser(ctx context.Context, p CreateBrowserParams) (*Browser, error) {
	req, err := gen.NewCreateBrowserRequest(c.server, p.request())
	return do[Browser](ctx, c, call{op: opCreateBrowser, secrets: p.CustomProxy.secrets()}, req, err)
}

// GetBrowser returns a browser: its state, URLs and cost so far.
func (c *Client) GetBrowser(ctx context.Context, browserID string) (*Browser, error) {
	req, err := gen.NewGetBrowserRequest(c.server, browserID)
	return do[Browser](ctx, c, call{op: opGetBrowser}, req, err)
}

// ListBrowsers returns one page of browsers, newest first.
func (c *Client) ListBrowsers(ctx context.Context, p ListBrowsersParams) (*BrowserPage, error) {
	req, err := gen.NewListBrowsersRequest(c.server, p.request())
	return do[BrowserPage](ctx, c, call{op: opListBrowsers}, req, err)
}

// AllBrowsers iterates over every browser matching p, page by page, with
// the ending rules of AllSessions.
func (c *Client) AllBrowsers(ctx context.Context, p ListBrowsersParams) iter.Seq2[Browser, error] {
	return allPages(p.PageNumber, p.PageSize, func(number int) (listPage[Browser], error) {
		params := p
		params.PageNumber = &number
		r, err := c.ListBrowsers(ctx, params)
		if err != nil {
			return listPage[Browser]{}, err
		}
		return listPage[Browser]{r.Items, r.TotalItems, r.PageNumber, r.PageSize}, nil
	}, func(b Browser) string { return b.ID })
}

// StopBrowser stops a browser, which ends its billing (the unused part of
// its timeout is refunded); this cannot be undone. Stopping a stopped
// browser is harmless. See also StopBrowserOnExit.
func (c *Client) StopBrowser(ctx context.Context, browserID string) (*Browser, error) {
	req, err := gen.NewUpdateBrowserRequest(c.server, browserID, gen.UpdateBrowserSessionRequest{Action: gen.BrowserSessionUpdateActionStop})
	return do[Browser](ctx, c, call{op: opUpdateBrowser}, req, err)
}

// BrowserDownloads iterates over the files a browser downloaded, in the
// service's order (by name), following the pages' cursors from p.Cursor. Only one page is held
// in memory at a time.
//
// The iteration always ends: on a page that says no more follow (hasMore
// false, or no nextCursor), on an empty page, or on a cursor already
// followed (an error matching ErrPagingStuck), or on the first error,
// which is yielded with a zero item. With p.IncludeURLs every file has a
// short-lived link; the links are credentials, kept out of every error.
func (c *Client) BrowserDownloads(ctx context.Context, browserID string, p BrowserDownloadsParams) iter.Seq2[BrowserDownload, error] {
	return func(yield func(BrowserDownload, error) bool) {
		cursor := p.Cursor
		followed := map[string]bool{cursor: true}
		for {
			page, err := c.browserDownloadsPage(ctx, browserID, p, cursor)
			if err != nil {
				yield(BrowserDownload{}, err)
				return
			}
			for _, file := range page.Files {
				if !yield(file, nil) {
					return
				}
			}
			next := Deref(page.NextCursor)
			switch {
			case len(page.Files) == 0, !Deref(page.HasMore), next == "":
				return
			case followed[next]:
				yield(BrowserDownload{}, fmt.Errorf("%w: BrowserDownloads: the next cursor was followed before; stopped", ErrPagingStuck))
				return
			}
			followed[next] = true
			cursor = next
		}
	}
}

func (c *Client) browserDownloadsPage(ctx context.Context, browserID string, p BrowserDownloadsParams, cursor string) (*gen.BrowserDownloadListResponse, error) {
	params := &gen.ListBrowserDownloadsParams{Limit: p.Limit, Cursor: nonEmpty(cursor)}
	if p.IncludeURLs {
		params.IncludeUrls = Ptr(true)
	}
	req, err := gen.NewListBrowserDownloadsRequest(c.server, browserID, params)
	return do[gen.BrowserDownloadListResponse](ctx, c, call{op: opListBrowserDownloads}, req, err)
}

// UploadBrowserFile uploads a file to a browser, as UploadFile does to a
// session (the same checks, retries and storage rules).
func (c *Client) UploadBrowserFile(ctx context.Context, browserID string, p UploadFileParams) (*UploadedFile, error) {
	return c.upload(ctx, opCreateBrowserUploadURL, p, func(body gen.UploadFileRequest) (*http.Request, error) {
		return gen.NewCreateBrowserUploadURLRequest(c.server, browserID, body)
	})
}

// RunBrowser creates a browser, runs fn with it, and stops the browser
// whatever happens: fn's error, a panic in fn (re-raised after the stop),
// or a cancelled ctx. It returns fn's error joined with the stop's, if
// any. Call WaitForCDP in fn to connect.
func (c *Client) RunBrowser(ctx context.Context, p CreateBrowserParams, fn func(context.Context, *Browser) error) error {
	b, err := c.CreateBrowser(ctx, p)
	return runThenStop(ctx, b, err, func() error { return c.StopBrowserOnExit(ctx, b.ID) }, fn)
}

// StopBrowserOnExit stops a browser and is meant for defer, right after
// CreateBrowser, as StopOnExit is for sessions: it stops the browser even
// when ctx is already cancelled (with its own timeout, see
// WithStopTimeout), treats a browser already stopped or gone as success,
// and logs a failed stop at Warn with the browser's id.
func (c *Client) StopBrowserOnExit(ctx context.Context, browserID string) error {
	return c.stopOnExit(ctx, browserKind, browserID)
}

// StopActiveBrowsers stops every active browser of the project, including
// ones other programs started, and returns the ids it stopped with every
// error joined, by the rules of StopActiveSessions (which stops sessions
// only: browsers count toward the same cap, so to free it of strays call
// both).
func (c *Client) StopActiveBrowsers(ctx context.Context) ([]string, error) {
	return c.stopActive(ctx, browserKind)
}

// browserKind is how stop.go's helpers list and stop browsers.
var browserKind = stoppable{
	noun: "browser", method: "StopActiveBrowsers", listWith: "ListBrowsers (Status: BrowserActive)", notFound: ErrBrowserNotFound,
	stop: func(ctx context.Context, c *Client, id string) error { _, err := c.StopBrowser(ctx, id); return err },
	active: func(ctx context.Context, c *Client) iter.Seq2[string, error] {
		return ids(c.AllBrowsers(ctx, ListBrowsersParams{PageSize: Ptr(100), Status: BrowserActive}), func(b Browser) string { return b.ID })
	},
}
