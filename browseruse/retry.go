package browseruse

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"time"
)

// RetryPolicy says how often and how long to wait before retrying. Which
// failures are retried is fixed per operation by operationTable: an operation
// that is not idempotent is never retried where that could start a second
// session.
type RetryPolicy struct {
	// MaxRetries is the number of retries after the first attempt; 0 disables retries.
	MaxRetries int
	// BaseDelay is the first backoff; each retry doubles it, with jitter.
	BaseDelay time.Duration
	// MaxDelay caps one backoff.
	MaxDelay time.Duration
	// MaxRetryAfter caps the server's Retry-After: a longer wait is not
	// made; the error is returned with APIError.RetryAfter set.
	MaxRetryAfter time.Duration
	// ConcurrencyLimitRetries is how often a create (CreateSession,
	// CreateBrowser, and CreateTask, which may start a session) retries a
	// 429: the plan's cap on concurrently active sessions. 0, the default, returns
	// ErrTooManyConcurrentSessions at once: blind retries only add load.
	ConcurrencyLimitRetries int
	// ConcurrencyLimitDelay is the first wait before such a retry (doubled
	// each time, capped at 8 times its value).
	ConcurrencyLimitDelay time.Duration
}

// DefaultRetryPolicy returns the policy NewClient uses: 2 retries, 0.5 s
// base, 8 s cap, Retry-After honoured up to 30 s, no retry of the
// concurrent-sessions cap.
func DefaultRetryPolicy() RetryPolicy {
	return RetryPolicy{
		MaxRetries:            2,
		BaseDelay:             500 * time.Millisecond,
		MaxDelay:              8 * time.Second,
		MaxRetryAfter:         30 * time.Second,
		ConcurrencyLimitDelay: 5 * time.Second,
	}
}

func (p RetryPolicy) validate() error {
	if p.MaxRetries < 0 || p.ConcurrencyLimitRetries < 0 {
		return errors.New("browseruse: RetryPolicy: retry counts must not be negative")
	}
	if p.BaseDelay < 0 || p.MaxDelay < 0 || p.MaxRetryAfter < 0 || p.ConcurrencyLimitDelay < 0 {
		return errors.New("browseruse: RetryPolicy: delays must not be negative")
	}
	return nil
}

// retryClass is what an operation may retry; operationTable gives each
// operation its class.
type retryClass int

const (
	// retryNever: nothing is retried. The zero value, so an operation that
	// operationTable forgets is never retried.
	retryNever retryClass = iota
	// retryIdempotent: connection errors and the statuses in retryableStatus.
	retryIdempotent
	// retryUnsent: only failures where the request certainly never reached
	// the server (connection refused, DNS failure). A 5xx, a timeout or a
	// connection lost after the request was written is never retried.
	retryUnsent
)

// retryableStatus are the statuses idempotent operations retry.
var retryableStatus = map[int]bool{
	http.StatusRequestTimeout:      true,
	http.StatusTooManyRequests:     true,
	http.StatusInternalServerError: true,
	http.StatusBadGateway:          true,
	http.StatusServiceUnavailable:  true,
	http.StatusGatewayTimeout:      true,
}

// attemptOutcome is what one attempt produced, for the retry decision.
type attemptOutcome struct {
	status     int           // 0 when no response
	retryAfter time.Duration // from the response, or 0
	transport  error         // connection-level error, or nil
	sent       bool          // the request may have reached the server
	permanent  bool          // retrying cannot help (e.g. a body over the cap)
}

// next decides whether attempt number n (1-based) is retried, and after how long.
func (p RetryPolicy) next(op *operationInfo, n int, o attemptOutcome) (time.Duration, bool) {
	class := op.retry
	if o.permanent || class == retryNever {
		return 0, false
	}
	if op.startsSessions() && o.status == http.StatusTooManyRequests {
		if n > p.ConcurrencyLimitRetries {
			return 0, false
		}
		return backoff(p.ConcurrencyLimitDelay, 8*p.ConcurrencyLimitDelay, n), true
	}
	if n > p.MaxRetries {
		return 0, false
	}
	switch {
	case o.transport != nil:
		if class == retryUnsent && o.sent {
			return 0, false
		}
	case class == retryUnsent || !retryableStatus[o.status]:
		return 0, false
	}
	if o.retryAfter > 0 {
		if o.retryAfter > p.MaxRetryAfter {
			return 0, false
		}
		return o.retryAfter, true
	}
	return backoff(p.BaseDelay, p.MaxDelay, n), true
}

// backoff is base*2^(n-1), capped, with jitter in [d/2, d].
func backoff(base, limit time.Duration, n int) time.Duration {
	d := base
	for i := 1; i < n && d < limit; i++ {
		d *= 2
	}
	d = min(d, limit)
	if d <= 1 {
		return d
	}
	half := d / 2
	return half + rand.N(half+1)
}

// parseRetryAfter reads Retry-After as seconds or as an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil {
		if secs < 0 {
			return 0
		}
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// sleepCtx waits for d, or until ctx ends (false).
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
