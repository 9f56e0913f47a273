package specval

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"math/bits"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// Compiled checks raw JSON bytes against one schema of openapi.yaml in a
// single pass, without decoding into map[string]any first. It follows
// kin-openapi's OpenAPI 3.0 semantics (kin-openapi parses the schema; the
// differential fuzz test FuzzCompiledMatchesKinOpenAPI holds the two to the
// same verdicts) and is about 20x faster on a session with 50 tasks.
//
// A schema using a keyword the compiler does not know is checked by
// kin-openapi instead (decoding first), so the spec can grow safely.
type Compiled struct {
	root     *node
	fallback *openapi3.Schema // set when the schema uses an unsupported keyword
	request  bool
}

// ErrInvalidJSON reports bytes that are not one JSON value.
var ErrInvalidJSON = errors.New("not valid JSON")

// maxDepth matches encoding/json's nesting limit.
const maxDepth = 10000

type typeSet uint8

const (
	tObject typeSet = 1 << iota
	tArray
	tString
	tInteger
	tNumber
	tBoolean
	tAny = tObject | tArray | tString | tInteger | tNumber | tBoolean
)

type node struct {
	schema   *openapi3.Schema
	types    typeSet
	nullable bool
	empty    bool // accepts any value but null (kin-openapi's IsEmpty)

	enum    stringSet // string enums only
	hasEnum bool
	pattern *regexp.Regexp
	format  string // "", "uuid" or "date-time"
	minLen  uint64
	maxLen  *uint64
	min     *float64
	max     *float64

	props      map[string]*prop
	byLen      [][]*prop // props by name length, for lookups without hashing
	nProps     int
	required   uint64   // bits of the required props
	names      []string // prop names by index
	addlAllow  bool     // additionalProperties not false
	addlSchema *node    // additionalProperties schema, if any

	items    *node
	minItems uint64
	maxItems *uint64

	allOf []*node
	anyOf []*node
}

type prop struct {
	name  string
	node  *node
	index int
}

// lookup finds the declared property named by raw (unescaped) key bytes.
func (n *node) lookup(key []byte) *prop {
	if len(key) >= len(n.byLen) {
		return nil
	}
	for _, p := range n.byLen[len(key)] {
		if p.name == string(key) { // compared in place, no allocation
			return p
		}
	}
	return nil
}

// stringSet is a set of strings: a list for a few, a map for many.
type stringSet struct {
	few  []string
	many map[string]struct{}
}

func newStringSet(values []string) stringSet {
	if len(values) <= 8 {
		return stringSet{few: values}
	}
	m := make(map[string]struct{}, len(values))
	for _, v := range values {
		m[v] = struct{}{}
	}
	return stringSet{many: m}
}

func (s stringSet) has(b []byte) bool {
	if s.many != nil {
		_, ok := s.many[string(b)]
		return ok
	}
	for _, v := range s.few {
		if v == string(b) {
			return true
		}
	}
	return false
}

var errUnsupported = errors.New("unsupported keyword")

// Compile compiles a schema for request (asRequest) or response checks.
func Compile(s *openapi3.Schema, asRequest bool) *Compiled {
	if s == nil {
		return nil
	}
	c := &Compiled{request: asRequest}
	root, err := compileNode(s, map[*openapi3.Schema]*node{})
	if err != nil {
		c.fallback = s
		return c
	}
	c.root = root
	return c
}

