package specval

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// Violation is one broken rule: where and what, never the offending value
// (values may be secrets, such as a custom proxy's password).
type Violation struct {
	// In is where the value was: "path", "query", "header" or "body".
	In string
	// Field locates the value: a parameter's name ("pageSize"), or a JSON
	// pointer into a body ("/customProxy/port"; "" for the body itself).
	Field string
	// Rule says what the value must be, e.g. "must be <= 6144".
	Rule string
	// Keyword is the schema keyword that failed ("enum", "maximum", ...),
	// or "parse" for a value that could not be read (JSON, an integer).
	Keyword string
	// Unlisted marks a string the schema's enum does not list: the one
	// violation ValidationCompatible forgives, since servers add values.
	Unlisted bool
}

// String returns "field: rule", with "(body)" for the body itself.
func (v Violation) String() string {
	if v.Field == "" {
		return "(body): " + v.Rule
	}
	return v.Field + ": " + v.Rule
}

// IsUUID reports whether s is a UUID in its canonical 8-4-4-4-12 hex form.
// (A regexp did the same at ten times the cost, on every id of a response.)
func IsUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

var errFormat = errors.New("bad format")

// formats are passed per validation, so that no global kin-openapi state
// changes: kin-openapi checks no uuid format by itself, and its date-time
// would reject the naive timestamps the service may send.
var formats = map[string]openapi3.StringFormatValidator{
	"uuid": openapi3.NewCallbackValidator(func(s string) error {
		if !IsUUID(s) {
			return errFormat
		}
		return nil
	}),
	"date-time": openapi3.NewCallbackValidator(func(s string) error {
		if !apitime.IsDateTime(s) {
			return errFormat
		}
		return nil
	}),
}

var (
	// requestFilterOptions: defaults are never written into the request
	// (an empty create must stay {}), the API key is the caller's business
	// (NoopAuthenticationFunc), and every problem is reported, not the first.
	requestFilterOptions = &openapi3filter.Options{
		MultiError:          true,
		SkipSettingDefaults: true,
		AuthenticationFunc:  openapi3filter.NoopAuthenticationFunc,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.DisableSchemaErrorDetails(), openapi3.WithStringFormatValidators(formats),
		},
	}
	// responseOptions: the first pass fails fast, building no error (the
	// common case is no problem at all); only a failing body is visited
	// again with MultiErrors to list every problem. VisitAsResponse is left
	// out on purpose: it only enforces writeOnly, which openapi.yaml does
	// not use (TestNoReadOnlyOrWriteOnly), and costs a sort of every
	// object schema's property names per object visited.
	responseOptions = []openapi3.SchemaValidationOption{
		openapi3.FailFast(), openapi3.WithStringFormatValidators(formats),
	}
	responseOptionsAll = []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails(), openapi3.WithStringFormatValidators(formats),
	}
	requestOptionsAll = []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(), openapi3.VisitAsRequest(), openapi3.DisableSchemaErrorDetails(),
		openapi3.WithStringFormatValidators(formats),
	}
)

// CheckRequest validates a request of o with openapi3filter.ValidateRequest:
// path parameters (given, since nothing routes), query parameters, the
// body and its content type. The request's body is read and replaced.
func (o *Operation) CheckRequest(ctx context.Context, req *http.Request, pathParams map[string]string) []Violation {
	err := openapi3filter.ValidateRequest(ctx, &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: pathParams,
		Route:      o.Route,
		Options:    requestFilterOptions,
	})
	if err == nil {
		return nil
	}
	var out []Violation
	flatten(err, "", &out)
	return out
}

// CheckResponse checks a decoded JSON value (map[string]any, []any, string,
// float64, bool or nil) against a response schema.
func CheckResponse(schema *openapi3.Schema, value any) []Violation {
	if schema == nil || schema.VisitJSON(value, responseOptions...) == nil {
		return nil
	}
	var out []Violation
	flatten(schema.VisitJSON(value, responseOptionsAll...), "body", &out)
	return out
}

// CheckValue checks a decoded JSON value (map[string]any, []any, string,
// float64, bool or nil) against a schema the way a request body is checked
// (every problem listed, none set to defaults). RunTaskAs checks each task's
// structured output with it; tests check request bodies. The schema's refs
// must all be resolved (each SchemaRef has its Value): kin-openapi panics
// on one that is not.
func CheckValue(schema *openapi3.Schema, value any) []Violation {
	if schema == nil {
		return nil
	}
	var out []Violation
	if err := schema.VisitJSON(value, requestOptionsAll...); err != nil {
		flatten(err, "body", &out)
	}
	return out
}

