package browseruse_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// TestBrowserOnTheFakesChromium drives a real browser of the fake: create,
// WaitForCDP through a null cdpUrl, the DevTools endpoint answering on the
// URL it gave, stop, and the endpoint gone after the stop.
func TestBrowserOnTheFakesChromium(t *testing.T) {
	browserusetest.SkipWithoutChromium(t)
	srv := browserusetest.Start(t, browserusetest.WithCDPDelay(1))
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

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
		return nil
	})
	require.NoError(t, err)
	require.Empty(t, srv.ActiveBrowserIDs(), "RunBrowser stopped it")
	_, err = http.Get(cdpURL + "/json/version")
	require.Error(t, err, "the stop ended the Chromium process")
}