func compileNode(s *openapi3.Schema, seen map[*openapi3.Schema]*node) (*node, error) {
	if n, ok := seen[s]; ok {
		return n, nil
	}
	n := &node{schema: s, nullable: s.Nullable, empty: s.IsEmpty()}
	seen[s] = n
	if s.Not != nil || len(s.OneOf) > 0 || s.Discriminator != nil || s.UniqueItems || s.MultipleOf != nil ||
		s.MinProps != 0 || s.MaxProps != nil || s.ExclusiveMin.IsSet() || s.ExclusiveMax.IsSet() ||
		s.Always != nil || len(s.PrefixItems) > 0 || s.ReadOnly || s.WriteOnly {
		return nil, errUnsupported
	}
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		n.types = tAny
	}
	if s.Type != nil {
		for _, t := range s.Type.Slice() {
			switch t {
			case openapi3.TypeObject:
				n.types |= tObject
			case openapi3.TypeArray:
				n.types |= tArray
			case openapi3.TypeString:
				n.types |= tString
			case openapi3.TypeInteger:
				n.types |= tInteger
			case openapi3.TypeNumber:
				n.types |= tNumber
			case openapi3.TypeBoolean:
				n.types |= tBoolean
			default:
				return nil, errUnsupported
			}
		}
	}
	if len(s.Enum) > 0 {
		values := make([]string, 0, len(s.Enum))
		for _, v := range s.Enum {
			str, ok := v.(string)
			if !ok {
				return nil, errUnsupported
			}
			values = append(values, str)
		}
		n.hasEnum, n.enum = true, newStringSet(values)
	}
	switch s.Format {
	case "", "uuid", "date-time":
		n.format = s.Format
	default:
		return nil, errUnsupported
	}
	if s.Pattern != "" {
		re, err := regexp.Compile(s.Pattern)
		if err != nil {
			return nil, errUnsupported
		}
		n.pattern = re
	}
	n.minLen, n.maxLen, n.min, n.max = s.MinLength, s.MaxLength, s.Min, s.Max
	n.minItems, n.maxItems = s.MinItems, s.MaxItems

	if len(s.Properties) > 0 {
		n.props = map[string]*prop{}
		for name, ref := range s.Properties {
			if ref.Value == nil || ref.Value.ReadOnly || ref.Value.WriteOnly {
				return nil, errUnsupported
			}
			child, err := compileNode(ref.Value, seen)
			if err != nil {
				return nil, err
			}
			n.props[name] = &prop{name: name, node: child}
		}
		names := make([]string, 0, len(n.props))
		for name := range n.props {
			names = append(names, name)
		}
		slices.Sort(names)
		n.names = names
		for i, name := range names {
			p := n.props[name]
			p.index = i
			for len(n.byLen) <= len(name) {
				n.byLen = append(n.byLen, nil)
			}
			n.byLen[len(name)] = append(n.byLen[len(name)], p)
		}
		n.nProps = len(names)
		if n.nProps > 64 {
			return nil, errUnsupported
		}
	}
	for _, name := range s.Required {
		p := n.props[name]
		if p == nil {
			return nil, errUnsupported // presence of undeclared names is not tracked
		}
		n.required |= 1 << p.index
	}
	n.addlAllow = s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has
	if ref := s.AdditionalProperties.Schema; ref != nil && ref.Value != nil {
		child, err := compileNode(ref.Value, seen)
		if err != nil {
			return nil, err
		}
		n.addlSchema = child
	}
	if s.Items != nil && s.Items.Value != nil {
		child, err := compileNode(s.Items.Value, seen)
		if err != nil {
			return nil, err
		}
		n.items = child
	}
	for _, list := range []struct {
		refs openapi3.SchemaRefs
		dst  *[]*node
	}{{s.AllOf, &n.allOf}, {s.AnyOf, &n.anyOf}} {
		for _, ref := range list.refs {
			if ref.Value == nil {
				return nil, errUnsupported
			}
			child, err := compileNode(ref.Value, seen)
			if err != nil {
				return nil, err
			}
			*list.dst = append(*list.dst, child)
		}
	}
	return n, nil
}