// flatten turns kin-openapi's nested errors into one Violation per broken
// rule; in is where the value was ("" until a RequestError says).
func flatten(err error, in string, out *[]Violation) {
	switch e := err.(type) {
	case nil:
		return
	case openapi3.MultiError:
		for _, inner := range e {
			flatten(inner, in, out)
		}
		return
	case *openapi3filter.RequestError:
		flattenRequestError(e, out)
		return
	case *openapi3.SchemaError:
		if e.Origin != nil {
			if inner := innerSchemaErrors(e.Origin); inner != nil {
				flatten(inner, in, out)
				return
			}
		}
		_, isString := e.Value.(string)
		*out = append(*out, Violation{In: in, Field: pointer(e), Rule: rule(e), Keyword: e.SchemaField, Unlisted: e.SchemaField == "enum" && isString})
		return
	}
	*out = append(*out, Violation{In: in, Rule: "is invalid"})
}

// flattenRequestError names a parameter's violations after the parameter
// and a body's after their JSON pointer.
func flattenRequestError(e *openapi3filter.RequestError, out *[]Violation) {
	in, name := "body", ""
	if p := e.Parameter; p != nil {
		in, name = p.In, p.Name
	}
	var leaves []Violation
	var parse *openapi3filter.ParseError
	switch {
	case errors.Is(e.Err, openapi3filter.ErrInvalidRequired), errors.Is(e.Err, openapi3filter.ErrInvalidEmptyValue):
		leaves = []Violation{{Rule: "is required", Keyword: "required"}}
	case errors.As(e.Err, &parse):
		rule := "cannot be parsed"
		if in == "body" {
			rule = "is not valid JSON"
		}
		leaves = []Violation{{Rule: rule, Keyword: "parse"}}
	case e.Err == nil:
		leaves = []Violation{{Rule: oneLine(e.Reason), Keyword: "content-type"}}
	default:
		flatten(e.Err, in, &leaves)
	}
	for _, v := range leaves {
		v.In = in
		if name != "" {
			v.Field = name // a parameter is a scalar here: its name says it all
		}
		*out = append(*out, v)
	}
}

// innerSchemaErrors finds the SchemaError or MultiError an allOf/anyOf/oneOf
// error wraps, so the leaf rule is reported instead of "doesn't match allOf".
func innerSchemaErrors(err error) error {
	for err != nil {
		switch err.(type) {
		case openapi3.MultiError, *openapi3.SchemaError:
			return err
		}
		err = errors.Unwrap(err)
	}
	return nil
}

func pointer(e *openapi3.SchemaError) string {
	path := e.JSONPointer()
	if len(path) == 0 {
		return ""
	}
	return "/" + strings.Join(path, "/")
}

// rule words the broken rule from the schema, never from the value.
func rule(e *openapi3.SchemaError) string {
	s := e.Schema
	if s == nil {
		return "is invalid"
	}
	switch e.SchemaField {
	case "enum":
		if len(s.Enum) <= 8 {
			vals := make([]string, len(s.Enum))
			for i, v := range s.Enum {
				vals[i] = fmt.Sprint(v)
			}
			return "must be one of " + strings.Join(vals, ", ")
		}
		return fmt.Sprintf("must be one of the %d values the spec lists", len(s.Enum))
	case "format":
		return "must be a valid " + s.Format
	case "pattern":
		return "must match the pattern " + s.Pattern
	case "minimum":
		if s.Min != nil {
			return "must be >= " + strconv.FormatFloat(*s.Min, 'f', -1, 64)
		}
	case "maximum":
		if s.Max != nil {
			return "must be <= " + strconv.FormatFloat(*s.Max, 'f', -1, 64)
		}
	case "minLength":
		return fmt.Sprintf("must be at least %d characters long", s.MinLength)
	case "maxLength":
		if s.MaxLength != nil {
			return fmt.Sprintf("must be at most %d characters long", *s.MaxLength)
		}
	case "required":
		return "is required"
	case "boolean":
		return "is not allowed here" // a false schema
	case "not":
		return "must not match the schema of not"
	case "anyOf":
		return "must match a schema of anyOf"
	case "oneOf":
		return "must match exactly one schema of oneOf"
	case "properties":
		return "has a property the schema does not allow"
	case "multipleOf":
		if s.MultipleOf != nil {
			return "must be a multiple of " + strconv.FormatFloat(*s.MultipleOf, 'f', -1, 64)
		}
	case "exclusiveMinimum", "exclusiveMaximum":
		return "is out of the schema's exclusive bounds"
	case "minItems":
		return fmt.Sprintf("must have at least %d items", s.MinItems)
	case "maxItems":
		if s.MaxItems != nil {
			return fmt.Sprintf("must have at most %d items", *s.MaxItems)
		}
	case "uniqueItems":
		return "must not repeat an item"
	case "type", "nullable":
		t := "a value"
		if s.Type != nil && len(s.Type.Slice()) > 0 {
			t = "of type " + strings.Join(s.Type.Slice(), " or ")
		}
		if s.Nullable {
			return "must be " + t + " or null"
		}
		return "must be " + t
	}
	return "breaks the rule " + e.SchemaField
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Formats returns the string format validators used for every check (uuid,
// and date-time that accepts naive UTC timestamps), for callers that run
// kin-openapi themselves, such as the benchmarks.
func Formats() map[string]openapi3.StringFormatValidator { return maps.Clone(formats) }
