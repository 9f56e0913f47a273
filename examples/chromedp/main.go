// Command chromedp drives a Browser Use cloud browser (the /browsers
// resource: a browser without an agent) with chromedp over the Chrome
// DevTools Protocol: it creates a browser, waits for its CDP endpoint,
// connects, reuses the browser's open page rather than opening a tab, loads
// a page, prints its title, saves a screenshot, and stops the browser.
//
//	cd examples/chromedp && go run .
//
// With BROWSER_USE_API_KEY set it uses the live API (and its credits) and
// loads https://example.com. Without, it starts the embedded fake server,
// which runs a real headless Chromium on this machine for the browser (see
// browserusetest.WithChromium), and loads a page served on 127.0.0.1.
//
// It is a module of its own, so that the library does not depend on
// chromedp.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"time"

	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/remote"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

func main() {
	shot := flag.String("screenshot", "screenshot.png", "where to save the screenshot (PNG)")
	flag.Parse()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	client, pageURL, closeFake, err := newClient()
	if err == nil {
		_, err = run(ctx, client, pageURL, *shot, os.Stdout)
		closeFake()
	}
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "chromedp example failed:", err)
		os.Exit(1)
	}
}

// run creates a browser, drives it with chromedp, and stops it (RunBrowser
// stops it whatever happens: the browser bills until stopped, and closing
// the CDP connection does not stop it). It returns the page's title and
// writes the screenshot to shotPath.
func run(ctx context.Context, client *browseruse.Client, pageURL, shotPath string, out io.Writer) (title string, err error) {
	params := browseruse.CreateBrowserParams{
		TimeoutMinutes: 10, // the service stops it then, should this program die first
		ScreenWidth:    browseruse.Ptr(1280),
		ScreenHeight:   browseruse.Ptr(800),
	}
	err = client.RunBrowser(ctx, params, func(ctx context.Context, b *browseruse.Browser) error {
		fmt.Fprintf(out, "created browser   %s (status %s, stops by itself at %s)\n", b.ID, b.Status, b.TimeoutAt.Format(time.RFC3339))

		// cdpUrl can be null just after create, and it is an HTTP(S) URL
		// to resolve through /json/version: WaitForCDP does both.
		waitCtx, cancelWait := context.WithTimeout(ctx, 2*time.Minute)
		wsURL, err := client.WaitForCDP(waitCtx, b.ID)
		cancelWait()
		if err != nil {
			return fmt.Errorf("wait for CDP: %w", err)
		}
		fmt.Fprintf(out, "CDP endpoint      %s\n", wsURL)

		title, err = drive(ctx, wsURL, pageURL, shotPath)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "page title        %q\n", title)
		fmt.Fprintf(out, "screenshot        %s\n", shotPath)
		return nil
	})
	if err != nil {
		return "", err
	}
	fmt.Fprintln(out, "stopped browser")
	return title, nil
}

// drive connects chromedp to the browser at wsURL, loads pageURL in the
// browser's existing page, and returns its title after saving a screenshot.
func drive(ctx context.Context, wsURL, pageURL, shotPath string) (string, error) {
	// NoModifyURL: wsURL is the resolved DevTools URL already; without it
	// chromedp would rewrite it and ask /json/version again.
	allocCtx, cancelAlloc := remote.NewAllocator(ctx, wsURL, remote.NoModifyURL)
	defer cancelAlloc() // closes the connection, not the browser
	browserCtx, cancelBrowser := chromedp.NewContext(allocCtx)
	defer cancelBrowser()

	// Targets connects without creating a tab. The browser has one page
	// open: attach to it (a cloud browser's live view shows that page).
	// The page can show up a moment after the browser starts.
	var pageID target.ID
	for pageID == "" {
		targets, err := chromedp.Targets(browserCtx)
		if err != nil {
			return "", fmt.Errorf("list targets: %w", err)
		}
		for _, t := range targets {
			if t.Type == "page" {
				pageID = t.TargetID
				break
			}
		}
		if pageID == "" {
			select {
			case <-ctx.Done():
				return "", fmt.Errorf("no page target: %w", ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	}
	// WithDetachOnCancel leaves the page open when this context ends.
	pageCtx, cancelPage := chromedp.NewContext(browserCtx, chromedp.WithTargetID(pageID), chromedp.WithDetachOnCancel())
	defer cancelPage()

	if err := chromedp.Do(pageCtx, chromedp.Navigate(pageURL)); err != nil {
		return "", fmt.Errorf("navigate to %s: %w", pageURL, err)
	}
	title, err := chromedp.Run(pageCtx, chromedp.Title())
	if err != nil {
		return "", fmt.Errorf("title: %w", err)
	}
	png, err := chromedp.Run(pageCtx, chromedp.CaptureScreenshot())
	if err != nil {
		return "", fmt.Errorf("screenshot: %w", err)
	}
	if err := os.WriteFile(shotPath, png, 0o644); err != nil {
		return "", fmt.Errorf("save screenshot: %w", err)
	}
	return title, nil
}

// newClient uses the live API when a key is set, else the embedded fake and
// a local page. closeAll ends the fake (and its browsers' Chromium) and the page.
func newClient() (client *browseruse.Client, pageURL string, closeAll func(), err error) {
	if os.Getenv(browseruse.EnvAPIKey) != "" {
		c, err := browseruse.NewClient()
		if err != nil {
			return nil, "", nil, err
		}
		fmt.Println("Using the live Browser Use API at", c.BaseURL(), "(this uses credits)")
		return c, "https://example.com", func() {}, nil
	}
	srv, page := browserusetest.NewServer(), newPage()
	fmt.Println("No", browseruse.EnvAPIKey, "set: using the embedded fake Browser Use server at", srv.URL, "(it runs a local headless Chromium)")
	c, err := srv.Client()
	if err != nil {
		srv.Close()
		page.Close()
		return nil, "", nil, err
	}
	return c, page.URL, func() { srv.Close(); page.Close() }, nil
}

// pageTitle is the title of the page the fake's run loads.
const pageTitle = "Hello from browseruse-go"

// newPage serves the page the fake's browser loads.
func newPage() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>%s</title><body style="background:#2b6cb0;color:white;font:48px sans-serif"><h1>%s</h1></body>`, pageTitle, pageTitle)
	}))
}
