package browseruse

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

const (
	rawBodyCap       = 4 << 10 // APIError.RawBody
	violationBodyCap = 1 << 10 // ResponseValidationError.Body
)

// response is one HTTP answer, read in full (up to the cap).
type response struct {
	status   int
	header   http.Header
	body     []byte
	attempts int
}

// call is one operation call: the request to send and what to mask. Each
// attempt builds its request from method, url and body, or copies prebuilt.
type call struct {
	op       string
	method   string
	url      string
	body     []byte        // nil: no body
	prebuilt *http.Request // without context, with the shared header
	secrets  []string      // values to mask in bodies kept in errors (besides the API key)
}

// newRequest builds the request of one attempt. The header is the client's
// shared one, which RoundTrippers must not modify.
func (c *Client) newRequest(ctx context.Context, k call) (*http.Request, error) {
	if k.prebuilt != nil {
		return k.prebuilt.WithContext(ctx), nil // a shallow copy
	}
	if k.body == nil {
		req, err := http.NewRequestWithContext(ctx, k.method, k.url, nil)
		if err == nil {
			req.Header = c.header
		}
		return req, err
	}
	req, err := http.NewRequestWithContext(ctx, k.method, k.url, bytes.NewReader(k.body))
	if err == nil {
		req.Header = c.jsonHeader
	}
	return req, err
}

// do sends c, retrying per retryTable, and decodes a 2xx answer into out
// (nil for operations without a body). Error statuses become *APIError.
func (c *Client) do(ctx context.Context, k call, out any) error {
	resp, err := c.send(ctx, k)
	if err == nil {
		err = c.decode(k, resp, out)
	}
	if err != nil && k.op == opCreateSession && mayHaveCreated(err) {
		return &UnknownOutcomeError{Err: err}
	}
	return err
}

// mayHaveCreated reports whether a failed create could have started a session.
func mayHaveCreated(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode >= 500 // the server failed midway, perhaps after starting one
	}
	var rv *ResponseValidationError
	if errors.As(err, &rv) {
		return rv.StatusCode < 300 // a session was started, but its answer is unusable
	}
	var te *TransportError
	if errors.As(err, &te) {
		var ns notSentError
		return !errors.As(te.Err, &ns)
	}
	return false
}

// notSentError marks a transport failure that happened before any byte of
// the request was written, so the server cannot have seen it.
type notSentError struct{ err error }

// Error returns the underlying error's message.
func (e notSentError) Error() string { return e.err.Error() }

// Unwrap returns the underlying error.
func (e notSentError) Unwrap() error { return e.err }

func (c *Client) send(ctx context.Context, k call) (*response, error) {
	for attempt := 1; ; attempt++ {
		resp, outcome := c.attempt(ctx, k, attempt)
		if ctx.Err() != nil && outcome.transport != nil {
			return nil, &TransportError{Operation: k.op, Attempts: attempt, Err: outcome.transport}
		}
		wait, again := c.retry.next(k.op, attempt, outcome)
		if !again {
			if outcome.transport != nil {
				return nil, &TransportError{Operation: k.op, Attempts: attempt, Err: outcome.transport}
			}
			resp.attempts = attempt
			return resp, nil
		}
		c.logger.LogAttrs(ctx, slog.LevelInfo, "browseruse: retrying",
			slog.String("operation", k.op), slog.Int("attempt", attempt),
			slog.Int("status", outcome.status), slog.Duration("wait", wait))
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			err := outcome.transport
			if err == nil {
				err = fmt.Errorf("gave up after status %d: %w", outcome.status, ctx.Err())
			}
			return nil, &TransportError{Operation: k.op, Attempts: attempt, Err: err}
		case <-timer.C:
		}
	}
}

