package browseruse_test

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

const (
	testKey   = "bu_test_key_0123456789"
	sessionID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
	taskID    = "5b1e8a52-9f0c-4d4e-9a6b-0c8f3e2d1a77"
)

// recorded is one request the test server received.
type recorded struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Body   string
}

// apiServer is an httptest server that serves the API under /api/v2, as
// the real one does, so that a client built without the prefix fails.
type apiServer struct {
	*httptest.Server
	mu       sync.Mutex
	requests []recorded
}

// received returns a copy of the requests so far.
func (s *apiServer) received() []recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]recorded(nil), s.requests...)
}

// newAPIServer serves handler under /api/v2 and answers FastAPI's bare 404 elsewhere.
func newAPIServer(t *testing.T, handler http.HandlerFunc) *apiServer {
	t.Helper()
	s := &apiServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.requests = append(s.requests, recorded{r.Method, r.URL.Path, r.URL.RawQuery, r.Header.Clone(), string(body)})
		s.mu.Unlock()
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !strings.HasPrefix(r.URL.Path, "/api/v2/") {
			writeJSON(w, http.StatusNotFound, `{"detail":"Not Found"}`)
			return
		}
		handler(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

// client returns a client for the server, with fast retries.
func (s *apiServer) client(t *testing.T, opts ...browseruse.Option) *browseruse.Client {
	t.Helper()
	base := []browseruse.Option{
		browseruse.WithAPIKey(testKey),
		browseruse.WithBaseURL(s.URL + "/api/v2"),
		browseruse.WithRetry(fastRetry()),
	}
	c, err := browseruse.NewClient(append(base, opts...)...)
	require.NoError(t, err)
	return c
}

func fastRetry() browseruse.RetryPolicy {
	p := browseruse.DefaultRetryPolicy()
	p.BaseDelay, p.MaxDelay = time.Millisecond, 4*time.Millisecond
	return p
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, body)
}

// answer returns a handler that always sends status and body.
func answer(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { writeJSON(w, status, body) }
}

const sessionItemJSON = `{"id":"` + sessionID + `","status":"active","startedAt":"2026-01-02T03:04:05Z",
	"persistMemory":true,"keepAlive":true,"liveUrl":"https://live.example/x","proxyUsedMb":"0","proxyCost":"0"}`

const sessionViewJSON = `{"id":"` + sessionID + `","status":"stopped","startedAt":"2026-01-02T03:04:05Z",
	"finishedAt":"2026-01-02T04:00:00Z","publicShareURL":null,"tasks":[{"id":"` + taskID + `","sessionId":"` + sessionID + `",
	"llm":"browser-use-llm","task":"find it","status":"finished","createdAt":"2026-01-02T03:04:06.123456",
	"finishedAt":"2026-01-02T03:10:00","cost":"0.0125","metadata":{}}]}`

const shareJSON = `{"shareToken":"tok","shareUrl":"https://share.example/tok","viewCount":3,"lastViewedAt":null}`

// logBuffer is a slog handler target that tests can read.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}
