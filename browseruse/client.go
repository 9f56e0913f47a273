package browseruse

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime"
	"strings"
	"time"
)

// Version is this library's version, sent in the User-Agent header.
const Version = "0.1.0"

// Client calls the Browser Use API. It is safe for concurrent use; create
// one and share it.
//
// Its methods build every request with the request builders generated into
// package gen, and add what gen does not: the key, validation of requests
// and responses against openapi.yaml (kin-openapi), the retry policy,
// bounds on time and size, typed errors and their sentinels, and helpers
// (paging, waits, stops). See do in call.go: one straight call path.
type Client struct {
	baseURL    string
	server     string // baseURL with a trailing slash, as gen's builders want it
	basePath   string // baseURL's path: request paths are relative to it
	apiKey     string
	http       *http.Client
	header     http.Header // User-Agent, Accept, WithHeader's: copied into every request
	logger     *slog.Logger
	validation ValidationMode
	maxBody    int64
	attemptTO  time.Duration
	stopTO     time.Duration
	retry      RetryPolicy
	pollFirst  time.Duration // WithPollInterval
	pollMax    time.Duration
	events     *TaskEvents // WithTaskEvents
	ops        [opCount]*operation
	// files.go: the storage's hosts get plain requests (no key, no headers).
	maxDownload int64
	insecure    bool
}

// NewClient returns a client configured by opts, then by the environment
// ($BROWSER_USE_API_KEY, $BROWSER_USE_BASE_URL), then by the defaults.
// It fails when no API key is found, when the base URL is malformed, or
// when the base URL is plain HTTP to a host other than loopback (see
// WithAllowInsecureHTTP).
func NewClient(opts ...Option) (*Client, error) {
	cfg := config{
		validation:       ValidationCompatible,
		maxResponseBytes: DefaultMaxResponseBytes,
		attemptTimeout:   DefaultAttemptTimeout,
		stopTimeout:      DefaultStopTimeout,
		retry:            DefaultRetryPolicy(),
		pollFirst:        DefaultPollFirst,
		pollMax:          DefaultPollMax,
		maxDownloadBytes: DefaultMaxDownloadBytes,
	}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if !cfg.apiKeySet {
		cfg.apiKey = strings.TrimSpace(os.Getenv(EnvAPIKey))
	}
	if cfg.apiKey == "" {
		return nil, errors.New("browseruse: no API key: pass WithAPIKey or set " + EnvAPIKey)
	}
	if !cfg.baseURLSet {
		cfg.baseURL = os.Getenv(EnvBaseURL)
	}
	if cfg.baseURL == "" {
		cfg.baseURL = DefaultBaseURL
	}
	base, err := checkBaseURL(cfg.baseURL, cfg.allowInsecureHTTP)
	if err != nil {
		return nil, err
	}
	ops, err := operations()
	if err != nil {
		return nil, err
	}
	hc := cfg.httpClient
	if hc == nil {
		hc = &http.Client{Transport: defaultTransport()}
	}
	hc.CheckRedirect = sameOriginOnly(base, hc.CheckRedirect)
	logger := cfg.logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	header := http.Header{}
	header.Set("User-Agent", fmt.Sprintf("browseruse-go/%s (%s; %s/%s)", Version, runtime.Version(), runtime.GOOS, runtime.GOARCH))
	header.Set("Accept", "application/json")
	for name, values := range cfg.headers {
		header[name] = values
	}
	c := &Client{
		baseURL:     base.String(),
		server:      base.String() + "/",
		basePath:    base.EscapedPath(),
		apiKey:      cfg.apiKey,
		http:        hc,
		header:      header,
		logger:      logger,
		validation:  cfg.validation,
		maxBody:     cfg.maxResponseBytes,
		attemptTO:   cfg.attemptTimeout,
		stopTO:      cfg.stopTimeout,
		retry:       cfg.retry,
		pollFirst:   cfg.pollFirst,
		pollMax:     cfg.pollMax,
		events:      cfg.events,
		ops:         ops,
		maxDownload: cfg.maxDownloadBytes,
		insecure:    cfg.allowInsecureHTTP,
	}
	return c, nil
}

// BaseURL returns the base URL the client sends requests to.
func (c *Client) BaseURL() string { return c.baseURL }

// LogValue logs the client without its API key, with any slog handler.
func (c *Client) LogValue() slog.Value {
	return slog.GroupValue(slog.String("baseURL", c.baseURL), slog.String("apiKey", redacted(c.apiKey)),
		slog.String("validation", c.validation.String()))
}

// Format prints the client without its API key, for every verb.
func (c Client) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "browseruse.Client{baseURL: %s, apiKey: %s, validation: %s}", c.baseURL, redacted(c.apiKey), c.validation)
}

func checkBaseURL(raw string, allowInsecure bool) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(strings.TrimSpace(raw), "/"))
	if err != nil {
		return nil, fmt.Errorf("browseruse: base URL %q is malformed: %w", raw, errors.Unwrap(err))
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return nil, fmt.Errorf("browseruse: base URL %q must start with https:// (e.g. %s)", raw, DefaultBaseURL)
	}
	if u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("browseruse: base URL %q must be scheme://host/path only (e.g. %s)", raw, DefaultBaseURL)
	}
	if u.Path == "" {
		return nil, fmt.Errorf("browseruse: base URL %q has no path: the API lives under /api/v2 (e.g. %s)", raw, DefaultBaseURL)
	}
	if u.Scheme == "http" && !allowInsecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("browseruse: base URL %q is plain HTTP to a non-loopback host, which would send the API key unencrypted; use https or WithAllowInsecureHTTP", raw)
	}
	return u, nil
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// defaultTransport is http.DefaultTransport's setup with bounds on every
// phase, and enough idle connections per host for concurrent callers: a
// connection is only closed when more than maxIdleConnsPerHost would
// be idle at once, so up to that many goroutines never churn connections.
// It opens no more than that many connections per host either: more
// concurrent calls (200 waits polling, say) queue for a free connection.
func defaultTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.DialContext = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	t.TLSHandshakeTimeout = 10 * time.Second
	t.ResponseHeaderTimeout = 60 * time.Second
	t.ExpectContinueTimeout = time.Second
	t.IdleConnTimeout = 90 * time.Second
	t.MaxIdleConns = 2 * maxIdleConnsPerHost
	t.MaxIdleConnsPerHost = maxIdleConnsPerHost
	t.MaxConnsPerHost = maxIdleConnsPerHost
	return t
}

// sameOriginOnly wraps a redirect policy (nil: net/http's default of at
// most 10 redirects) so that a redirect to another scheme, host or port is
// refused: net/http would replay the whole request there, the API key and a
// create's body (a proxy password) included, and could start a session on
// whatever answers. An API never redirects across origins.
func sameOriginOnly(base *url.URL, next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.URL.Scheme != base.Scheme || req.URL.Host != base.Host {
			return &redirectError{to: req.URL.Scheme + "://" + req.URL.Host}
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		return nil
	}
}

// redirectError is a refused cross-origin redirect; it matches
// ErrCrossOriginRedirect.
type redirectError struct{ to string }

// Error says where the redirect pointed (scheme and host only).
func (e *redirectError) Error() string {
	return "refused a redirect to another origin (" + e.to + "): check the base URL"
}

// Is matches ErrCrossOriginRedirect.
func (e *redirectError) Is(target error) bool { return target == ErrCrossOriginRedirect }
