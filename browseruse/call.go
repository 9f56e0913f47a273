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

// request describes one call of a Client method.
type request struct {
	op         opIndex
	method     string            // the Client method, when several share op ("" for op's own)
	pathParams map[string]string // for request validation (nothing routes)
	secrets    []string          // values to mask in errors, besides the API key
}

// invoke makes a call through gen and decodes a 2xx answer into a new T;
// T of struct{} stands for "no body". send is the gen client method; the
// context it gets carries the call to the doer.
func invoke[T any](ctx context.Context, c *Client, r request, send func(context.Context) (*http.Response, error)) (*T, error) {
	k := &call{op: c.ops[r.op], method: r.method, pathParams: r.pathParams, secrets: r.secrets}
	if k.method == "" {
		k.method = k.op.method
	}
	resp, err := send(context.WithValue(ctx, callKey{}, k))
	out, err := decodeAnswer[T](c, k, resp, err)
	if err != nil && k.op.creates != "" && mayHaveCreated(err) {
		return nil, &UnknownOutcomeError{Err: err, Created: k.op.creates}
	}
	return out, err
}

// decodeAnswer turns what gen returned into a value or the right error.
func decodeAnswer[T any](c *Client, k *call, resp *http.Response, err error) (*T, error) {
	if err != nil {
		if isOurs(err) {
			return nil, err
		}
		// gen failed to build the request: nothing was sent.
		return nil, fmt.Errorf("browseruse: %s: building the request: %w", k.method, err)
	}
	resp.Body.Close()
	var out T
	if _, none := any(&out).(*struct{}); none {
		return &out, nil
	}
	body := bytes.TrimSpace(k.body)
	if len(body) == 0 || body[0] != '{' {
		// Every success body of openapi.yaml is an object; with validation
		// off, this still keeps null or [] from passing as a zero value.
		return nil, c.invalid(k, []string{"(body): must be a JSON object"}, nil, nil)
	}
	if err := json.Unmarshal(body, &out); err != nil {
		return nil, c.invalid(k, []string{"(body): cannot be decoded: " + jsonProblem(err)}, nil, err)
	}
	return &out, nil
}

// isOurs reports whether err is one of the errors the doer returns.
func isOurs(err error) bool {
	var (
		api *APIError
		req *RequestValidationError
		rv  *ResponseValidationError
		te  *TransportError
	)
	return errors.As(err, &api) || errors.As(err, &req) || errors.As(err, &rv) || errors.As(err, &te)
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
	return false // invalid parameters, or a request gen could not build: nothing was sent
}

// checkResponse checks the answer the doer read into k: an error status
// becomes an *APIError, and a body that breaks openapi.yaml a
// *ResponseValidationError (see ValidationMode).
func (c *Client) checkResponse(k *call) error {
	schema, documented := k.op.spec.Response(k.status)
	if k.status >= 300 {
		apiErr := c.apiError(k)
		if c.validation == ValidationOff || !documented || schema == nil {
			return apiErr
		}
		if vs := c.check(k, schema); len(vs) > 0 {
			return c.invalid(k, vs, apiErr, nil)
		}
		return apiErr
	}
	if !documented {
		if c.validation == ValidationStrict {
			return c.invalid(k, []string{fmt.Sprintf("status %d is not documented (expected %d)", k.status, k.op.spec.Success)}, nil, nil)
		}
		// Another 2xx than documented (200 for 201, say): hold the body to
		// the documented success schema, so it cannot pass as a zero value.
		schema, _ = k.op.spec.Response(k.op.spec.Success)
	}
	if c.validation == ValidationOff || schema == nil {
		return nil
	}
	if vs := c.check(k, schema); len(vs) > 0 {
		return c.invalid(k, vs, nil, nil)
	}
	return nil
}

// check validates a body against a documented schema with kin-openapi and
// returns short violation lines. Compatible mode drops (and logs) enum
// values the spec does not list.
func (c *Client) check(k *call, schema *openapi3.Schema) []string {
	if ct := k.header.Get("Content-Type"); !isJSON(ct) {
		return []string{fmt.Sprintf("(body): content type %q is not application/json", ct)}
	}
	var value any
	if err := json.Unmarshal(k.body, &value); err != nil {
		if len(bytes.TrimSpace(k.body)) == 0 {
			return []string{"(body): is empty"}
		}
		return []string{"(body): is not valid JSON: " + jsonProblem(err)}
	}
	var lines []string
	for _, v := range specval.CheckResponse(schema, value) {
		if v.Unlisted && c.validation == ValidationCompatible {
			c.logger.LogAttrs(context.Background(), slog.LevelWarn, "browseruse: response has an enum value openapi.yaml does not list",
				slog.String("operation", k.method), slog.String("field", v.Field), slog.Int("status", k.status))
			continue
		}
		lines = append(lines, v.String())
	}
	return lines
}

func (c *Client) invalid(k *call, violations []string, apiErr *APIError, cause error) error {
	return &ResponseValidationError{
		Operation:  k.method,
		StatusCode: k.status,
		Violations: violations,
		Body:       c.scrub(k.body, violationBodyCap, k.secrets),
		APIError:   apiErr,
		cause:      cause,
	}
}

// invalidParams words request violations in the user's terms: the Go
// field, then the wire field, then the rule.
func (c *Client) invalidParams(k *call, vs []specval.Violation) error {
	lines := make([]string, len(vs))
	for i, v := range vs {
		lines[i] = c.fieldName(k.op, v) + ": " + v.Rule
	}
	return &RequestValidationError{Operation: k.method, Violations: lines}
}

// fieldName names a violation's field as "GoField (wireField)", e.g.
// "CustomProxy.Port (customProxy.port)", or "(body)" for the body itself.
func (c *Client) fieldName(op *operation, v specval.Violation) string {
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
func (c *Client) apiError(k *call) *APIError {
	e := &APIError{
		Operation:  k.method,
		StatusCode: k.status,
		RequestID:  requestIDOf(k.header),
		RetryAfter: parseRetryAfter(k.header.Get("Retry-After"), time.Now()),
		Attempts:   k.attempts,
		RawBody:    c.scrub(k.body, rawBodyCap, k.secrets),
		op:         &k.op.operationInfo,
	}
	var body struct {
		Detail json.RawMessage `json:"detail"`
		issueJSON
	}
	if json.Unmarshal(k.body, &body) != nil {
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
