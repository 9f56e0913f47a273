//go:build linux

package browserusetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// TestNoChromiumProcessOutlivesServerClose: every process of the fake's
// browsers (Chromium, its zygotes, renderers and helpers: each names its
// browser's directory on its command line) is gone after Server.Close, and
// so are the directories. The check first sees them alive, so it can fail.
func TestNoChromiumProcessOutlivesServerClose(t *testing.T) {
	SkipWithoutChromium(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	srv := NewServer()
	c, err := srv.Client()
	require.NoError(t, err)
	for range 2 {
		_, err := c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
		require.NoError(t, err)
	}
	var dirs []string
	srv.Fake.mu.Lock()
	for _, b := range srv.Fake.browsers {
		dirs = append(dirs, b.proc.(*chromiumProcess).dir)
	}
	srv.Fake.mu.Unlock()
	require.Len(t, dirs, 2)
	for _, dir := range dirs {
		require.NotEmpty(t, liveProcesses(-1, dir), "the browser's processes are visible before the close")
	}
	srv.Close()
	for _, dir := range dirs {
		require.Empty(t, liveProcesses(-1, dir), "no process of %s outlives Close", dir)
		require.NoDirExists(t, dir)
	}
}
