package browseruse

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"time"
)

// OutputSchema returns the JSON schema of T, as RunTaskAs sends it when
// CreateTaskParams.StructuredOutput is empty: structs become objects whose
// properties are the exported fields under their json names (a field is
// required unless it is a pointer or tagged omitempty/omitzero), slices and
// arrays arrays, maps with string keys objects, time.Time a date-time
// string, and any type an empty schema. Channels, functions, complex
// numbers and types that contain themselves have no schema: an error.
func OutputSchema[T any]() (string, error) {
	s, err := schemaOf(reflect.TypeFor[T](), map[reflect.Type]bool{})
	if err != nil {
		return "", fmt.Errorf("browseruse: OutputSchema[%s]: %w", reflect.TypeFor[T](), err)
	}
	data, err := json.Marshal(s)
	return string(data), err
}

var timeType = reflect.TypeFor[time.Time]()

// schemaOf builds the schema of t; visiting holds the struct types being
// built, to refuse a type that contains itself.
func schemaOf(t reflect.Type, visiting map[reflect.Type]bool) (map[string]any, error) {
	if t == timeType {
		return map[string]any{"type": "string", "format": "date-time"}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Interface:
		return map[string]any{}, nil
	case reflect.Pointer:
		return schemaOf(t.Elem(), visiting)
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}, nil // encoding/json writes []byte as base64
		}
		items, err := schemaOf(t.Elem(), visiting)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map key %s: only string keys have a JSON schema", t.Key())
		}
		values, err := schemaOf(t.Elem(), visiting)
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "object", "additionalProperties": values}, nil
	case reflect.Struct:
		return structSchema(t, visiting)
	}
	return nil, fmt.Errorf("%s has no JSON schema", t)
}

func structSchema(t reflect.Type, visiting map[reflect.Type]bool) (map[string]any, error) {
	if visiting[t] {
		return nil, fmt.Errorf("%s contains itself", t)
	}
	visiting[t] = true
	defer delete(visiting, t)
	properties := map[string]any{}
	var required []string
	for _, f := range reflect.VisibleFields(t) {
		if !f.IsExported() || f.Anonymous && f.Type.Kind() == reflect.Struct {
			continue // embedded structs: VisibleFields lists their fields
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" && opts == "" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s, err := schemaOf(f.Type, visiting)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		properties[name] = s
		optional := f.Type.Kind() == reflect.Pointer || strings.Contains(","+opts+",", ",omitempty,") || strings.Contains(","+opts+",", ",omitzero,")
		if !optional {
			required = append(required, name)
		}
	}
	s := map[string]any{"type": "object", "properties": properties}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, nil
}
