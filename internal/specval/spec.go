// Package specval loads the embedded openapi.yaml once per process and
// checks values against its schemas with kin-openapi. Package browseruse uses
// it to validate requests and responses; package browserusetest uses it to
// validate what the fake server receives and sends.
//
// It never routes: callers name the operation they mean, so the spec's
// servers entry does not matter and a client pointed at a test server works.
package specval

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	browserusego "github.com/browseruse-go/browseruse-go"
)

// Spec is the parsed and checked openapi.yaml with its operations indexed by
// operationId. It is immutable after Load and safe for concurrent use.
type Spec struct {
	// Doc is the parsed document. Treat it as read-only.
	Doc        *openapi3.T
	operations map[string]*Operation
}

// Operation is one operation of the spec, ready for validation.
type Operation struct {
	ID     string
	Method string
	// Path is the path template, e.g. /sessions/{session_id}.
	Path         string
	params       map[string]*Param
	paramOrder   []*Param
	body         *openapi3.Schema
	bodyFast     *Compiled
	bodyRequired bool
	responses    map[int]*Response
}

// Param is one parameter of an operation.
type Param struct {
	Name     string
	In       string
	Required bool
	Schema   *openapi3.Schema
}

// Response is one documented status of an operation.
type Response struct {
	Status int
	// Schema is the application/json body schema, nil when the status has no body.
	Schema *openapi3.Schema
	fast   *Compiled
}

// load parses the embedded document once per process: the parsed spec is
// immutable, so sharing it is safe and makes every later NewClient cheap.
var load = sync.OnceValues(func() (*Spec, error) {
	return Parse(browserusego.OpenAPI())
})

// Load returns the embedded openapi.yaml, parsed, checked and indexed. The
// work is done on the first call only.
func Load() (*Spec, error) { return load() }

// Parse parses and checks an OpenAPI 3.0 document and indexes its operations.
func Parse(data []byte) (*Spec, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("specval: parse openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("specval: openapi.yaml is invalid: %w", err)
	}
	s := &Spec{Doc: doc, operations: map[string]*Operation{}}
	for _, path := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			o, err := newOperation(path, method, item, op)
			if err != nil {
				return nil, err
			}
			s.operations[op.OperationID] = o
		}
	}
	return s, nil
}

func newOperation(path, method string, item *openapi3.PathItem, op *openapi3.Operation) (*Operation, error) {
	o := &Operation{
		ID:        op.OperationID,
		Method:    method,
		Path:      path,
		params:    map[string]*Param{},
		responses: map[int]*Response{},
	}
	for _, list := range []openapi3.Parameters{item.Parameters, op.Parameters} {
		for _, ref := range list {
			p := ref.Value
			param := &Param{Name: p.Name, In: p.In, Required: p.Required, Schema: p.Schema.Value}
			if _, seen := o.params[p.Name]; !seen {
				o.paramOrder = append(o.paramOrder, param)
			}
			o.params[p.Name] = param
		}
	}
	if rb := op.RequestBody; rb != nil && rb.Value != nil {
		if mt := rb.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			o.body = mt.Schema.Value
			o.bodyFast = Compile(o.body, true)
			o.bodyRequired = rb.Value.Required
		}
	}
	for code, ref := range op.Responses.Map() {
		status, err := strconv.Atoi(code)
		if err != nil {
			return nil, fmt.Errorf("specval: %s: response %q is not a status code", op.OperationID, code)
		}
		r := &Response{Status: status}
		if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
			r.Schema = mt.Schema.Value
			r.fast = Compile(r.Schema, false)
		}
		o.responses[status] = r
	}
	return o, nil
}

// Operation returns the operation with this operationId, or nil.
func (s *Spec) Operation(id string) *Operation { return s.operations[id] }

// Operations returns every operation, sorted by operationId.
func (s *Spec) Operations() []*Operation {
	ops := make([]*Operation, 0, len(s.operations))
	for _, o := range s.operations {
		ops = append(ops, o)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].ID < ops[j].ID })
	return ops
}

// Param returns the parameter with this name, or nil.
func (o *Operation) Param(name string) *Param { return o.params[name] }

// Params returns the parameters in the order the spec lists them.
func (o *Operation) Params() []*Param { return o.paramOrder }

// HasBody reports whether the operation takes a JSON request body.
func (o *Operation) HasBody() bool { return o.body != nil }

// BodyRequired reports whether the request body is required.
func (o *Operation) BodyRequired() bool { return o.bodyRequired }

// Response returns the documented response for status, or nil.
func (o *Operation) Response(status int) *Response { return o.responses[status] }

// Statuses returns the documented status codes, ascending.
func (o *Operation) Statuses() []int {
	out := make([]int, 0, len(o.responses))
	for s := range o.responses {
		out = append(out, s)
	}
	sort.Ints(out)
	return out
}

// SuccessStatus returns the documented 2xx status of the operation.
func (o *Operation) SuccessStatus() int {
	for _, s := range o.Statuses() {
		if s >= 200 && s < 300 {
			return s
		}
	}
	return http.StatusOK
}

// CheckBodyJSON checks a raw JSON request body in one pass (see Compiled).
// The error is ErrInvalidJSON when body is not one JSON value.
func (o *Operation) CheckBodyJSON(body []byte) ([]Violation, error) {
	return o.bodyFast.Check(body)
}

// CheckJSON checks a raw JSON response body in one pass (see Compiled).
// The error is ErrInvalidJSON when body is not one JSON value.
func (r *Response) CheckJSON(body []byte) ([]Violation, error) {
	return r.fast.Check(body)
}
