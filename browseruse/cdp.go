package browseruse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

var (
	// ErrCDP matches a *CDPError: a browser's CDP endpoint did not give a
	// usable DevTools WebSocket URL.
	ErrCDP = errors.New("browseruse: the browser's CDP endpoint failed")
	// ErrBrowserStopped: WaitForCDP found the browser stopped (by
	// StopBrowser, or by the service at its TimeoutAt): it will never have
	// a CDP endpoint again. Create another.
	ErrBrowserStopped = errors.New("browseruse: the browser is stopped")
)

// cdpVersionCap bounds the body of GET {cdpUrl}/json/version (a few hundred
// bytes from Chromium).
const cdpVersionCap = 64 << 10

// CDPError is the failure of a browser's CDP endpoint to answer GET
// {cdpUrl}/json/version with a webSocketDebuggerUrl. It matches ErrCDP
// (and ErrServer for a 5xx). The endpoint's URL may itself be a
// credential, so no part of it is in the error.
type CDPError struct {
	// BrowserID is the browser whose endpoint failed.
	BrowserID string
	// StatusCode is the endpoint's HTTP status (0: no answer).
	StatusCode int
	// Reason says what was wrong, e.g. "the answer has no webSocketDebuggerUrl".
	Reason string
	// Attempts is how many requests were made.
	Attempts int
	// Err is the underlying error, if any (a transport failure, a decoding one).
	Err error
}

