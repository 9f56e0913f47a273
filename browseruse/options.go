package browseruse

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/textproto"
	"strings"
	"time"
)

// Defaults used by NewClient.
const (
	// DefaultBaseURL is the production API.
	DefaultBaseURL = "https://api.browser-use.com/api/v2"
	// DefaultMaxResponseBytes caps a response body (8 MiB).
	DefaultMaxResponseBytes = 8 << 20
	// DefaultAttemptTimeout bounds one attempt when the context has no earlier deadline.
	DefaultAttemptTimeout = 60 * time.Second
	// DefaultStopTimeout bounds StopOnExit and RunSession's final stop.
	DefaultStopTimeout = 30 * time.Second

	// EnvAPIKey is read by NewClient when WithAPIKey is not given.
	EnvAPIKey = "BROWSER_USE_API_KEY"
	// EnvBaseURL is read by NewClient when WithBaseURL is not given.
	EnvBaseURL = "BROWSER_USE_BASE_URL"

	apiKeyHeader = "X-Browser-Use-API-Key"
	// maxIdleConnsPerHost is the idle connections the default transport
	// keeps per host (net/http's default is 2).
	maxIdleConnsPerHost = 64
)

// ValidationMode says how responses are checked against openapi.yaml.
type ValidationMode int

const (
	// ValidationCompatible, the default, checks every rule of openapi.yaml,
	// except that an enum value the spec does not list (a new session or
	// task state, say) is accepted and logged at Warn: servers add states.
	ValidationCompatible ValidationMode = iota
	// ValidationStrict checks every rule, enum values included.
	ValidationStrict
	// ValidationOff checks no schema rule; bodies are only decoded.
	// Request parameters are still checked.
	ValidationOff
)

// String returns "compatible", "strict" or "off".
func (m ValidationMode) String() string {
	switch m {
	case ValidationCompatible:
		return "compatible"
	case ValidationStrict:
		return "strict"
	case ValidationOff:
		return "off"
	}
	return fmt.Sprintf("ValidationMode(%d)", int(m))
}

// Option configures a Client. Options check their input: NewClient returns
// the first error.
type Option func(*config) error

type config struct {
	apiKey            string
	apiKeySet         bool
	baseURL           string
	baseURLSet        bool
	httpClient        *http.Client
	headers           http.Header
	logger            *slog.Logger
	validation        ValidationMode
	maxResponseBytes  int64
	attemptTimeout    time.Duration
	stopTimeout       time.Duration
	retry             RetryPolicy
	allowInsecureHTTP bool
	pollFirst         time.Duration
	pollMax           time.Duration
	events            *TaskEvents
	maxDownloadBytes  int64 // WithMaxDownloadBytes (files.go)
}

// WithAPIKey sets the API key (else $BROWSER_USE_API_KEY).
func WithAPIKey(key string) Option {
	return func(c *config) error {
		key = strings.TrimSpace(key)
		if key == "" {
			return errors.New("browseruse: WithAPIKey: the key is empty")
		}
		c.apiKey, c.apiKeySet = key, true
		return nil
	}
}

// WithBaseURL sets the API's base URL (else $BROWSER_USE_BASE_URL, else
// DefaultBaseURL). It must include the /api/v2 path.
func WithBaseURL(u string) Option {
	return func(c *config) error {
		c.baseURL, c.baseURLSet = u, true
		return nil
	}
}

// WithHTTPClient makes the client send requests with a copy of hc (its
// Transport, Jar and CheckRedirect are kept; hc itself is not changed).
// Its Timeout, if set, bounds each attempt, like WithAttemptTimeout. Its
// CheckRedirect is kept, behind a check that refuses a redirect to another
// scheme, host or port (ErrCrossOriginRedirect): nothing, the key least of
// all, is sent there.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) error {
		if hc == nil {
			return errors.New("browseruse: WithHTTPClient: the client is nil")
		}
		copied := *hc
		c.httpClient = &copied
		return nil
	}
}

// clientHeaders are the headers the client sets or net/http manages: a
// caller's value would break every request (a Content-Type on a create, an
// Accept-Encoding that turns off transparent decompression).
var clientHeaders = map[string]string{
	"Accept":            "the client asks for JSON",
	"Accept-Encoding":   "net/http negotiates compression",
	"Connection":        "net/http manages connections",
	"Content-Length":    "net/http sets it from the body",
	"Content-Type":      "each request has its own",
	"Host":              "it comes from the base URL",
	"Te":                "net/http manages it",
	"Transfer-Encoding": "net/http manages it",
	"Upgrade":           "net/http manages it",
}

