package browseruse_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// The browser examples are compiled but not run: the fake runs a real
// Chromium for each browser, which a machine may not have (the tests that
// need one call browserusetest.SkipWithoutChromium).

func ExampleClient_RunBrowser() {
	client, err := browseruse.NewClient() // $BROWSER_USE_API_KEY
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	// The browser is stopped when fn returns, fails or panics: it bills
	// until stopped (or until its timeout), and closing the CDP connection
	// does not stop it.
	err = client.RunBrowser(ctx, browseruse.CreateBrowserParams{TimeoutMinutes: 15}, func(ctx context.Context, b *browseruse.Browser) error {
		waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		ws, err := client.WaitForCDP(waitCtx, b.ID)
		if err != nil {
			return err
		}
		// chromedp: remote.NewAllocator(ctx, ws, remote.NoModifyURL)
		// go-rod:   rod.New().ControlURL(ws).MustConnect() (do not call Browser.Close: it kills the browser)
		// playwright-go: pw.Chromium.ConnectOverCDP(ws)
		fmt.Println("connect to", ws, "before", b.TimeoutAt.Format(time.RFC3339))
		return nil
	})
	if err != nil {
		log.Fatal(err)
	}
}

func ExampleClient_CreateBrowser() {
	client, err := browseruse.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()

	b, err := client.CreateBrowser(ctx, browseruse.CreateBrowserParams{
		Proxy:          browseruse.ProxyIn("DE"),
		TimeoutMinutes: 30, // the service stops it then (TimeoutAt); at most 240
		ScreenWidth:    browseruse.Ptr(1280),
		ScreenHeight:   browseruse.Ptr(800),
	})
	switch {
	case errors.Is(err, browseruse.ErrTooManyConcurrentSessions):
		log.Fatal("the plan's cap is reached: stop a session or a browser (StopActiveBrowsers)")
	case errors.Is(err, browseruse.ErrOutcomeUnknown):
		log.Fatal("a browser may have started: list the active ones (ListBrowsers) and stop it")
	case err != nil:
		log.Fatal(err)
	}
	defer client.StopBrowserOnExit(ctx, b.ID) // browsers bill until stopped

	ws, err := client.WaitForCDP(ctx, b.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ws)
}

func ExampleClient_BrowserDownloads() {
	client, err := browseruse.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	browserID := "4a8c2e6f-1b3d-4e5f-8a9b-0c1d2e3f4a5b"

	for file, err := range client.BrowserDownloads(ctx, browserID, browseruse.BrowserDownloadsParams{IncludeURLs: true}) {
		if err != nil {
			log.Fatal(err)
		}
		// file.URL is a short-lived link (15 minutes), a credential: fetch
		// it with a plain GET, do not log it.
		fmt.Println(file.Path, file.Size)
	}
}

func ExampleClient_StopActiveBrowsers() {
	client, err := browseruse.NewClient()
	if err != nil {
		log.Fatal(err)
	}
	// Browsers and sessions share the plan's cap: free it of strays.
	browsers, err := client.StopActiveBrowsers(context.Background())
	if err != nil {
		log.Print(err)
	}
	sessions, err := client.StopActiveSessions(context.Background())
	if err != nil {
		log.Print(err)
	}
	fmt.Println(len(browsers), "browsers and", len(sessions), "sessions stopped")
}