// Check validates one JSON document. It returns ErrInvalidJSON (wrapped)
// when data is not a single JSON value, else the violations, sorted by field.
func (c *Compiled) Check(data []byte) ([]Violation, error) {
	if c == nil {
		return nil, nil
	}
	if c.fallback != nil {
		var value any
		if err := json.Unmarshal(data, &value); err != nil {
			return nil, ErrInvalidJSON
		}
		if c.request {
			return CheckRequest(c.fallback, value), nil
		}
		return CheckResponse(c.fallback, value), nil
	}
	v := validator{data: data}
	v.pos = v.skipSpace(0)
	v.value(c.root, 0)
	if v.err == nil && v.skipSpace(v.pos) != len(data) {
		v.err = ErrInvalidJSON
	}
	if v.err != nil {
		return nil, v.err
	}
	slices.SortStableFunc(v.out, func(a, b Violation) int { return strings.Compare(a.Field, b.Field) })
	return v.out, nil
}

// validator is the state of one Check: the input, the position, the path
// to the current value (materialised only for a violation) and the result.
type validator struct {
	data []byte
	pos  int
	path []pathPart
	out  []Violation
	err  error
}

type pathPart struct {
	key   []byte // raw key bytes (may hold escapes), or nil for an index
	index int
}

func (v *validator) fail(err error) {
	if v.err == nil {
		v.err = err
	}
}

func (v *validator) pointer() string {
	if len(v.path) == 0 {
		return ""
	}
	var b strings.Builder
	for _, p := range v.path {
		b.WriteByte('/')
		if p.key != nil {
			b.WriteString(unquoteKey(p.key))
		} else {
			b.WriteString(strconv.Itoa(p.index))
		}
	}
	return b.String()
}

func (v *validator) violation(n *node, keyword, reason string) {
	v.out = append(v.out, Violation{Field: v.pointer(), Keyword: keyword, Rule: ruleFor(n.schema, keyword, reason)})
}

func (v *validator) skipSpace(i int) int {
	for i < len(v.data) {
		switch v.data[i] {
		case ' ', '\t', '\n', '\r':
			i++
		default:
			return i
		}
	}
	return i
}

// value validates the value at v.pos against n and moves past it. depth
// is the JSON nesting depth of the value.
func (v *validator) value(n *node, depth int) {
	if v.err != nil {
		return
	}
	start := v.pos
	if start >= len(v.data) {
		v.fail(ErrInvalidJSON)
		return
	}
	c := v.data[start]
	isNull := c == 'n'
	if isNull && n.nullable {
		v.literal("null")
		return
	}
	if n.empty {
		if isNull {
			v.violation(n, "nullable", "")
		}
		v.skip(depth)
		return
	}
	// Combinators first, as kin-openapi does; their first failure ends the check.
	if len(n.allOf) > 0 {
		before := len(v.out)
		for _, sub := range n.allOf {
			v.pos = start
			v.value(sub, depth)
		}
		if v.err != nil || len(v.out) > before || isNull {
			return
		}
		v.pos = start
	}
	if len(n.anyOf) > 0 {
		outer := v.out
		matched := false
		for _, sub := range n.anyOf {
			v.pos, v.out = start, nil
			v.value(sub, depth)
			if v.err != nil {
				return
			}
			if len(v.out) == 0 {
				matched = true
				break
			}
		}
		v.out, v.pos = outer, start
		if !matched {
			v.violation(n, "anyOf", `doesn't match any schema from "anyOf"`)
			v.skip(depth)
			return
		}
		if isNull {
			v.skip(depth)
			return
		}
	}
	if n.hasEnum && c != '"' {
		v.violation(n, "enum", "") // only string enums are compiled
		v.skip(depth)
		return
	}
	switch {
	case c == '{':
		v.object(n, depth)
	case c == '[':
		v.array(n, depth)
	case c == '"':
		v.str(n)
	case c == 't':
		v.literal("true")
		v.boolean(n)
	case c == 'f':
		v.literal("false")
		v.boolean(n)
	case isNull:
		v.literal("null")
		v.violation(n, "nullable", "")
	case c == '-' || (c >= '0' && c <= '9'):
		v.number(n)
	default:
		v.fail(ErrInvalidJSON)
	}
}

