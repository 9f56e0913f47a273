package specval

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// Violation is one broken rule: where and what, never the offending value
// (values may be secrets, such as a custom proxy's password).
type Violation struct {
	// Field locates the value: a JSON pointer into a body ("/customProxy/port"),
	// or a parameter's name ("pageSize").
	Field string
	// Rule says what the value must be, e.g. "must be <= 6144".
	Rule string
	// Keyword is the schema keyword that failed ("enum", "maximum", ...).
	Keyword string
	// Unlisted marks a string the schema's enum does not list: the one
	// violation ValidationCompatible forgives, since servers add states.
	Unlisted bool
}

// String returns "field: rule".
func (v Violation) String() string {
	if v.Field == "" {
		return "(body): " + v.Rule
	}
	return v.Field + ": " + v.Rule
}

var uuidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsUUID reports whether s is a UUID in its canonical 8-4-4-4-12 hex form.
func IsUUID(s string) bool { return uuidPattern.MatchString(s) }

var errFormat = errors.New("bad format")

// formats are passed per call, so that no global kin-openapi state changes.
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
	requestOptions = []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails(), openapi3.VisitAsRequest(),
		openapi3.WithStringFormatValidators(formats),
	}
	responseOptions = []openapi3.SchemaValidationOption{
		openapi3.MultiErrors(), openapi3.DisableSchemaErrorDetails(), openapi3.VisitAsResponse(),
		openapi3.WithStringFormatValidators(formats),
	}
)

// CheckRequest checks a decoded JSON value (map[string]any, []any, string,
// float64, bool or nil) against a request schema.
func CheckRequest(schema *openapi3.Schema, value any) []Violation {
	return check(schema, value, requestOptions)
}

// CheckResponse checks a decoded JSON value against a response schema.
func CheckResponse(schema *openapi3.Schema, value any) []Violation {
	return check(schema, value, responseOptions)
}

// CheckParam checks one parameter value; violations are named after the parameter.
func (p *Param) Check(value any) []Violation {
	vs := CheckRequest(p.Schema, value)
	for i := range vs {
		vs[i].Field = p.Name + strings.TrimPrefix(vs[i].Field, "/")
	}
	return vs
}

// CheckBody checks a decoded request body against the operation's body schema.
func (o *Operation) CheckBody(value any) []Violation {
	if o.body == nil {
		return nil
	}
	return CheckRequest(o.body, value)
}

func check(schema *openapi3.Schema, value any, opts []openapi3.SchemaValidationOption) []Violation {
	if schema == nil {
		return nil
	}
	err := schema.VisitJSON(value, opts...)
	if err == nil {
		return nil
	}
	var out []Violation
	flatten(err, &out)
	return out
}

// flatten turns kin-openapi's nested errors into one Violation per broken rule.
func flatten(err error, out *[]Violation) {
	switch e := err.(type) {
	case openapi3.MultiError:
		for _, inner := range e {
			flatten(inner, out)
		}
		return
	case *openapi3.SchemaError:
		if e.Origin != nil {
			if inner := innerSchemaErrors(e.Origin); inner != nil {
				flatten(inner, out)
				return
			}
		}
		_, isString := e.Value.(string)
		*out = append(*out, Violation{Field: pointer(e), Rule: rule(e), Keyword: e.SchemaField, Unlisted: e.SchemaField == "enum" && isString})
		return
	}
	*out = append(*out, Violation{Rule: "is invalid"})
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
	return ruleFor(e.Schema, e.SchemaField, e.Reason)
}

// ruleFor words a broken keyword of schema; reason is the fallback wording.
func ruleFor(s *openapi3.Schema, keyword, reason string) string {
	if s == nil {
		return "is invalid"
	}
	switch keyword {
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
	if reason != "" {
		return reason
	}
	return "breaks the rule " + keyword
}