// attempt makes one request and reads its body in full, within the attempt timeout.
func (c *Client) attempt(ctx context.Context, k call, n int) (*response, attemptOutcome) {
	actx := ctx
	if deadline, ok := ctx.Deadline(); !ok || time.Until(deadline) > c.attemptTO {
		var cancel context.CancelFunc
		actx, cancel = context.WithTimeout(ctx, c.attemptTO)
		defer cancel()
	}
	req, err := c.newRequest(actx, k)
	if err != nil {
		return nil, attemptOutcome{transport: notSentError{err}, permanent: true}
	}

	start := time.Now()
	hr, err := c.http.Do(req)
	if err != nil {
		c.logAttempt(ctx, req, n, 0, "", start)
		// Only a failed dial (refused, DNS) proves the server saw nothing.
		// net/http itself replays a request on a reused connection that
		// closed before anything was written (it can: GetBody is set).
		if isDialError(err) {
			return nil, attemptOutcome{transport: notSentError{err}}
		}
		return nil, attemptOutcome{transport: err, sent: true}
	}
	body, err := readCapped(hr.Body, hr.ContentLength, c.maxBody)
	hr.Body.Close()
	requestID := requestIDOf(hr.Header)
	c.logAttempt(ctx, req, n, hr.StatusCode, requestID, start)
	if errors.Is(err, ErrResponseTooLarge) {
		// Not retried: the next answer would be as large.
		return nil, attemptOutcome{status: hr.StatusCode, transport: err, sent: true, permanent: true}
	}
	if err != nil {
		return nil, attemptOutcome{transport: fmt.Errorf("reading the %d response body: %w", hr.StatusCode, err), sent: true}
	}
	return &response{status: hr.StatusCode, header: hr.Header, body: body}, attemptOutcome{
		status:     hr.StatusCode,
		retryAfter: parseRetryAfter(hr.Header.Get("Retry-After"), time.Now()),
		sent:       true,
	}
}

func (c *Client) logAttempt(ctx context.Context, req *http.Request, n, status int, requestID string, start time.Time) {
	if !c.logger.Enabled(ctx, slog.LevelDebug) {
		return
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "browseruse: request",
		slog.String("method", req.Method), slog.String("path", req.URL.Path),
		slog.Int("status", status), slog.Int("attempt", n),
		slog.Duration("duration", time.Since(start)), slog.String("request_id", requestID))
}

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
// doubles up to max+1, so a huge body costs about twice the cap at most.
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

// decode turns an answer into out or into the right error.
func (c *Client) decode(k call, resp *response, out any) error {
	op := c.spec.Operation(k.op)
	documented := op.Response(resp.status)
	if resp.status >= 300 {
		apiErr := c.apiError(k, resp)
		if c.validation == ValidationOff || documented == nil || documented.Schema == nil {
			return apiErr
		}
		if vs := c.check(k.op, documented, resp); len(vs) > 0 {
			return c.invalid(k, resp, vs, apiErr, nil)
		}
		return apiErr
	}
	if documented == nil {
		if c.validation == ValidationStrict {
			return c.invalid(k, resp, []string{fmt.Sprintf("status %d is not documented (expected %d)", resp.status, op.SuccessStatus())}, nil, nil)
		}
		// Another 2xx than documented (200 for 201, say): hold the body to
		// the documented success schema, so it cannot pass as a zero value.
		documented = op.Response(op.SuccessStatus())
	}
	if out == nil {
		return nil
	}
	if c.validation != ValidationOff && documented != nil && documented.Schema != nil {
		if vs := c.check(k.op, documented, resp); len(vs) > 0 {
			return c.invalid(k, resp, vs, nil, nil)
		}
	}
	if err := json.Unmarshal(resp.body, out); err != nil {
		return c.invalid(k, resp, []string{"(body): cannot be decoded: " + jsonProblem(err)}, nil, err)
	}
	return nil
}