func (v *validator) boolean(n *node) {
	if v.err == nil && n.types&tBoolean == 0 {
		v.violation(n, "type", "")
	}
}

func (v *validator) literal(word string) {
	if v.pos+len(word) > len(v.data) || string(v.data[v.pos:v.pos+len(word)]) != word {
		v.fail(ErrInvalidJSON)
		return
	}
	v.pos += len(word)
}

// skip moves past one value, checking only its syntax.
func (v *validator) skip(depth int) {
	v.value(anyNode, depth)
}

// anyNode accepts every value, null included.
var anyNode = &node{types: tAny, nullable: true, addlAllow: true}

func (v *validator) object(n *node, depth int) {
	if depth+1 > maxDepth {
		v.fail(ErrInvalidJSON)
		return
	}
	v.pos++ // {
	var seen uint64
	outStart := len(v.out)
	v.pos = v.skipSpace(v.pos)
	if v.pos < len(v.data) && v.data[v.pos] == '}' {
		v.pos++
	} else {
		for {
			v.pos = v.skipSpace(v.pos)
			keyStart := v.pos
			if v.pos >= len(v.data) || v.data[v.pos] != '"' {
				v.fail(ErrInvalidJSON)
				return
			}
			escaped := v.scanString()
			if v.err != nil {
				return
			}
			key := v.data[keyStart:v.pos]
			v.pos = v.skipSpace(v.pos)
			if v.pos >= len(v.data) || v.data[v.pos] != ':' {
				v.fail(ErrInvalidJSON)
				return
			}
			v.pos = v.skipSpace(v.pos + 1)
			var p *prop
			if n.props != nil && n.types&tObject != 0 {
				name := key[1 : len(key)-1]
				if escaped {
					p = n.props[unquoteKey(key)]
				} else {
					p = n.lookup(name)
				}
			}
			v.path = append(v.path, pathPart{key: key})
			switch {
			case n.types&tObject == 0:
				v.skip(depth + 1)
			case p != nil:
				bit := uint64(1) << p.index
				if seen&bit != 0 {
					// A repeated key: like encoding/json, only the last counts.
					v.dropUnder(outStart, v.pointer())
				}
				seen |= bit
				v.value(p.node, depth+1)
			case !n.addlAllow:
				v.path = v.path[:len(v.path)-1]
				v.violation(n, "properties", "property "+strconv.Quote(unquoteKey(key))+" is unsupported")
				v.path = append(v.path, pathPart{key: key})
				v.skip(depth + 1)
			case n.addlSchema != nil:
				v.value(n.addlSchema, depth+1)
			default:
				v.skip(depth + 1)
			}
			v.path = v.path[:len(v.path)-1]
			if v.err != nil || !v.separator('}') {
				break
			}
		}
	}
	if v.err != nil {
		return
	}
	if n.types&tObject == 0 {
		v.violation(n, "type", "")
		return
	}
	for missing := n.required &^ seen; missing != 0; missing &= missing - 1 {
		name := n.names[bits.TrailingZeros64(missing)]
		v.path = append(v.path, pathPart{key: []byte(strconv.Quote(name))})
		v.violation(n, "required", "property "+strconv.Quote(name)+" is missing")
		v.path = v.path[:len(v.path)-1]
	}
}

// dropUnder removes violations at or under field that were found since from.
func (v *validator) dropUnder(from int, field string) {
	kept := v.out[:from]
	for _, viol := range v.out[from:] {
		if viol.Field == field || strings.HasPrefix(viol.Field, field+"/") {
			continue
		}
		kept = append(kept, viol)
	}
	v.out = kept
}

