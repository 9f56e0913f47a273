package browseruse_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

func TestNewClientNeedsAKey(t *testing.T) {
	t.Setenv(browseruse.EnvAPIKey, "")
	_, err := browseruse.NewClient()
	require.ErrorContains(t, err, "no API key")
	require.ErrorContains(t, err, browseruse.EnvAPIKey)

	_, err = browseruse.NewClient(browseruse.WithAPIKey("  "))
	require.ErrorContains(t, err, "empty")
}

func TestNewClientReadsTheEnvironment(t *testing.T) {
	srv := newAPIServer(t, answer(http.StatusOK, shareJSON))
	t.Setenv(browseruse.EnvAPIKey, "env-key-123")
	t.Setenv(browseruse.EnvBaseURL, srv.URL+"/api/v2/")
	c, err := browseruse.NewClient()
	require.NoError(t, err)
	require.Equal(t, srv.URL+"/api/v2", c.BaseURL())
	_, err = c.GetPublicShare(context.Background(), sessionID)
	require.NoError(t, err)
	require.Equal(t, "env-key-123", srv.received()[0].Header.Get("X-Browser-Use-API-Key"))

	// Options win over the environment.
	c, err = browseruse.NewClient(browseruse.WithAPIKey("opt-key"), browseruse.WithBaseURL("https://example.com/api/v2"))
	require.NoError(t, err)
	require.Equal(t, "https://example.com/api/v2", c.BaseURL())
}

func TestNewClientDefaultsToProduction(t *testing.T) {
	t.Setenv(browseruse.EnvBaseURL, "")
	c, err := browseruse.NewClient(browseruse.WithAPIKey("k"))
	require.NoError(t, err)
	require.Equal(t, "https://api.browser-use.com/api/v2", c.BaseURL())
}

func TestNewClientRejectsBadBaseURLs(t *testing.T) {
	for raw, want := range map[string]string{
		"://nope":                       "malformed",
		"ftp://example.com/api/v2":      "must start with https://",
		"https:///api/v2":               "scheme://host/path only",
		"https://example.com/api?x=1":   "scheme://host/path only",
		"http://api.example.com/api/v2": "plain HTTP",
	} {
		_, err := browseruse.NewClient(browseruse.WithAPIKey("k"), browseruse.WithBaseURL(raw))
		require.ErrorContains(t, err, want, raw)
	}
	_, err := browseruse.NewClient(browseruse.WithAPIKey("k"), browseruse.WithBaseURL("http://api.example.com/api/v2"), browseruse.WithAllowInsecureHTTP())
	require.NoError(t, err)
	for _, loopback := range []string{"http://127.0.0.1:8080/api/v2", "http://localhost:1/api/v2", "http://[::1]:2/api/v2"} {
		_, err := browseruse.NewClient(browseruse.WithAPIKey("k"), browseruse.WithBaseURL(loopback))
		require.NoError(t, err, loopback)
	}
}

func TestOptionsCheckTheirInput(t *testing.T) {
	for name, opt := range map[string]browseruse.Option{
		"nil http client":  browseruse.WithHTTPClient(nil),
		"nil logger":       browseruse.WithLogger(nil),
		"key header":       browseruse.WithHeader("x-browser-use-api-key", "v"),
		"empty header":     browseruse.WithHeader(" ", "v"),
		"tiny body cap":    browseruse.WithMaxResponseBytes(10),
		"zero timeout":     browseruse.WithAttemptTimeout(0),
		"zero stop":        browseruse.WithStopTimeout(-1),
		"bad mode":         browseruse.WithValidation(browseruse.ValidationMode(9)),
		"negative retries": browseruse.WithRetry(browseruse.RetryPolicy{MaxRetries: -1}),
	} {
		_, err := browseruse.NewClient(browseruse.WithAPIKey("k"), opt)
		require.Error(t, err, name)
	}
}

