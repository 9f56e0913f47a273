package browserusetest_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// TestNoChromiumOutlivesTheFake: a browser left active, and one timed out
// on the fake's clock, end with the fake: their DevTools endpoints stop
// answering.
func TestNoChromiumOutlivesTheFake(t *testing.T) {
	browserusetest.SkipWithoutChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	clock := &movableClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	srv := browserusetest.NewServer(browserusetest.WithClock(clock.Now))
	c, err := srv.Client()
	require.NoError(t, err)
	var endpoints []string
	for _, minutes := range []int{1, 60} {
		b, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{TimeoutMinutes: minutes})
		require.NoError(t, err)
		endpoints = append(endpoints, browseruse.Deref(b.CdpURL))
	}
	for _, e := range endpoints {
		resp, err := http.Get(e + "/json/version")
		require.NoError(t, err, "a real Chromium answers")
		resp.Body.Close()
	}

	clock.Add(time.Minute)
	require.Len(t, srv.ActiveBrowserIDs(), 1, "the 1-minute browser timed out")
	_, err = http.Get(endpoints[0] + "/json/version")
	require.Error(t, err, "its process was ended at the timeout")

	srv.Close()
	_, err = http.Get(endpoints[1] + "/json/version")
	require.Error(t, err, "Close ended the one left active")
}