// check validates a body against a documented response and returns short
// violation lines. Compatible mode drops (and logs) unknown enum values.
func (c *Client) check(opID string, documented *specval.Response, resp *response) []string {
	if ct := resp.header.Get("Content-Type"); !isJSON(ct) {
		return []string{fmt.Sprintf("(body): content type %q is not application/json", ct)}
	}
	if len(bytes.TrimSpace(resp.body)) == 0 {
		return []string{"(body): is empty"}
	}
	violations, err := documented.CheckJSON(resp.body)
	if err != nil {
		return []string{"(body): is not valid JSON: " + jsonProblem(json.Unmarshal(resp.body, new(any)))}
	}
	var lines []string
	for _, v := range violations {
		if v.Unlisted && c.validation == ValidationCompatible {
			c.logger.LogAttrs(context.Background(), slog.LevelWarn, "browseruse: response has an enum value openapi.yaml does not list",
				slog.String("operation", opID), slog.String("field", v.Field), slog.Int("status", resp.status))
			continue
		}
		lines = append(lines, v.String())
	}
	return lines
}

func (c *Client) invalid(k call, resp *response, violations []string, apiErr *APIError, cause error) error {
	return &ResponseValidationError{
		Operation:  k.op,
		StatusCode: resp.status,
		Violations: violations,
		Body:       c.scrub(resp.body, violationBodyCap, k.secrets),
		APIError:   apiErr,
		cause:      cause,
	}
}

// apiError builds the *APIError of a non-2xx answer.
func (c *Client) apiError(k call, resp *response) *APIError {
	e := &APIError{
		Operation:  k.op,
		StatusCode: resp.status,
		RequestID:  requestIDOf(resp.header),
		RetryAfter: parseRetryAfter(resp.header.Get("Retry-After"), time.Now()),
		Attempts:   resp.attempts,
		RawBody:    c.scrub(resp.body, rawBodyCap, k.secrets),
	}
	var body struct {
		Detail json.RawMessage `json:"detail"`
		issueJSON
	}
	if json.Unmarshal(resp.body, &body) != nil {
		return e
	}
	var detail string
	var issues []issueJSON
	switch {
	case json.Unmarshal(body.Detail, &detail) == nil:
		e.Detail = detail
	case json.Unmarshal(body.Detail, &issues) == nil:
		for _, i := range issues {
			e.Issues = append(e.Issues, i.issue())
		}
	case body.Msg != "":
		e.Issues = append(e.Issues, body.issueJSON.issue())
	}
	// Masked again: a server may quote back a secret it received.
	mask := func(s string) string { return string(c.scrub([]byte(s), rawBodyCap, k.secrets)) }
	e.Detail = mask(e.Detail)
	for i := range e.Issues {
		e.Issues[i].Msg, e.Issues[i].Type = mask(e.Issues[i].Msg), mask(e.Issues[i].Type)
		for j := range e.Issues[i].Loc {
			e.Issues[i].Loc[j] = mask(e.Issues[i].Loc[j])
		}
	}
	return e
}

type issueJSON struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

func (i issueJSON) issue() ValidationIssue {
	out := ValidationIssue{Msg: i.Msg, Type: i.Type}
	for _, l := range i.Loc {
		switch v := l.(type) {
		case string:
			out.Loc = append(out.Loc, v)
		case float64:
			out.Loc = append(out.Loc, strconv.FormatFloat(v, 'f', -1, 64))
		}
	}
	return out
}

// scrub caps a body kept in an error and masks the API key and other secrets.
func (c *Client) scrub(body []byte, limit int, secrets []string) []byte {
	out := bytes.Clone(body)
	for _, s := range append([]string{c.apiKey}, secrets...) {
		if s != "" {
			out = bytes.ReplaceAll(out, []byte(s), []byte("[REDACTED]"))
		}
	}
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

func isJSON(contentType string) bool {
	if contentType == "application/json" || strings.HasPrefix(contentType, "application/json;") {
		return true // the usual answer, without parsing (ParseMediaType allocates)
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// jsonProblem describes a decoding error without quoting the input.
func jsonProblem(err error) string {
	if err == nil {
		return "invalid"
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), err.Error() == "unexpected end of JSON input":
		return "truncated"
	case errors.As(err, &syntax):
		return fmt.Sprintf("syntax error at byte %d", syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("field %q must be %s", typ.Field, typ.Type)
	}
	return err.Error()
}