func TestHeadersOnEveryRequest(t *testing.T) {
	srv := newAPIServer(t, answer(http.StatusOK, shareJSON))
	c := srv.client(t, browseruse.WithHeader("X-Trace", "abc"))
	_, err := c.GetPublicShare(context.Background(), sessionID)
	require.NoError(t, err)
	h := srv.received()[0].Header
	require.Equal(t, testKey, h.Get("X-Browser-Use-API-Key"))
	require.Empty(t, h.Get("Authorization"), "the key is not a bearer token")
	require.Equal(t, "abc", h.Get("X-Trace"))
	require.Equal(t, "application/json", h.Get("Accept"))
	ua := h.Get("User-Agent")
	require.True(t, strings.HasPrefix(ua, "browseruse-go/"+browseruse.Version+" "), ua)
	require.Contains(t, ua, runtime.Version())
}

// TestWithHTTPClientCopies: the client sends through the caller's
// transport, but its redirect policy goes on a copy, never on the caller's
// http.Client, which other code may share.
func TestWithHTTPClientCopies(t *testing.T) {
	srv := newAPIServer(t, answer(http.StatusOK, shareJSON))
	var used atomic.Int32
	mine := &http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		used.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	c := srv.client(t, browseruse.WithHTTPClient(mine))
	_, err := c.GetPublicShare(context.Background(), sessionID)
	require.NoError(t, err)
	require.EqualValues(t, 1, used.Load(), "the caller's transport sent the request")
	require.Nil(t, mine.CheckRedirect, "the caller's client is not modified")
}

func TestClientNeverPrintsTheKey(t *testing.T) {
	srv := newAPIServer(t, answer(http.StatusOK, shareJSON))
	c := srv.client(t)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		out := fmt.Sprintf(verb, c)
		require.NotContains(t, out, testKey, verb)
		require.Contains(t, out, "REDACTED", verb)
		out = fmt.Sprintf(verb, *c)
		require.NotContains(t, out, testKey, verb)
	}
}

func TestNewClientRefusesABaseURLWithoutPath(t *testing.T) {
	for _, raw := range []string{"https://api.browser-use.com", "https://api.browser-use.com/", "http://127.0.0.1:8080"} {
		_, err := browseruse.NewClient(browseruse.WithAPIKey("k"), browseruse.WithBaseURL(raw))
		require.ErrorContains(t, err, "/api/v2", raw)
	}
}

// TestNothingSecretReachesSlog: the JSON handler marshals what it is given,
// so every type holding a secret implements slog.LogValuer.
func TestNothingSecretReachesSlog(t *testing.T) {
	c, err := browseruse.NewClient(browseruse.WithAPIKey(testKey), browseruse.WithBaseURL("https://example.com/api/v2"))
	require.NoError(t, err)
	proxy := &browseruse.CustomProxy{Host: "proxy.example", Port: 8080, Username: "me", Password: "pr0xy-secret"}
	params := browseruse.CreateSessionParams{StartURL: "https://start.example", CustomProxy: proxy, KeepAlive: browseruse.Ptr(false)}
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&buf, nil), slog.NewTextHandler(&buf, nil)} {
		slog.New(h).Info("values", "params", params, "paramsPtr", &params, "proxy", *proxy, "proxyPtr", proxy, "client", c)
	}
	out := buf.String()
	require.NotContains(t, out, "pr0xy-secret")
	require.NotContains(t, out, testKey)
	require.Contains(t, out, "proxy.example", "the rest is logged")
	require.Contains(t, out, "start.example")
	require.Contains(t, out, "REDACTED")
}

// TestWithHeaderRefusesTheClientsOwnHeaders: a Content-Type of the
// caller's would make every create fail; such headers are refused at
// NewClient, and the ones that are allowed leave creates working.
func TestWithHeaderRefusesTheClientsOwnHeaders(t *testing.T) {
	for _, name := range []string{"Content-Type", "content-length", "Accept", "Accept-Encoding", "Host", "Transfer-Encoding", "Connection"} {
		_, err := browseruse.NewClient(browseruse.WithAPIKey("k"), browseruse.WithHeader(name, "text/plain"))
		require.ErrorContains(t, err, "the client's own", name)
	}
	srv := newAPIServer(t, answer(http.StatusCreated, sessionItemJSON))
	c := srv.client(t, browseruse.WithHeader("User-Agent", "mine/1"), browseruse.WithHeader("X-Trace", "t"))
	_, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	h := srv.received()[0].Header
	require.Equal(t, "mine/1", h.Get("User-Agent"), "User-Agent may be replaced")
	require.Equal(t, "application/json", h.Get("Content-Type"))
}
