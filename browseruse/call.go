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
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

const (
	rawBodyCap       = 4 << 10 // APIError.RawBody
	violationBodyCap = 1 << 10 // ResponseValidationError.Body
)

// call is one call of a Client method, as the method describes it.
type call struct {
	op      opIndex
	method  string   // the Client method, when several share op ("" for op's own)
	secrets []string // values to mask in errors, besides the API key
}

// answer is what the server answered a call, read in full.
type answer struct {
	status   int
	header   http.Header
	body     []byte
	attempts int
}

// do runs one call, in a straight line: req, which gen built (buildErr
// when it could not), gets the key and the client's headers; it is checked
// against openapi.yaml and refused before sending when it breaks it; it is
// sent with the retry policy (each attempt its own copy, within the
// attempt timeout, the body read up to the cap); the answer is checked
// against openapi.yaml, and a 2xx one decoded into a new T (struct{}: no
// body). A create whose outcome is unknown gives an *UnknownOutcomeError.
func do[T any](ctx context.Context, c *Client, k call, req *http.Request, buildErr error) (*T, error) {
	op := c.ops[k.op]
	if k.method == "" {
		k.method = op.method
	}
	if buildErr != nil {
		// Nothing was sent: gen refused the parameters (an unencodable query, say).
		return nil, &RequestValidationError{Operation: k.method, Violations: []string{"(request): cannot be built: " + oneLine(buildErr.Error())}}
	}
	c.addHeaders(req)
	if err := c.checkRequest(ctx, op, k.method, req); err != nil {
		return nil, err
	}
	a, err := c.send(ctx, op, k.method, req)
	if err == nil {
		err = c.checkResponse(op, k, a)
	}
	if err != nil {
		if op.creates != "" && mayHaveCreated(err) {
			return nil, &UnknownOutcomeError{Err: err, Created: op.creates}
		}
		return nil, err
	}
	return decode[T](c, k, a)
}

// decode turns a checked 2xx answer into a new T.
func decode[T any](c *Client, k call, a answer) (*T, error) {
	var out T
	if _, none := any(&out).(*struct{}); none {
		return &out, nil
	}
	body := bytes.TrimSpace(a.body)
	if len(body) == 0 || body[0] != '{' {
		// Every success body of openapi.yaml is an object; with validation
		// off, this still keeps null or [] from passing as a zero value.
		return nil, c.invalid(k, a, []string{"(body): must be a JSON object"}, nil, nil)
	}
	if err := unmarshal(body, &out); err != nil {
		return nil, c.invalid(k, a, []string{"(body): cannot be decoded: " + jsonProblem(err)}, nil, err)
	}
	return &out, nil
}

// addHeaders gives a request gen built (with a header map of its own) the
// client's headers and the key.
func (c *Client) addHeaders(req *http.Request) {
	for name, values := range c.header {
		req.Header[name] = values
	}
	req.Header.Set(apiKeyHeader, c.apiKey)
}

// checkRequest validates a request gen built against openapi.yaml; its
// path parameters are read back from its path by the spec's template. Only
// Strict refuses an enum value the spec does not list (a new proxy country
// or model, say): the service adds values before this copy of the spec
// lists them, so the other modes send it and log it at Warn.
func (c *Client) checkRequest(ctx context.Context, op *operation, method string, req *http.Request) error {
	pathParams, ok := op.spec.PathValues(strings.TrimPrefix(req.URL.EscapedPath(), c.basePath))
	if !ok {
		return &RequestValidationError{Operation: method, Violations: []string{"(path): " + req.URL.EscapedPath() + " does not fit " + op.spec.Path}}
	}
	vs := op.spec.CheckRequest(ctx, req, pathParams)
	if c.validation != ValidationStrict {
		kept := vs[:0]
		for _, v := range vs {
			if v.Unlisted {
				c.logger.LogAttrs(ctx, slog.LevelWarn, "browseruse: sending an enum value openapi.yaml does not list",
					slog.String("operation", method), slog.String("field", fieldName(op, v)))
				continue
			}
			kept = append(kept, v)
		}
		vs = kept
	}
	if len(vs) == 0 {
		return nil
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = fieldName(op, v) + ": " + v.Rule
	}
	return &RequestValidationError{Operation: method, Violations: lines}
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
		// A redirect is an answer that did not create anything here.
		return !errors.As(te.Err, &ns) && !errors.Is(te.Err, ErrCrossOriginRedirect)
	}
	return false // invalid parameters: nothing was sent
}