func (v *validator) array(n *node, depth int) {
	if depth+1 > maxDepth {
		v.fail(ErrInvalidJSON)
		return
	}
	v.pos++ // [
	count := uint64(0)
	v.pos = v.skipSpace(v.pos)
	if v.pos < len(v.data) && v.data[v.pos] == ']' {
		v.pos++
	} else {
		item := n.items
		for {
			v.pos = v.skipSpace(v.pos)
			v.path = append(v.path, pathPart{index: int(count)})
			if item != nil && n.types&tArray != 0 {
				v.value(item, depth+1)
			} else {
				v.skip(depth + 1)
			}
			v.path = v.path[:len(v.path)-1]
			count++
			if v.err != nil || !v.separator(']') {
				break
			}
		}
	}
	if v.err != nil {
		return
	}
	if n.types&tArray == 0 {
		v.violation(n, "type", "")
		return
	}
	if n.minItems != 0 && count < n.minItems {
		v.violation(n, "minItems", "minimum number of items is "+strconv.FormatUint(n.minItems, 10))
	}
	if n.maxItems != nil && count > *n.maxItems {
		v.violation(n, "maxItems", "maximum number of items is "+strconv.FormatUint(*n.maxItems, 10))
	}
}

// separator moves past the ',' after a member (true: another follows) or
// the closing bracket (false); anything else is a syntax error.
func (v *validator) separator(closing byte) bool {
	v.pos = v.skipSpace(v.pos)
	if v.pos < len(v.data) {
		switch v.data[v.pos] {
		case ',':
			v.pos++
			return true
		case closing:
			v.pos++
			return false
		}
	}
	v.fail(ErrInvalidJSON)
	return false
}

// scanString moves past a string at v.pos and reports whether it has
// escapes. It looks at eight bytes at a time for the first quote,
// backslash or control character; only a backslash needs the careful loop.
func (v *validator) scanString() bool {
	const (
		ones  = 0x0101010101010101
		highs = 0x8080808080808080
	)
	d := v.data
	i := v.pos + 1
	for i+8 <= len(d) {
		x := binary.LittleEndian.Uint64(d[i:])
		q := x ^ ('"' * ones)
		b := x ^ ('\\' * ones)
		// The lowest flagged byte is exact: a borrow only runs upwards.
		m := ((q-ones)&^q | (b-ones)&^b | (x-0x20*ones)&^x) & highs
		if m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			break
		}
		i += 8
	}
	for i < len(d) && d[i] != '"' && d[i] != '\\' && d[i] >= 0x20 {
		i++
	}
	if i < len(d) && d[i] == '"' {
		v.pos = i + 1
		return false
	}
	escaped := false
	for i < len(d) {
		c := d[i]
		switch {
		case c == '"':
			v.pos = i + 1
			return escaped
		case c == '\\':
			escaped = true
			if i+1 >= len(d) {
				v.fail(ErrInvalidJSON)
				return escaped
			}
			switch d[i+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				i += 2
			case 'u':
				if i+6 > len(d) || !isHex4(d[i+2:i+6]) {
					v.fail(ErrInvalidJSON)
					return escaped
				}
				i += 6
			default:
				v.fail(ErrInvalidJSON)
				return escaped
			}
		case c < 0x20:
			v.fail(ErrInvalidJSON)
			return escaped
		default:
			i++
		}
	}
	v.fail(ErrInvalidJSON)
	return escaped
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !isHexByte[c] {
			return false
		}
	}
	return true
}

