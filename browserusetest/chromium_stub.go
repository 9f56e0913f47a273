package browserusetest

// Temporary: the contract of chromium.go (branch chromium), so that the
// browsers resource builds before it lands. Removed by the merge.

import (
	"context"
	"errors"
	"testing"
)

type browserProcess interface {
	CDPURL() string
	DownloadDir() string
	Stop()
}

var errNoChromium = errors.New("browserusetest: no Chromium found to run the browser")

// WithChromium sets the Chromium binary the fake runs for its browsers.
func WithChromium(path string) Option { return func(f *Fake) { f.chromiumPath = path } }

func (f *Fake) launchBrowser(context.Context) (browserProcess, error) {
	return nil, errNoChromium
}

// SkipWithoutChromium skips the test when no Chromium is found.
func SkipWithoutChromium(tb testing.TB) { tb.Helper(); tb.Skip("chromium.go has not landed") }
