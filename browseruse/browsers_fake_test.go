package browseruse_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// TestBrowserOnTheFakesChromium drives a real browser of the fake: create,
// WaitForCDP through a null cdpUrl, the DevTools endpoint answering on the
// URL it gave, a file the browser downloads listed by BrowserDownloads,
// stop, and the endpoint gone after the stop.
func TestBrowserOnTheFakesChromium(t *testing.T) {
	browserusetest.SkipWithoutChromium(t)
	srv := browserusetest.Start(t, browserusetest.WithCDPDelay(1))
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	const report = "id,total\n1,42\n"
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/report.csv" {
			w.Header().Set("Content-Disposition", `attachment; filename="report.csv"`)
			io.WriteString(w, report)
			return
		}
		io.WriteString(w, `<!doctype html><a id="a" href="/report.csv" download>report</a><script>document.getElementById("a").click()</script>`)
	}))
	defer site.Close()
	var cdpURL string
	err = c.RunBrowser(ctx, browseruse.CreateBrowserParams{TimeoutMinutes: 5}, func(ctx context.Context, b *browseruse.Browser) error {
		require.Nil(t, b.CdpURL, "WithCDPDelay: null at first")
		ws, err := c.WaitForCDP(ctx, b.ID)
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(ws, "ws://127.0.0.1:"), ws)
		require.Contains(t, ws, "/devtools/browser/")

		got, err := c.GetBrowser(ctx, b.ID)
		require.NoError(t, err)
		cdpURL = browseruse.Deref(got.CdpURL)
		resp, err := http.Get(cdpURL + "/json/version")
		require.NoError(t, err)
		defer resp.Body.Close()
		var version struct {
			WebSocketDebuggerURL string `json:"webSocketDebuggerUrl"`
		}
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&version))
		require.Equal(t, ws, version.WebSocketDebuggerURL, "a real Chromium behind cdpUrl")

		// A page the browser opens downloads a file; BrowserDownloads lists
		// it, with a link that serves it.
		open, err := http.NewRequestWithContext(ctx, http.MethodPut, cdpURL+"/json/new?"+site.URL+"/", nil)
		require.NoError(t, err)
		opened, err := http.DefaultClient.Do(open)
		require.NoError(t, err)
		opened.Body.Close()
		var file browseruse.BrowserDownload
		var listErr error
		require.Eventually(t, func() bool {
			for f, err := range c.BrowserDownloads(ctx, b.ID, browseruse.BrowserDownloadsParams{IncludeURLs: true}) {
				// Listed as the file is now: under load Chromium may still be writing it.
				if listErr = err; err == nil && f.Path == "report.csv" && f.Size == len(report) {
					file = f
					return true
				}
			}
			return false
		}, 50*time.Second, 50*time.Millisecond, "the download is listed, whole")
		require.NoError(t, listErr)
		require.Equal(t, len(report), file.Size)
		got2, err := http.Get(browseruse.Deref(file.URL))
		require.NoError(t, err)
		defer got2.Body.Close()
		body, err := io.ReadAll(got2.Body)
		require.NoError(t, err)
		require.Equal(t, report, string(body))
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, srv.ActiveBrowserIDs(), "RunBrowser stopped it")
	_, err = http.Get(cdpURL + "/json/version")
	require.Error(t, err, "the stop ended the Chromium process")
}
