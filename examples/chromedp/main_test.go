package main

import (
	"bytes"
	"context"
	"encoding/json"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// fakeClient starts the fake (its browsers are real Chromium processes; the
// test fails if one is left active, see browserusetest.Start) and a page.
func fakeClient(t *testing.T) (*browseruse.Client, string) {
	t.Helper()
	browserusetest.SkipWithoutChromium(t) // a failure instead under BROWSERUSE_REQUIRE_CHROMIUM=1, as in CI
	srv := browserusetest.Start(t)
	page := newPage()
	t.Cleanup(page.Close)
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict))
	if err != nil {
		t.Fatal(err)
	}
	return c, page.URL
}

// The example end to end against the fake: the title is the page's, the
// screenshot is a PNG of the browser's size, and the browser is stopped.
func TestChromedpExampleRunsAgainstTheFake(t *testing.T) {
	client, pageURL := fakeClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	shot := filepath.Join(t.TempDir(), "screenshot.png")
	var out bytes.Buffer
	title, err := run(ctx, client, pageURL, shot, &out)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	if title != pageTitle {
		t.Errorf("title %q, want %q", title, pageTitle)
	}
	for _, step := range []string{"created browser", "CDP endpoint      ws://127.0.0.1:", "page title", "screenshot", "stopped browser"} {
		if !strings.Contains(out.String(), step) {
			t.Errorf("the output lacks %q:\n%s", step, out.String())
		}
	}

	f, err := os.Open(shot)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is no PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1280 || b.Dy() < 100 {
		t.Errorf("the screenshot is %v, not 1280 wide as the browser's ScreenWidth asks", b)
	}

	page, err := client.ListBrowsers(ctx, browseruse.ListBrowsersParams{Status: browseruse.BrowserActive})
	if err != nil {
		t.Fatal(err)
	}
	if page.TotalItems != 0 {
		t.Errorf("%d browsers left active", page.TotalItems)
	}
}

// drive loads the page in the browser's existing page target: afterwards
// the browser still has one page, and it shows the loaded URL.
func TestDriveReusesTheOpenPage(t *testing.T) {
	client, pageURL := fakeClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	err := client.RunBrowser(ctx, browseruse.CreateBrowserParams{}, func(ctx context.Context, b *browseruse.Browser) error {
		wsURL, err := client.WaitForCDP(ctx, b.ID)
		if err != nil {
			return err
		}
		if _, err := drive(ctx, wsURL, pageURL, filepath.Join(t.TempDir(), "shot.png")); err != nil {
			return err
		}
		got, err := client.GetBrowser(ctx, b.ID)
		if err != nil {
			return err
		}
		resp, err := http.Get(browseruse.Deref(got.CdpURL) + "/json/list")
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		var targets []struct{ Type, URL string }
		if err := json.NewDecoder(resp.Body).Decode(&targets); err != nil {
			return err
		}
		var pages []string
		for _, tg := range targets {
			if tg.Type == "page" {
				pages = append(pages, tg.URL)
			}
		}
		if len(pages) != 1 || !strings.HasPrefix(pages[0], pageURL) {
			t.Errorf("pages after drive: %q, want the one open page at %s", pages, pageURL)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
