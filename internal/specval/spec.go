// Package specval holds the spec that gen/ embeds (gen.GetSpec, the
// parsed openapi.yaml) and validates requests and responses against it with
// kin-openapi. Package browseruse uses it on the client side; package
// browserusetest uses it for what the fake server receives and sends.
//
// It never routes: callers name the operation they mean, and every
// operation's route is resolved once, so the spec's servers entry does not
// matter and a client pointed at a test server works.
package specval

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"

	"github.com/browseruse-go/browseruse-go/gen"
)

// Spec is the embedded openapi.yaml, checked, with its operations resolved.
// It is immutable after Load and safe for concurrent use.
type Spec struct {
	// Doc is the parsed document. Treat it as read-only.
	Doc        *openapi3.T
	operations map[string]*Operation
}

// Operation is one operation of the spec, resolved for validation.
type Operation struct {
	// ID is the operationId, e.g. "createSession".
	ID string
	// Method is the HTTP method, e.g. "POST".
	Method string
	// Path is the path template, e.g. /sessions/{session_id}.
	Path string
	// Route is what openapi3filter needs to validate a request of this
	// operation, built once instead of found by a router per call.
	Route *routers.Route
	// Success is the documented 2xx status.
	Success int
	// segments is Path split at "/"; a parameter's segment is its name in
	// braces.
	segments []string
	// responses maps each documented status to its JSON body schema (nil
	// when the status has no body).
	responses map[int]*openapi3.Schema
}

// load decodes, parses and checks the embedded document once per process:
// the parsed spec is immutable, so sharing it is safe and makes every later
// NewClient cheap.
var load = sync.OnceValues(func() (*Spec, error) {
	doc, err := gen.GetSpec()
	if err != nil {
		return nil, fmt.Errorf("specval: load the embedded openapi.yaml: %w", err)
	}
	return newSpec(doc)
})

// Load returns the embedded spec. The work is done on the first call only.
func Load() (*Spec, error) { return load() }

func newSpec(doc *openapi3.T) (*Spec, error) {
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("specval: openapi.yaml is invalid: %w", err)
	}
	s := &Spec{Doc: doc, operations: map[string]*Operation{}}
	// The routes see the document without its security requirements: the
	// API key is the client's and the fake's own business, and kin-openapi
	// would otherwise copy every request body for an AuthenticationFunc.
	unsecured := *doc
	unsecured.Security = nil
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			o := &Operation{
				ID:        op.OperationID,
				Method:    method,
				Path:      path,
				Route:     &routers.Route{Spec: &unsecured, Path: path, PathItem: item, Method: method, Operation: op},
				Success:   http.StatusOK,
				responses: map[int]*openapi3.Schema{},
				segments:  strings.Split(path, "/"),
			}
			for code, ref := range op.Responses.Map() {
				status, err := strconv.Atoi(code)
				if err != nil {
					return nil, fmt.Errorf("specval: %s: response %q is not a status code", op.OperationID, code)
				}
				var schema *openapi3.Schema
				if mt := ref.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					schema = mt.Schema.Value
				}
				o.responses[status] = schema
				if status >= 200 && status < 300 {
					o.Success = status
				}
			}
			s.operations[op.OperationID] = o
		}
	}
	return s, nil
}

// Operation returns the operation with this operationId, or nil.
func (s *Spec) Operation(id string) *Operation { return s.operations[id] }

// Operations returns every operation, sorted by operationId.
func (s *Spec) Operations() []*Operation {
	ops := make([]*Operation, 0, len(s.operations))
	for _, o := range s.operations {
		ops = append(ops, o)
	}
	slices.SortFunc(ops, func(a, b *Operation) int {
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return ops
}

// Response returns the JSON body schema of a status (nil when it has no
// body) and whether the status is documented at all.
func (o *Operation) Response(status int) (*openapi3.Schema, bool) {
	schema, ok := o.responses[status]
	return schema, ok
}

// Statuses returns the documented status codes, ascending.
func (o *Operation) Statuses() []int {
	out := make([]int, 0, len(o.responses))
	for s := range o.responses {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// PathParams returns the names of the path template's parameters, in order
// ("session_id" for /sessions/{session_id}).
func (o *Operation) PathParams() []string {
	var names []string
	for _, seg := range o.segments {
		if name, ok := paramName(seg); ok {
			names = append(names, name)
		}
	}
	return names
}

// PathValues reads the path parameters from a request's escaped path,
// relative to the server ("/sessions/3c90c3cc-..."), by the path template:
// the request's builder put them there. It returns nil when the operation
// has none, and false when the path does not fit the template.
func (o *Operation) PathValues(escapedPath string) (map[string]string, bool) {
	var values map[string]string
	rest := escapedPath
	for i, seg := range o.segments {
		var got string
		if i == len(o.segments)-1 {
			if strings.Contains(rest, "/") {
				return nil, false
			}
			got, rest = rest, ""
		} else {
			var found bool
			if got, rest, found = strings.Cut(rest, "/"); !found {
				return nil, false
			}
		}
		name, isParam := paramName(seg)
		if !isParam {
			if got != seg {
				return nil, false
			}
			continue
		}
		v, err := url.PathUnescape(got)
		if err != nil {
			return nil, false
		}
		if values == nil {
			values = make(map[string]string, 1)
		}
		values[name] = v
	}
	return values, true
}

func paramName(segment string) (string, bool) {
	if len(segment) > 2 && segment[0] == '{' && segment[len(segment)-1] == '}' {
		return segment[1 : len(segment)-1], true
	}
	return "", false
}
