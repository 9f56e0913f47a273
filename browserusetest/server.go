package browserusetest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// Server is a Fake listening on 127.0.0.1, like httptest.Server.
type Server struct {
	*Fake
	// URL is the API's base URL, e.g. http://127.0.0.1:41234/api/v2.
	URL string
	// StorageURL is the fake storage's origin (uploads and downloads), a
	// second listener: another origin than URL's, as S3 is.
	StorageURL string
	ts         *httptest.Server
	storage    *httptest.Server
}

// NewServer starts a fake on a loopback port. Close it when done.
func NewServer(opts ...Option) *Server {
	f := NewFake(opts...)
	storage := httptest.NewServer(f.StorageHandler())
	f.storageURL = storage.URL // before the API serves anything
	ts := httptest.NewServer(f)
	return &Server{Fake: f, URL: ts.URL + BasePath, StorageURL: storage.URL, ts: ts, storage: storage}
}

// Start starts a fake server for the test tb, like NewServer, and registers
// its cleanup: the server is closed (which ends its browsers' Chromium
// processes), and the test fails if it left sessions or browsers active,
// the way goleak fails a test that leaks goroutines (on the real service
// an active session bills until it is stopped). WithoutLeakCheck turns the
// check off.
func Start(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := NewServer(opts...)
	tb.Cleanup(func() {
		defer s.Close()
		if s.noLeakCheck {
			return
		}
		if active := s.ActiveSessionIDs(); len(active) > 0 {
			tb.Errorf("browserusetest: the test left %d session(s) active, which would bill on the real service: %s; "+
				"stop them (StopSession, StopOnExit, RunSession) or use WithoutLeakCheck", len(active), strings.Join(active, ", "))
		}
		if active := s.ActiveBrowserIDs(); len(active) > 0 {
			tb.Errorf("browserusetest: the test left %d browser(s) active, which would bill on the real service: %s; "+
				"stop them (StopBrowser, StopBrowserOnExit, RunBrowser) or use WithoutLeakCheck", len(active), strings.Join(active, ", "))
		}
	})
	return s
}

// Close shuts the server and its storage down, waiting for running
// requests, stops its webhooks and ends every browser's Chromium process
// (Fake.Close).
func (s *Server) Close() {
	s.ts.Close()
	s.storage.Close()
	s.Fake.Close()
}

// CloseClientConnections closes every client connection (an outage).
func (s *Server) CloseClientConnections() { s.ts.CloseClientConnections() }

// HTTPServer returns the underlying httptest server, e.g. for its Config.ConnState.
func (s *Server) HTTPServer() *httptest.Server { return s.ts }

// Client returns a browseruse client for the server, tuned for tests (see
// ClientOptions): its key, its URL, waits that poll every millisecond
// growing to 10 ms, and retries that back off 1 ms growing to 10 ms. opts
// are applied after those, so they override them.
func (s *Server) Client(opts ...browseruse.Option) (*browseruse.Client, error) {
	return browseruse.NewClient(append(s.ClientOptions(), opts...)...)
}

// Poll and backoff of the clients that ClientOptions configures: the fake
// answers in microseconds, so a wait need not poll every second, nor a
// retry wait half a second, as they do for the service.
const (
	testPollFirst  = time.Millisecond
	testPollMax    = 10 * time.Millisecond
	testBackoff    = time.Millisecond
	testBackoffCap = 10 * time.Millisecond
)

// ClientOptions are the options of Client, for code under test that builds
// its own client with browseruse.NewClient(opts...):
//
//   - WithAPIKey and WithBaseURL: the server's key and URL;
//   - WithPollInterval(1 ms, 10 ms), where the service needs 1 s to 5 s: a
//     test that runs ten tasks of the fake's default script takes
//     milliseconds, not ten seconds;
//   - WithRetry: DefaultRetryPolicy (the same retries, the same Retry-After
//     cap) with backoff from 1 ms to 10 ms instead of 0.5 s to 8 s, and a
//     ConcurrencyLimitDelay of 1 ms instead of 5 s, so injected 503s cost
//     milliseconds. A Retry-After a Fault sends is still honoured as sent:
//     send "0" in tests.
func (s *Server) ClientOptions() []browseruse.Option {
	retry := browseruse.DefaultRetryPolicy()
	retry.BaseDelay, retry.MaxDelay, retry.ConcurrencyLimitDelay = testBackoff, testBackoffCap, testBackoff
	return []browseruse.Option{
		browseruse.WithAPIKey(s.APIKey()), browseruse.WithBaseURL(s.URL),
		browseruse.WithPollInterval(testPollFirst, testPollMax), browseruse.WithRetry(retry),
	}
}

// Format prints the server without its key.
func (s *Server) Format(st fmt.State, _ rune) {
	fmt.Fprintf(st, "browserusetest.Server{URL: %s}", s.URL)
}

// newRecorder captures an answer so a fault can be applied to it.
func newRecorder() *httptest.ResponseRecorder { return httptest.NewRecorder() }

var _ http.Handler = (*Fake)(nil)
