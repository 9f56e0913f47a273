package browseruse

import (
	"fmt"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
)

// The params types print and log every field they have, by reflection, so
// that a new field is never left out; a field tagged `secret:"true"` (a
// proxy's password, a task's secrets) shows only whether it is set, and for
// a map, its keys.

// formatMasked prints struct v as {Field: value, ...}; nested params
// structs are printed the same way, so their secrets stay masked too.
func formatMasked(f fmt.State, v any) {
	var b strings.Builder
	writeMasked(&b, reflect.ValueOf(v))
	_, _ = f.Write([]byte(b.String()))
}

func writeMasked(b *strings.Builder, v reflect.Value) {
	t := v.Type()
	b.WriteString("{")
	first := true
	for i := range t.NumField() {
		field := t.Field(i)
		if !field.IsExported() {
			continue
		}
		if !first {
			b.WriteString(", ")
		}
		first = false
		b.WriteString(field.Name)
		b.WriteString(": ")
		fv := v.Field(i)
		if field.Tag.Get("secret") == "true" {
			b.WriteString(masked(fv))
			continue
		}
		writeValue(b, fv)
	}
	b.WriteString("}")
}

func writeValue(b *strings.Builder, v reflect.Value) {
	if v.Kind() == reflect.Pointer {
		if v.IsNil() {
			b.WriteString("<nil>")
			return
		}
		if s, ok := v.Interface().(fmt.Stringer); ok {
			b.WriteString(s.String())
			return
		}
		v = v.Elem()
	}
	if s, ok := v.Interface().(fmt.Stringer); ok {
		b.WriteString(s.String())
		return
	}
	if v.Kind() == reflect.Struct {
		writeMasked(b, v)
		return
	}
	fmt.Fprintf(b, "%v", v.Interface())
}

// masked shows a secret field: whether a string is set, or a map's keys.
func masked(v reflect.Value) string {
	switch v.Kind() {
	case reflect.String:
		return redacted(v.String())
	case reflect.Map:
		if v.IsNil() {
			return "<nil>"
		}
		keys := make([]string, 0, v.Len())
		for _, k := range v.MapKeys() {
			keys = append(keys, fmt.Sprint(k.Interface())+":"+redacted(fmt.Sprint(v.MapIndex(k).Interface())))
		}
		slices.Sort(keys)
		return "map[" + strings.Join(keys, " ") + "]"
	}
	if v.IsZero() {
		return "(unset)"
	}
	return "[REDACTED]"
}

// logMasked is the slog value of struct v: every exported field, under its
// wire name when it has one, with secrets masked and nested structs as
// groups.
func logMasked(v any) slog.Value {
	rv := reflect.ValueOf(v)
	t := rv.Type()
	attrs := make([]slog.Attr, 0, t.NumField())
	for i := range t.NumField() {
		field := t.Field(i)
		if !field.IsExported() {
			continue
		}
		key := field.Tag.Get("wire")
		if key == "" {
			key = field.Name
		}
		fv := rv.Field(i)
		switch {
		case field.Tag.Get("secret") == "true":
			attrs = append(attrs, slog.String(key, masked(fv)))
		case fv.Kind() == reflect.Pointer && fv.IsNil():
			attrs = append(attrs, slog.String(key, "<nil>"))
		default:
			attrs = append(attrs, logAttr(key, fv))
		}
	}
	return slog.GroupValue(attrs...)
}

func logAttr(key string, v reflect.Value) slog.Attr {
	if s, ok := v.Interface().(fmt.Stringer); ok {
		return slog.String(key, s.String())
	}
	if v.Kind() == reflect.Pointer {
		v = v.Elem()
	}
	if v.Kind() == reflect.Struct {
		if s, ok := v.Interface().(fmt.Stringer); ok {
			return slog.String(key, s.String())
		}
		return slog.Any(key, logMasked(v.Interface()))
	}
	if v.Kind() == reflect.Map {
		// A sorted copy, so that every handler prints the same thing.
		m := map[string]any{}
		for _, k := range v.MapKeys() {
			m[fmt.Sprint(k.Interface())] = v.MapIndex(k).Interface()
		}
		keys := slices.Sorted(maps.Keys(m))
		attrs := make([]any, 0, len(keys))
		for _, k := range keys {
			attrs = append(attrs, slog.Any(k, m[k]))
		}
		return slog.Group(key, attrs...)
	}
	return slog.Any(key, v.Interface())
}