// Error returns one line.
func (e *CDPError) Error() string {
	s := "browseruse: WaitForCDP: browser " + e.BrowserID + ": GET {cdpUrl}/json/version: "
	if e.StatusCode != 0 {
		s += fmt.Sprintf("status %d: ", e.StatusCode)
	}
	s += e.Reason
	if e.Err != nil {
		s += ": " + oneLine(e.Err.Error())
	}
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// GoString is Error, so %#v prints no more than it.
func (e *CDPError) GoString() string { return e.Error() }

// Is matches ErrCDP, and ErrServer for a 5xx.
func (e *CDPError) Is(target error) bool {
	return target == ErrCDP || target == ErrServer && e.StatusCode >= 500
}

// Unwrap returns the underlying error.
func (e *CDPError) Unwrap() error { return e.Err }

// WaitForCDP waits until a browser is ready to be driven and returns its
// DevTools WebSocket URL ("ws://..." or "wss://..."), the URL that CDP
// libraries connect to: chromedp's remote.NewAllocator with
// remote.NoModifyURL, go-rod's ControlURL, playwright-go's ConnectOverCDP.
//
// It polls GetBrowser on the client's poll schedule (see WithPollInterval)
// until the browser's cdpUrl is set (it is null just after create), then
// resolves it with GET {cdpUrl}/json/version. That request goes to another
// host than the API's: it is a plain request, without the API key or any of
// the client's headers (WithHeader), no redirect to another origin is
// followed, and its answer is read up to 64 KiB. A failure there, or an
// answer without a webSocketDebuggerUrl, is a *CDPError (ErrCDP); a lost
// connection or a 5xx is retried per the client's RetryPolicy.
//
// A stopped browser (stopped by StopBrowser, or by the service at
// TimeoutAt) ends the wait with an error matching ErrBrowserStopped. Polls
// that fail with errors the client retries (a 5xx, a lost connection) are
// tried again, up to 10 in a row; other errors (ErrBrowserNotFound, a wrong
// key) end the wait. The context's end ends it at once: bound the wait with
// it (context.WithTimeout). Closing the CDP connection later does not stop
// the browser: stop it with StopBrowser.
func (c *Client) WaitForCDP(ctx context.Context, browserID string) (string, error) {
	cfg := c.newWaitConfig(false, nil)
	cfg.events = nil // no event is about a browser
	pace := c.newPacer(cfg, browserID, false)
	defer pace.stop()
	for {
		b, err := c.GetBrowser(ctx, browserID)
		switch {
		case err == nil && b.Status == BrowserStopped:
			return "", fmt.Errorf("browseruse: WaitForCDP: browser %s: %w (it stopped before its CDP endpoint was used; see TimeoutAt)", browserID, ErrBrowserStopped)
		case err == nil && Deref(b.CdpURL) != "":
			return c.resolveCDP(ctx, browserID, *b.CdpURL)
		case err == nil:
			pace.failures = 0
		case ctx.Err() != nil:
			return "", cdpWaitEnded(ctx, browserID)
		case pace.rideOut(err):
			c.logger.LogAttrs(ctx, slog.LevelInfo, "browseruse: a browser poll failed; the wait goes on",
				slog.String("browser_id", browserID), slog.Int("failures", pace.failures), slog.String("error", err.Error()))
		default:
			return "", err // it names GetBrowser and the browser's fate (ErrBrowserNotFound, ...)
		}
		if _, err := pace.sleep(ctx); err != nil {
			return "", cdpWaitEnded(ctx, browserID)
		}
	}
}

// cdpWaitEnded is WaitForCDP's error when its context ended, whichever
// step it was at: it matches the context's cause, not ErrCDP.
func cdpWaitEnded(ctx context.Context, browserID string) error {
	return fmt.Errorf("browseruse: WaitForCDP: browser %s: the wait ended: %w", browserID, context.Cause(ctx))
}

// resolveCDP asks the CDP endpoint for its WebSocket URL.
func (c *Client) resolveCDP(ctx context.Context, browserID, cdpURL string) (string, error) {
	base, err := c.storageURL(cdpURL) // the storage's rules: absolute, https (http to loopback), no user info
	if err != nil {
		return "", &CDPError{BrowserID: browserID, Reason: "the browser's cdpUrl " + err.Error()}
	}
	secrets := append(urlSecrets(cdpURL), base.Host) // masked in a transport error's text
	target := *base
	target.Path = strings.TrimRight(target.Path, "/") + "/json/version"
	target.RawPath = ""
	for attempt := 1; ; attempt++ {
		ws, status, err := c.cdpAttempt(ctx, &target)
		if err == nil {
			return ws, nil
		}
		if ctx.Err() != nil { // not the endpoint's failure
			return "", cdpWaitEnded(ctx, browserID)
		}
		if errors.Is(err, ErrCrossOriginRedirect) { // the target's address is not quoted either
			return "", &CDPError{BrowserID: browserID, StatusCode: status, Attempts: attempt,
				Reason: "the endpoint redirected to another origin, which is not followed", Err: ErrCrossOriginRedirect}
		}
		var bad *cdpBadAnswer
		if errors.As(err, &bad) {
			return "", &CDPError{BrowserID: browserID, StatusCode: status, Reason: bad.reason, Attempts: attempt, Err: bad.err}
		}
		wait, retry := c.retryStorage(ctx, attempt, status, err, true)
		if !retry {
			cdpErr := &CDPError{BrowserID: browserID, StatusCode: status, Attempts: attempt, Reason: "no answer"}
			if status != 0 {
				cdpErr.Reason = "the endpoint refused the request"
			} else {
				cdpErr.Err = maskErr(err, secrets)
			}
			return "", cdpErr
		}
		if !sleepCtx(ctx, wait) {
			return "", cdpWaitEnded(ctx, browserID)
		}
	}
}

// cdpBadAnswer is an answer of the endpoint that retrying will not cure.
type cdpBadAnswer struct {
	reason string
	err    error
}

func (b *cdpBadAnswer) Error() string { return b.reason }

// cdpAttempt makes one plain GET of /json/version: no API key, none of the
// client's headers, no cookie jar, redirects within the origin only. It
// returns the WebSocket URL, or the status and what went wrong: a
// *cdpBadAnswer for an answer retrying will not cure.
func (c *Client) cdpAttempt(ctx context.Context, target *url.URL) (string, int, error) {
	actx, cancel := context.WithTimeout(ctx, c.attemptTO)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, http.MethodGet, target.String(), nil)
	if err != nil {
		return "", 0, &cdpBadAnswer{reason: "the cdpUrl cannot be requested"}
	}
	// Not logged: the endpoint's URL, host included, gives control of the
	// browser to whoever has it.
	resp, err := c.storageClient(target).Do(req)
	if err != nil {
		return "", 0, redactURLError(err)
	}
	defer resp.Body.Close()
	body, err := readCapped(resp.Body, resp.ContentLength, cdpVersionCap)
	if err != nil && !errors.Is(err, ErrResponseTooLarge) {
		return "", resp.StatusCode, redactURLError(err)
	}
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return "", resp.StatusCode, fmt.Errorf("status %d", resp.StatusCode)
	case resp.StatusCode/100 != 2:
		return "", resp.StatusCode, &cdpBadAnswer{reason: "the endpoint refused the request"}
	case err != nil:
		return "", resp.StatusCode, &cdpBadAnswer{reason: fmt.Sprintf("the answer is over %d bytes", cdpVersionCap), err: ErrResponseTooLarge}
	}
	var version struct {
		WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.Unmarshal(bytes.TrimSpace(body), &version); err != nil {
		return "", resp.StatusCode, &cdpBadAnswer{reason: "the answer is not a JSON object: " + jsonProblem(err)}
	}
	ws, err := url.Parse(version.WebSocketDebuggerURL)
	switch {
	case version.WebSocketDebuggerURL == "":
		return "", resp.StatusCode, &cdpBadAnswer{reason: "the answer has no webSocketDebuggerUrl"}
	case err != nil || (ws.Scheme != "ws" && ws.Scheme != "wss") || ws.Host == "":
		return "", resp.StatusCode, &cdpBadAnswer{reason: "the answer's webSocketDebuggerUrl is not a ws:// or wss:// URL"}
	}
	return version.WebSocketDebuggerURL, resp.StatusCode, nil
}