// WithHeader adds a header to every request, e.g. a tracing id. It may
// replace User-Agent. It refuses the API key's header (use WithAPIKey) and
// the headers the client or net/http own: Accept, Accept-Encoding,
// Connection, Content-Length, Content-Type, Host, TE, Transfer-Encoding and
// Upgrade.
func WithHeader(name, value string) Option {
	return func(c *config) error {
		name = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
		if name == "" {
			return errors.New("browseruse: WithHeader: the name is empty")
		}
		if strings.EqualFold(name, apiKeyHeader) {
			return errors.New("browseruse: WithHeader: use WithAPIKey for the API key")
		}
		if why, owned := clientHeaders[name]; owned {
			return fmt.Errorf("browseruse: WithHeader: %s is the client's own (%s)", name, why)
		}
		if c.headers == nil {
			c.headers = http.Header{}
		}
		c.headers.Set(name, value)
		return nil
	}
}

// WithLogger logs one line per attempt (method, path, status, attempt,
// duration, request id) at Debug, retries at Info, and unknown enum values
// at Warn. Header values and bodies are never logged.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("browseruse: WithLogger: the logger is nil")
		}
		c.logger = l
		return nil
	}
}

// WithValidation sets how responses are checked against openapi.yaml.
func WithValidation(m ValidationMode) Option {
	return func(c *config) error {
		if m < ValidationCompatible || m > ValidationOff {
			return fmt.Errorf("browseruse: WithValidation: unknown mode %d", int(m))
		}
		c.validation = m
		return nil
	}
}

// WithMaxResponseBytes caps the size of a response body; a larger one is an
// error wrapping ErrResponseTooLarge. The default is DefaultMaxResponseBytes.
func WithMaxResponseBytes(n int64) Option {
	return func(c *config) error {
		if n < 1024 {
			return errors.New("browseruse: WithMaxResponseBytes: the cap must be at least 1024 bytes")
		}
		c.maxResponseBytes = n
		return nil
	}
}

// WithAttemptTimeout bounds each attempt (request and body), so a server
// that never answers cannot hang a call whose context has no deadline.
// The default is DefaultAttemptTimeout.
func WithAttemptTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("browseruse: WithAttemptTimeout: the timeout must be positive")
		}
		c.attemptTimeout = d
		return nil
	}
}

// WithStopTimeout bounds the stop that StopOnExit and RunSession make on
// their own context. The default is DefaultStopTimeout.
func WithStopTimeout(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return errors.New("browseruse: WithStopTimeout: the timeout must be positive")
		}
		c.stopTimeout = d
		return nil
	}
}

// WithRetry replaces the retry policy (see RetryPolicy and DefaultRetryPolicy).
func WithRetry(p RetryPolicy) Option {
	return func(c *config) error {
		if err := p.validate(); err != nil {
			return err
		}
		c.retry = p
		return nil
	}
}

// WithPollInterval sets the default first and longest wait between two
// status polls of every WaitForTask and RunTask of the client; a call's
// PollInterval option overrides it (see PollInterval for the schedule). The
// default is DefaultPollFirst, growing after 40 polls to DefaultPollMax. Tests against browserusetest use milliseconds.
func WithPollInterval(first, longest time.Duration) Option {
	return func(c *config) error {
		if first <= 0 || longest < first {
			return errors.New("browseruse: WithPollInterval: first must be positive and longest at least first")
		}
		c.pollFirst, c.pollMax = first, longest
		return nil
	}
}

// WithTaskEvents has the client's waits (WaitForTask, RunTask, TaskSteps)
// woken by events's task events, fed by a webhook handler: see TaskEvents.
// A call's WakeOn option overrides it.
func WithTaskEvents(events *TaskEvents) Option {
	return func(c *config) error {
		c.events = events
		return nil
	}
}

// WithAllowInsecureHTTP allows a plain-HTTP base URL on a host other than
// loopback, which sends the API key unencrypted. Meant for test rigs only.
func WithAllowInsecureHTTP() Option {
	return func(c *config) error {
		c.allowInsecureHTTP = true
		return nil
	}
}

// redacted shows whether a secret is set, never its value.
func redacted(secret string) string {
	if secret == "" {
		return "(unset)"
	}
	return "[REDACTED]"
}
