package browseruse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// call is one call of a Client method, from the facade to the doer and
// back. It travels in the request's context, because gen's client methods
// take a context and nothing else of ours.
type call struct {
	op         *operation
	method     string            // the Client method called, for errors and logs
	pathParams map[string]string // for request validation (nothing routes)
	secrets    []string          // values to mask in errors, besides the API key

	// Set by the doer.
	status   int
	header   http.Header
	body     []byte
	attempts int
}

type callKey struct{}

// doer is the gen.HttpRequestDoer of a Client: gen builds each request and
// hands it here, where the reliability work happens. For each call it
// validates the request, sends it (retrying per operationTable, each
// attempt with its own copy of the request, headers included, within the
// attempt timeout), reads the body up to the cap and checks the answer
// against openapi.yaml. Error statuses come back as *APIError; only a
// usable answer reaches gen, with its body.
type doer struct{ c *Client }

// Do implements gen.HttpRequestDoer.
func (d doer) Do(req *http.Request) (*http.Response, error) {
	c := d.c
	ctx := req.Context()
	k, _ := ctx.Value(callKey{}).(*call)
	if k == nil {
		return nil, errors.New("browseruse: a request without its call: use the Client's methods")
	}
	if vs := c.checkRequest(ctx, k, req); len(vs) > 0 {
		return nil, c.invalidParams(k, vs)
	}
	hr, err := c.send(ctx, k, req)
	if err != nil {
		return nil, err
	}
	if err := c.checkResponse(k); err != nil {
		return nil, err
	}
	hr.Body = io.NopCloser(bytes.NewReader(k.body))
	return hr, nil
}

// checkRequest validates a request gen built against openapi.yaml. Only
// Strict refuses an enum value the spec does not list (a new proxy country
// or model, say): the service adds values before this copy of the spec
// lists them, so the other modes send it and log it at Warn.
func (c *Client) checkRequest(ctx context.Context, k *call, req *http.Request) []specval.Violation {
	vs := k.op.spec.CheckRequest(ctx, req, k.pathParams)
	if c.validation == ValidationStrict {
		return vs
	}
	kept := vs[:0]
	for _, v := range vs {
		if v.Unlisted {
			c.logger.LogAttrs(ctx, slog.LevelWarn, "browseruse: sending an enum value openapi.yaml does not list",
				slog.String("operation", k.method), slog.String("field", c.fieldName(k.op, v)))
			continue
		}
		kept = append(kept, v)
	}
	return kept
}

// send makes the attempts of a call, retrying per operationTable.
func (c *Client) send(ctx context.Context, k *call, req *http.Request) (*http.Response, error) {
	for attempt := 1; ; attempt++ {
		k.attempts = attempt
		hr, outcome := c.attempt(ctx, k, req, attempt)
		if ctx.Err() != nil && outcome.transport != nil {
			return nil, &TransportError{Operation: k.method, Attempts: attempt, Err: outcome.transport}
		}
		wait, again := c.retry.next(&k.op.operationInfo, attempt, outcome)
		if !again {
			if outcome.transport != nil {
				return nil, &TransportError{Operation: k.method, Attempts: attempt, Err: outcome.transport}
			}
			return hr, nil
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "browseruse: retrying",
			slog.String("operation", k.method), slog.Int("attempt", attempt),
			slog.Int("status", outcome.status), slog.Duration("wait", wait))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			err := outcome.transport
			if err == nil {
				err = fmt.Errorf("gave up after status %d: %w", outcome.status, ctx.Err())
			}
			return nil, &TransportError{Operation: k.method, Attempts: attempt, Err: err}
		case <-timer.C:
		}
	}
}

// attempt sends one copy of req and reads its body in full into k, within
// the attempt timeout.
func (c *Client) attempt(ctx context.Context, k *call, req *http.Request, n int) (*http.Response, attemptOutcome) {
	actx := ctx
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > c.attemptTO {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.attemptTO)
		defer cancel()
	}
	// Each attempt has its own request and header: net/http (a cookie jar,
	// say) may add to them.
	r := req.Clone(actx)
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			return nil, attemptOutcome{transport: notSentError{err}, permanent: true}
		}
		r.Body = body
	}

	start := time.Now()
	hr, err := c.http.Do(r)
	if err != nil {
		c.logAttempt(ctx, r, k, n, 0, "", start)
		// Only a failed dial (refused, DNS) proves the server saw nothing.
		// net/http itself replays a request on a reused connection that
		// closed before anything was written (it can: GetBody is set).
		if isDialError(err) {
			return nil, attemptOutcome{transport: notSentError{err}}
		}
		if errors.Is(err, ErrCrossOriginRedirect) {
			// Not retried: the server would redirect again.
			return nil, attemptOutcome{transport: err, sent: true, permanent: true}
		}
		return nil, attemptOutcome{transport: err, sent: true}
	}
	body, err := readCapped(hr.Body, hr.ContentLength, c.maxBody)
	hr.Body.Close()
	requestID := requestIDOf(hr.Header)
	c.logAttempt(ctx, r, k, n, hr.StatusCode, requestID, start)
	if errors.Is(err, ErrResponseTooLarge) {
		// Not retried: the next answer would be as large.
		return nil, attemptOutcome{status: hr.StatusCode, transport: err, sent: true, permanent: true}
	}
	if err != nil {
		return nil, attemptOutcome{transport: fmt.Errorf("reading the %d response body: %w", hr.StatusCode, err), sent: true}
	}
	k.status, k.header, k.body = hr.StatusCode, hr.Header, body
	return hr, attemptOutcome{
		status:     hr.StatusCode,
		retryAfter: parseRetryAfter(hr.Header.Get("Retry-After"), time.Now()),
		sent:       true,
	}
}

func (c *Client) logAttempt(ctx context.Context, req *http.Request, k *call, n, status int, requestID string, start time.Time) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "browseruse: request",
		slog.String("operation", k.method),
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