func (v *validator) str(n *node) {
	start := v.pos
	escaped := v.scanString()
	if v.err != nil {
		return
	}
	quoted := v.data[start:v.pos]
	raw := quoted[1 : len(quoted)-1]
	var text string // the unescaped text, needed only when there are escapes
	if escaped {
		text = unquoteKey(quoted)
	}
	if n.hasEnum {
		var ok bool
		if escaped {
			ok = n.enum.has([]byte(text))
		} else {
			ok = n.enum.has(raw)
		}
		if !ok {
			v.violation(n, "enum", "")
			v.out[len(v.out)-1].Unlisted = true
			return
		}
	}
	if n.types&tString == 0 {
		v.violation(n, "type", "")
		return
	}
	if n.minLen != 0 || n.maxLen != nil {
		length := utf16LenBytes(raw)
		if escaped {
			length = utf16Len(text)
		}
		if n.minLen != 0 && length < n.minLen {
			v.violation(n, "minLength", "")
		}
		if n.maxLen != nil && length > *n.maxLen {
			v.violation(n, "maxLength", "")
		}
	}
	if n.pattern != nil {
		ok := false
		if escaped {
			ok = n.pattern.MatchString(text)
		} else {
			ok = n.pattern.Match(raw)
		}
		if !ok {
			v.violation(n, "pattern", "")
		}
	}
	ok := true
	switch {
	case n.format == "uuid" && escaped:
		ok = IsUUID(text)
	case n.format == "uuid":
		ok = isUUIDBytes(raw)
	case n.format == "date-time" && escaped:
		ok = apitime.IsDateTime(text)
	case n.format == "date-time":
		ok = apitime.IsDateTimeQuoted(quoted)
	}
	if !ok {
		v.violation(n, "format", "")
	}
}

func utf16Len(s string) uint64 {
	var n uint64
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

func utf16LenBytes(b []byte) uint64 {
	var n uint64
	for len(b) > 0 {
		if b[0] < utf8.RuneSelf {
			n++
			b = b[1:]
			continue
		}
		r, size := utf8.DecodeRune(b)
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
		b = b[size:]
	}
	return n
}

func isUUIDBytes(b []byte) bool {
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return false
	}
	for i, c := range b {
		if !isHexByte[c] && i != 8 && i != 13 && i != 18 && i != 23 {
			return false
		}
	}
	return true
}

var isHexByte = func() (t [256]bool) {
	for _, c := range []byte("0123456789abcdefABCDEF") {
		t[c] = true
	}
	return t
}()

func (v *validator) number(n *node) {
	start := v.pos
	i := start
	if v.data[i] == '-' {
		i++
	}
	digits := func() int {
		j := i
		for i < len(v.data) && v.data[i] >= '0' && v.data[i] <= '9' {
			i++
		}
		return i - j
	}
	if i < len(v.data) && v.data[i] == '0' {
		i++
	} else if digits() == 0 {
		v.fail(ErrInvalidJSON)
		return
	}
	plain := true
	if i < len(v.data) && v.data[i] == '.' {
		plain = false
		i++
		if digits() == 0 {
			v.fail(ErrInvalidJSON)
			return
		}
	}
	if i < len(v.data) && (v.data[i] == 'e' || v.data[i] == 'E') {
		plain = false
		i++
		if i < len(v.data) && (v.data[i] == '+' || v.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			v.fail(ErrInvalidJSON)
			return
		}
	}
	v.pos = i
	lit := v.data[start:i]
	value := math.NaN()
	if !plain || len(lit) > 15 || n.min != nil || n.max != nil {
		f, err := strconv.ParseFloat(string(lit), 64)
		if err != nil {
			v.fail(ErrInvalidJSON) // encoding/json cannot hold it in a float64 either
			return
		}
		value = f
	}
	integral := plain || value == math.Trunc(value)
	switch {
	case n.types&tInteger != 0 && n.types&tNumber == 0:
		if !integral {
			v.violation(n, "type", "value must be an integer")
		}
	case n.types&(tInteger|tNumber) == 0:
		v.violation(n, "type", "")
		return
	}
	if math.IsNaN(value) {
		return // no bound to check
	}
	if n.min != nil && !(*n.min <= value) {
		v.violation(n, "minimum", "")
	}
	if n.max != nil && !(*n.max >= value) {
		v.violation(n, "maximum", "")
	}
}

// unquoteKey returns a JSON string's text (quoted holds the quotes). It is
// a function of its own so that callers' variables do not escape.
func unquoteKey(quoted []byte) string {
	var s string
	if err := json.Unmarshal(quoted, &s); err != nil {
		return string(quoted)
	}
	return s
}