// checkResponse checks the answer the doer read into k: an error status
// becomes an *APIError, and a body that breaks openapi.yaml a
// *ResponseValidationError (see ValidationMode).
func (c *Client) checkResponse(op *operation, k call, a answer) error {
	schema, documented := op.spec.Response(a.status)
	if a.status >= 300 {
		apiErr := c.apiError(op, k, a)
		if c.validation == ValidationOff || !documented || schema == nil || len(bytes.TrimSpace(a.body)) == 0 {
			// A body-less error (a proxy's 429 or 502, say) has nothing
			// to check: its status says it all.
			return apiErr
		}
		if vs := c.check(k, a, schema); len(vs) > 0 {
			return c.invalid(k, a, vs, apiErr, nil)
		}
		return apiErr
	}
	if !documented {
		if c.validation == ValidationStrict {
			return c.invalid(k, a, []string{fmt.Sprintf("status %d is not documented (expected %d)", a.status, op.spec.Success)}, nil, nil)
		}
		// Another 2xx than documented (200 for 201, say): hold the body to
		// the documented success schema, so it cannot pass as a zero value.
		schema, _ = op.spec.Response(op.spec.Success)
	}
	if c.validation == ValidationOff || schema == nil {
		return nil
	}
	if vs := c.check(k, a, schema); len(vs) > 0 {
		return c.invalid(k, a, vs, nil, nil)
	}
	return nil
}

// check validates a body against a documented schema with kin-openapi and
// returns short violation lines. Compatible mode drops (and logs) enum
// values the spec does not list.
func (c *Client) check(k call, a answer, schema *openapi3.Schema) []string {
	if ct := a.header.Get("Content-Type"); !isJSON(ct) {
		return []string{fmt.Sprintf("(body): content type %q is not application/json", ct)}
	}
	var value any
	if err := unmarshal(a.body, &value, noCopy); err != nil {
		if len(bytes.TrimSpace(a.body)) == 0 {
			return []string{"(body): is empty"}
		}
		return []string{"(body): is not valid JSON: " + jsonProblem(err)}
	}
	var lines []string
	for _, v := range specval.CheckResponse(schema, value) {
		if v.Unlisted && c.validation == ValidationCompatible {
			c.logger.LogAttrs(context.Background(), slog.LevelWarn, "browseruse: response has an enum value openapi.yaml does not list",
				slog.String("operation", k.method), slog.String("field", v.Field), slog.Int("status", a.status))
			continue
		}
		lines = append(lines, v.String())
	}
	return lines
}

func (c *Client) invalid(k call, a answer, violations []string, apiErr *APIError, cause error) error {
	body := c.scrub(a.body, violationBodyCap, k.secrets)
	if a.status < 300 && c.ops[k.op].signedBody {
		body = nil // it may hold signed links or fields
	}
	return &ResponseValidationError{
		Operation:  k.method,
		StatusCode: a.status,
		Violations: violations,
		Body:       body,
		APIError:   apiErr,
		cause:      cause,
	}
}

// fieldName names a violation's field as "GoField (wireField)", e.g.
// "CustomProxy.Port (customProxy.port)", or "(body)" for the body itself.
func fieldName(op *operation, v specval.Violation) string {
	wire := v.Field
	if v.In == "body" {
		wire = strings.ReplaceAll(strings.TrimPrefix(v.Field, "/"), "/", ".")
	}
	name, ok := op.goNames[v.Field]
	switch {
	case wire == "":
		return "(body)"
	case ok && name != wire:
		return name + " (" + wire + ")"
	}
	return wire
}

// apiError builds the *APIError of a non-2xx answer.
func (c *Client) apiError(op *operation, k call, a answer) *APIError {
	e := &APIError{
		Operation:  k.method,
		StatusCode: a.status,
		RequestID:  requestIDOf(a.header),
		RetryAfter: parseRetryAfter(a.header.Get("Retry-After"), time.Now()),
		Attempts:   a.attempts,
		RawBody:    c.scrub(a.body, rawBodyCap, k.secrets),
		op:         &op.operationInfo,
	}
	var body struct {
		Detail json.RawMessage `json:"detail"`
		issueJSON
	}
	if json.Unmarshal(a.body, &body) != nil {
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
