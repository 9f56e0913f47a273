package browseruse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptrace"
	"sync/atomic"
	"time"
)

// send makes the attempts of a call, retrying per operationTable.
// A failure returns a *TransportError; any answer, error statuses
// included, comes back read in full.
func (c *Client) send(ctx context.Context, op *operation, method string, req *http.Request) (answer, error) {
	for attempt := 1; ; attempt++ {
		a, outcome := c.attempt(ctx, op, method, req, attempt)
		a.attempts = attempt
		if ctx.Err() != nil && outcome.transport != nil {
			return a, &TransportError{Operation: method, Attempts: attempt, Err: outcome.transport}
		}
		wait, again := c.retry.next(&op.operationInfo, attempt, outcome)
		if !again {
			if outcome.transport != nil {
				return a, &TransportError{Operation: method, Attempts: attempt, Err: outcome.transport}
			}
			return a, nil
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "browseruse: retrying",
			slog.String("operation", method), slog.Int("attempt", attempt),
			slog.Int("status", outcome.status), slog.Duration("wait", wait))
		if !sleepCtx(ctx, wait) {
			err := outcome.transport
			if err == nil {
				// The last attempt was answered, and the next one was
				// never sent: nothing is in flight.
				err = notSentError{fmt.Errorf("gave up after status %d: %w", outcome.status, ctx.Err())}
			}
			return answer{attempts: attempt}, &TransportError{Operation: method, Attempts: attempt, Err: err}
		}
	}
}

// attempt sends one copy of req and reads its answer in full, within the
// attempt timeout.
func (c *Client) attempt(ctx context.Context, op *operation, method string, req *http.Request, n int) (answer, attemptOutcome) {
	if err := ctx.Err(); err != nil {
		return answer{}, attemptOutcome{transport: notSentError{err}, permanent: true} // cancelled before sending
	}
	actx := ctx
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > c.attemptTO {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.attemptTO)
		defer cancel()
	}
	// A create needs to know whether any byte left: if none did, it
	// certainly started nothing. The trace costs a few allocations, so
	// other operations, for which it changes nothing, go without.
	var wrote atomic.Bool
	if op.creates != "" {
		actx = httptrace.WithClientTrace(actx, &httptrace.ClientTrace{WroteHeaders: func() { wrote.Store(true) }})
	}
	// Each attempt has its own request and header: net/http (a cookie jar,
	// say) may add to them.
	r := req.Clone(actx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return answer{}, attemptOutcome{transport: notSentError{err}, permanent: true}
		}
		r.Body = body
	}

	start := time.Now()
	hr, err := c.http.Do(r)
	if err != nil {
		c.logAttempt(ctx, r, method, n, 0, "", start)
		// A failed dial (refused, DNS) proves the server saw nothing, and
		// so does a create that wrote nothing (cancelled while waiting for
		// a connection, say). net/http itself replays a request on a reused
		// connection that closed before anything was written (GetBody is set).
		if isDialError(err) || op.creates != "" && !wrote.Load() {
			return answer{}, attemptOutcome{transport: notSentError{err}}
		}
		if errors.Is(err, ErrCrossOriginRedirect) {
			// Not retried: the server would redirect again.
			return answer{}, attemptOutcome{transport: err, sent: true, permanent: true}
		}
		return answer{}, attemptOutcome{transport: err, sent: true}
	}
	body, err := readCapped(hr.Body, hr.ContentLength, c.maxBody)
	hr.Body.Close()
	requestID := requestIDOf(hr.Header)
	c.logAttempt(ctx, r, method, n, hr.StatusCode, requestID, start)
	if errors.Is(err, ErrResponseTooLarge) {
		// Not retried: the next answer would be as large.
		return answer{status: hr.StatusCode}, attemptOutcome{status: hr.StatusCode, transport: err, sent: true, permanent: true}
	}
	if err != nil {
		return answer{}, attemptOutcome{transport: fmt.Errorf("reading the %d response body: %w", hr.StatusCode, err), sent: true}
	}
	return answer{status: hr.StatusCode, header: hr.Header, body: body}, attemptOutcome{
		status:     hr.StatusCode,
		retryAfter: parseRetryAfter(hr.Header.Get("Retry-After"), time.Now()),
		sent:       true,
	}
}

func (c *Client) logAttempt(ctx context.Context, req *http.Request, method string, n, status int, requestID string, start time.Time) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "browseruse: request",
		slog.String("operation", method),
		slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("status", status), slog.Int("attempt", n),
		slog.Duration("duration", time.Since(start)), slog.String("request_id", requestID))
}

// notSentError marks a transport failure that happened before any byte of
// the request was written, so the server cannot have seen it.
type notSentError struct{ err error }

// Error returns the underlying error's message.
func (e notSentError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e notSentError) Unwrap() error { return e.err }

func isDialError(err error) bool {
	var op *net.OpError
	if errors.As(err, &op) && op.Op == "dial" {
		return true
	}
	var dns *net.DNSError
	return errors.As(err, &dns)
}

// readCapped reads a body to its end, failing with ErrResponseTooLarge past
// max bytes. A declared Content-Length over the cap fails before reading.
// The buffer is sized from Content-Length when there is one, else it
// doubles up to max+1, so a huge body costs about twice the cap at most
// (io.ReadAll's growth cost 62 MB of allocations for one 8 MiB body).
func readCapped(r io.Reader, contentLength, max int64) ([]byte, error) {
	if contentLength > max {
		return nil, fmt.Errorf("%w: more than %d bytes (Content-Length %d)", ErrResponseTooLarge, max, contentLength)
	}
	size := int64(4 << 10)
	if contentLength >= 0 {
		size = contentLength + 1 // +1 to see EOF without growing
	}
	buf := make([]byte, 0, min(size, max+1))
	for {
		if len(buf) == cap(buf) {
			if int64(len(buf)) > max {
				return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, max)
			}
			grown := make([]byte, len(buf), min(2*int64(cap(buf)), max+1))
			copy(grown, buf)
			buf = grown
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			if int64(len(buf)) > max {
				return nil, fmt.Errorf("%w: more than %d bytes", ErrResponseTooLarge, max)
			}
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func requestIDOf(h http.Header) string {
	if id := h.Get("X-Request-Id"); id != "" {
		return id
	}
	return h.Get("Request-Id")
}
