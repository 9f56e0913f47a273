package browseruse

import (
	"encoding"
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// OutputSchema returns the JSON schema (2020-12) of T, as RunTaskAs sends
// it when CreateTaskParams.StructuredOutput is empty. It follows what
// encoding/json decodes into a T:
//   - a struct is an object of its exported fields under their json names,
//     with encoding/json's rules: an untagged embedded struct, or pointer
//     to one, is flattened into it, a tagged one is a property; of fields
//     that share a name the shallowest wins, then the one tagged so, and a
//     tie drops them all;
//   - a field is required unless it is a pointer, tagged omitempty or
//     omitzero, or promoted from an embedded pointer; a pointer also
//     accepts null;
//   - a field tagged ",string" is a string that holds its number, bool or
//     (quoted) string;
//   - slices and arrays are arrays, []byte a (base64) string, maps with
//     keys of a string kind objects, time.Time a date-time string;
//   - a type that implements json.Unmarshaler, whose JSON this cannot know,
//     has an empty schema (any JSON), as have json.RawMessage and any; one
//     that implements encoding.TextUnmarshaler is a string;
//   - a type that contains itself is a $ref: "#" for T itself,
//     "#/$defs/Name" for another type, defined under the root's $defs.
//
// A field's jsonschema tag adds keywords, in the syntax of
// github.com/invopop/jsonschema: `jsonschema:"description=The airline,enum=TAP,enum=KLM"`,
// a comma inside a value written \,. The keys are title and description;
// enum (strings, numbers, booleans); minimum and maximum (numbers);
// minLength, maxLength, pattern and format (strings); minItems and
// maxItems (arrays). A jsonschema_description tag sets the description too.
//
// Channels, functions, complex numbers, unsafe pointers, interfaces with
// methods, maps with other keys, a pointer to an unexported struct
// embedded, and tags with other keys have no schema: an error.
func OutputSchema[T any]() (string, error) {
	t := reflect.TypeFor[T]()
	r := &reflector{root: t, building: map[reflect.Type]bool{}, defs: map[string]any{}, names: map[reflect.Type]string{}}
	s, err := r.schema(t)
	if err != nil {
		return "", fmt.Errorf("browseruse: OutputSchema[%s]: %w", t, err)
	}
	if len(r.defs) > 0 {
		s["$defs"] = r.defs
	}
	data, err := json.Marshal(s)
	return string(data), err
}

// A reflector builds the schema of root. building holds the types being
// built, to find those that contain themselves; names holds each such
// type's name in defs.
type reflector struct {
	root     reflect.Type
	building map[reflect.Type]bool
	defs     map[string]any
	names    map[reflect.Type]string
}

var (
	timeType            = reflect.TypeFor[time.Time]()
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// schema returns the schema of t, or a $ref to it when t contains itself.
// Only a named type can: the cycle of an unnamed one ([]Node) goes through
// a named one.
func (r *reflector) schema(t reflect.Type) (map[string]any, error) {
	if t.Name() == "" {
		return r.build(t)
	}
	if name, ok := r.names[t]; ok && !r.building[t] {
		return map[string]any{"$ref": "#/$defs/" + name}, nil // defined already
	}
	if r.building[t] {
		return map[string]any{"$ref": r.ref(t)}, nil
	}
	r.building[t] = true
	s, err := r.build(t)
	delete(r.building, t)
	if name, ok := r.names[t]; ok && err == nil && t != r.root {
		r.defs[name] = s
		return map[string]any{"$ref": "#/$defs/" + name}, nil
	}
	return s, err
}

// ref names t, which contains itself: "#" for the root, else its $defs entry.
func (r *reflector) ref(t reflect.Type) string {
	if t == r.root {
		r.names[t] = ""
		return "#"
	}
	if _, ok := r.names[t]; !ok {
		base := strings.Map(func(c rune) rune {
			if c < unicode.MaxASCII && (unicode.IsLetter(c) || unicode.IsDigit(c)) {
				return c
			}
			return '_'
		}, t.Name())
		name := base
		for i := 2; r.defs[name] != nil || slices.Contains(slices.Collect(maps.Values(r.names)), name); i++ {
			name = base + strconv.Itoa(i)
		}
		r.names[t] = name
	}
	return "#/$defs/" + r.names[t]
}

func (r *reflector) build(t reflect.Type) (map[string]any, error) {
	switch {
	case t.Kind() == reflect.Pointer:
		s, err := r.schema(t.Elem())
		return orNull(s), err
	case t.Kind() == reflect.Interface:
		if t.NumMethod() > 0 {
			return nil, fmt.Errorf("%s has no JSON schema: encoding/json decodes only into an empty interface", t)
		}
		return map[string]any{}, nil
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}, nil
	case implements(t, unmarshalerType): // json.RawMessage among them
		return map[string]any{}, nil
	case implements(t, textUnmarshalerType):
		return map[string]any{"type": "string"}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return map[string]any{"type": "boolean"}, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return map[string]any{"type": "integer"}, nil
	case reflect.Float32, reflect.Float64:
		return map[string]any{"type": "number"}, nil
	case reflect.String:
		return map[string]any{"type": "string"}, nil
	case reflect.Slice, reflect.Array:
		if t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string"}, nil // encoding/json writes []byte as base64
		}
		items, err := r.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "array", "items": items}, nil
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			return nil, fmt.Errorf("map key %s: only string keys have a JSON schema", t.Key())
		}
		values, err := r.schema(t.Elem())
		if err != nil {
			return nil, err
		}
		return map[string]any{"type": "object", "additionalProperties": values}, nil
	case reflect.Struct:
		return r.structSchema(t)
	}
	return nil, fmt.Errorf("%s has no JSON schema", t)
}

