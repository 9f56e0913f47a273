package browseruse

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// RunTaskAs runs a task with structured output (RunTask) and decodes its
// output into a T. The JSON schema the output must follow is
// p.StructuredOutput when set (as text: a Pydantic model_json_schema(), for
// one), else OutputSchema[T]. It is read before the task is created: local
// $refs ("#", "#/$defs/...", "#/definitions/...") are resolved, recursion
// included. A schema that is not JSON, a remote or dangling $ref, a loop of
// $refs, and the keywords the check cannot apply (prefixItems, contains,
// patternProperties, propertyNames, dependentRequired, dependentSchemas,
// unevaluatedItems, unevaluatedProperties, if/then/else, $dynamicRef) are a
// *RequestValidationError, and no task is created. Annotations (title,
// description, default, discriminator, ...) do not check anything.
//
// The output is checked against the schema with kin-openapi, as JSON
// Schema 2020-12 says (null, const and boolean schemas included), then
// decoded into T: a mismatch is an *OutputError (matching
// ErrOutputMismatch) that carries the task, which is returned as well.
func RunTaskAs[T any](ctx context.Context, c *Client, p CreateTaskParams, opts ...WaitOption) (T, *Task, error) {
	var zero T
	if p.StructuredOutput == "" {
		derived, err := OutputSchema[T]()
		if err != nil {
			return zero, nil, &RequestValidationError{Operation: "RunTaskAs", Violations: []string{"StructuredOutput (structuredOutput): " + err.Error()}}
		}
		p.StructuredOutput = derived
	}
	schema, err := outputSchema(p.StructuredOutput)
	if err != nil {
		return zero, nil, err
	}
	task, err := c.RunTask(ctx, p, opts...)
	if err != nil {
		return zero, nil, err
	}
	out, err := decodeOutput[T](task, schema)
	return out, task, err
}

// outputSchema compiles a structured output schema (compileSchema),
// refusing before any task is created one that is not JSON, has a $ref it
// cannot resolve, or asks for what the check of the output cannot apply.
func outputSchema(text string) (*openapi3.Schema, error) {
	schema, problems := compileSchema(text)
	if len(problems) > 0 {
		vs := make([]string, len(problems))
		for i, p := range problems {
			vs[i] = "StructuredOutput (structuredOutput): " + p
		}
		return nil, &RequestValidationError{Operation: "RunTaskAs", Violations: vs}
	}
	return schema, nil
}

// decodeOutput checks a task's output against its schema and decodes it.
func decodeOutput[T any](task *Task, schema *openapi3.Schema) (T, error) {
	var out T
	if task.Output == nil || strings.TrimSpace(*task.Output) == "" {
		return out, &OutputError{Task: task, Violations: []string{"(output): is empty"}}
	}
	data := []byte(*task.Output)
	var value any
	if err := json.Unmarshal(data, &value); err != nil {
		return out, &OutputError{Task: task, Violations: []string{"(output): is not JSON: " + jsonProblem(err)}, Err: err}
	}
	if vs := specval.CheckValue(schema, value); len(vs) > 0 {
		lines := make([]string, len(vs))
		for i, v := range vs {
			lines[i] = strings.Replace(v.String(), "(body)", "(output)", 1)
		}
		return out, &OutputError{Task: task, Violations: lines}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&out); err != nil {
		return out, &OutputError{Task: task, Violations: []string{"(output): does not fit the Go type: " + jsonProblem(err)}, Err: err}
	}
	return out, nil
}

// OutputError is a task output that is not what its structured output
// schema, or the Go type it is decoded into, asks for. It matches
// ErrOutputMismatch.
type OutputError struct {
	// Task is the task, output included.
	Task *Task
	// Violations are short "JSON pointer: rule" lines, never values.
	Violations []string
	// Err is the decoding error, if any.
	Err error
}

// Error names the task and the broken rules.
func (e *OutputError) Error() string {
	return fmt.Sprintf("browseruse: task %s: the output does not match its schema: %s", e.Task.ID, oneLine(strings.Join(e.Violations, "; ")))
}

// Is matches ErrOutputMismatch.
func (e *OutputError) Is(target error) bool { return target == ErrOutputMismatch }

// Unwrap returns the decoding error, if any.
func (e *OutputError) Unwrap() error { return e.Err }