// implements reports whether t or *t has the method set of iface, as
// encoding/json asks of a value it decodes into.
func implements(t, iface reflect.Type) bool {
	return t.Implements(iface) || reflect.PointerTo(t).Implements(iface)
}

// orNull makes s accept null too.
func orNull(s map[string]any) map[string]any {
	if len(s) == 0 {
		return s // accepts null already
	}
	if t, ok := s["type"].(string); ok && s["enum"] == nil {
		s = maps.Clone(s)
		s["type"] = []string{t, "null"}
		return s
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

func (r *reflector) structSchema(t reflect.Type) (map[string]any, error) {
	fields, err := jsonFields(t)
	if err != nil {
		return nil, err
	}
	properties := map[string]any{}
	var required []string
	for _, f := range fields {
		s, err := r.fieldSchema(f)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", f.Name, err)
		}
		properties[f.name] = s
		if !f.optional {
			required = append(required, f.name)
		}
	}
	s := map[string]any{"type": "object", "properties": properties}
	if len(required) > 0 {
		s["required"] = required
	}
	return s, nil
}

// fieldSchema is the schema of a field's type, as its json and jsonschema
// tags change it.
func (r *reflector) fieldSchema(f jsonField) (map[string]any, error) {
	t, pointer := f.Type, false
	for t.Kind() == reflect.Pointer {
		t, pointer = t.Elem(), true
	}
	var s map[string]any
	var err error
	if f.quoted {
		s = quotedSchema(t.Kind())
	} else if s, err = r.schema(t); err != nil {
		return nil, err
	}
	s = maps.Clone(s)
	notes, err := tagKeywords(f, s)
	if err != nil {
		return nil, fmt.Errorf("jsonschema tag: %w", err)
	}
	if pointer {
		s = maps.Clone(orNull(s))
	}
	maps.Copy(s, notes)
	return s, nil
}

// quotedSchema is the schema of a ",string" field of kind k: a string
// that encoding/json parses as the value.
func quotedSchema(k reflect.Kind) map[string]any {
	s := map[string]any{"type": "string"}
	switch k {
	case reflect.Bool:
		s["enum"] = []string{"true", "false"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		s["pattern"] = "^-?[0-9]+$"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		s["pattern"] = "^[0-9]+$"
	case reflect.Float32, reflect.Float64:
		s["pattern"] = `^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`
	case reflect.String:
		s["pattern"] = `^"([^"\\]|\\.)*"$` // a JSON string, quotes included
	}
	return s
}

// tagKeywords adds the checking keywords of f's jsonschema tag to s, and
// returns its notes (title, description), which stay outside a nullable
// wrapper.
func tagKeywords(f jsonField, s map[string]any) (map[string]any, error) {
	notes := map[string]any{}
	if d := f.Tag.Get("jsonschema_description"); d != "" {
		notes["description"] = d
	}
	tag, ok := f.Tag.Lookup("jsonschema")
	if !ok {
		return notes, nil
	}
	typ, _ := s["type"].(string)
	for _, part := range splitTag(tag) {
		key, value, ok := strings.Cut(part, "=")
		if !ok {
			return nil, fmt.Errorf("%q is not key=value", part)
		}
		var wants []string // the types the key applies to
		switch key {
		case "title", "description":
			notes[key] = value
			continue
		case "enum":
			wants = []string{"string", "integer", "number", "boolean"}
		case "minimum", "maximum":
			wants = []string{"integer", "number"}
		case "minLength", "maxLength", "pattern", "format":
			wants = []string{"string"}
		case "minItems", "maxItems":
			wants = []string{"array"}
		default:
			return nil, fmt.Errorf("%s is not supported", key)
		}
		switch {
		case f.quoted:
			return nil, fmt.Errorf("%s does not apply to a ,string field", key)
		case typ == "":
			return nil, fmt.Errorf("%s does not apply to a field of any JSON", key)
		case !slices.Contains(wants, typ):
			return nil, fmt.Errorf("%s does not apply to type %s", key, typ)
		}
		v, err := tagValue(key, value, typ)
		if err != nil {
			return nil, err
		}
		if key == "enum" {
			list, _ := s["enum"].([]any)
			v = append(list, v)
		}
		s[key] = v
	}
	return notes, nil
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// tagValue parses a tag's value for key, on a field of the JSON type typ.
func tagValue(key, value, typ string) (any, error) {
	var v any
	var err error
	switch {
	case key == "pattern" || key == "format" || key == "enum" && typ == "string":
		return value, nil
	case key == "enum" && typ == "boolean":
		v, err = strconv.ParseBool(value)
	case key == "enum" && typ == "integer":
		v, err = strconv.ParseInt(value, 10, 64)
	case key == "minimum" || key == "maximum" || key == "enum":
		v, err = strconv.ParseFloat(value, 64)
	default: // lengths and counts
		v, err = strconv.ParseUint(value, 10, 32)
	}
	if err != nil {
		return nil, fmt.Errorf("%s=%s does not parse (for type %s)", key, value, typ)
	}
	return v, nil
}

// splitTag splits a jsonschema tag at its commas, but not at \, (a comma in
// a value).
func splitTag(tag string) []string {
	var parts []string
	var part strings.Builder
	for i := 0; i < len(tag); i++ {
		switch {
		case tag[i] == '\\' && i+1 < len(tag) && tag[i+1] == ',':
			part.WriteByte(',')
			i++
		case tag[i] == ',':
			parts = append(parts, part.String())
			part.Reset()
		default:
			part.WriteByte(tag[i])
		}
	}
	return append(parts, part.String())
}

// A jsonField is a struct field as encoding/json decodes it: name is its
// JSON name, quoted its ",string" option, and optional says it may be
// absent from the JSON.
type jsonField struct {
	reflect.StructField
	name           string
	tagged, quoted bool
	optional       bool
	index          []int
}

// jsonFields lists the fields encoding/json decodes into a struct of type
// t, by its own rules (typeFields in encoding/json): embedded structs are
// walked breadth first, and of the fields sharing a name the shallowest
// wins, then the tagged one; a tie drops them all.
func jsonFields(t reflect.Type) ([]jsonField, error) {
	type level struct {
		typ         reflect.Type
		index       []int
		throughPtrs bool
	}
	var fields []jsonField
	next := []level{{typ: t}}
	visited := map[reflect.Type]bool{}
	var count map[reflect.Type]int      // struct types met at this depth
	nextCount := map[reflect.Type]int{} // and at the next
	for len(next) > 0 {
		current := next
		next = nil
		count, nextCount = nextCount, map[reflect.Type]int{}
		for _, l := range current {
			if visited[l.typ] {
				continue
			}
			visited[l.typ] = true
			for i := range l.typ.NumField() {
				sf := l.typ.Field(i)
				ft := sf.Type
				if ft.Name() == "" && ft.Kind() == reflect.Pointer {
					ft = ft.Elem()
				}
				if sf.Anonymous {
					if !sf.IsExported() && ft.Kind() != reflect.Struct {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, opts, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				index := append(slices.Clone(l.index), i)
				if name != "" || !sf.Anonymous || ft.Kind() != reflect.Struct {
					options := strings.Split(opts, ",")
					f := jsonField{StructField: sf, name: cmpOr(name, sf.Name), tagged: name != "", index: index,
						optional: sf.Type.Kind() == reflect.Pointer || l.throughPtrs ||
							slices.Contains(options, "omitempty") || slices.Contains(options, "omitzero")}
					if slices.Contains(options, "string") {
						switch ft.Kind() {
						case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
							reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
							reflect.Float32, reflect.Float64, reflect.String:
							f.quoted = true
						}
					}
					fields = append(fields, f)
					if count[l.typ] > 1 {
						fields = append(fields, f) // met twice at this depth: a tie
					}
					continue
				}
				if sf.Type.Kind() == reflect.Pointer && !sf.IsExported() {
					return nil, fmt.Errorf("embedded %s: encoding/json cannot decode into a pointer to an unexported struct", sf.Type)
				}
				nextCount[ft]++
				if nextCount[ft] == 1 {
					next = append(next, level{typ: ft, index: index, throughPtrs: l.throughPtrs || sf.Type.Kind() == reflect.Pointer})
				}
			}
		}
	}
	slices.SortStableFunc(fields, func(a, b jsonField) int {
		if c := strings.Compare(a.name, b.name); c != 0 {
			return c
		}
		if c := len(a.index) - len(b.index); c != 0 {
			return c
		}
		if a.tagged != b.tagged {
			if a.tagged {
				return -1
			}
			return 1
		}
		return slices.Compare(a.index, b.index)
	})
	var out []jsonField
	for i := 0; i < len(fields); {
		j := i + 1
		for j < len(fields) && fields[j].name == fields[i].name {
			j++
		}
		if group := fields[i:j]; len(group) == 1 || len(group[0].index) < len(group[1].index) || group[0].tagged != group[1].tagged {
			out = append(out, group[0])
		}
		i = j
	}
	slices.SortFunc(out, func(a, b jsonField) int { return slices.Compare(a.index, b.index) })
	return out, nil
}

// validTagName is encoding/json's isValidTag: the names it takes from a tag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c) && !unicode.IsLetter(c) && !unicode.IsDigit(c) {
			return false
		}
	}
	return true
}
