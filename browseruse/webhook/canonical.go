package webhook

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Canonical re-serializes a JSON document the way the service's Python
// reference does before signing it:
//
//	json.dumps(json.loads(body), separators=(",", ":"), sort_keys=True, ensure_ascii=escapeNonASCII)
//
// It reads body as Python's json.loads reads bytes: UTF-8 (a leading BOM
// is skipped; UTF-8-encoded surrogates are kept, as "surrogatepass" does),
// the literals NaN, Infinity and -Infinity, duplicate keys (the last one
// wins), at most 4300 digits in an integer (Python's int limit), at most 512
// levels of nesting. It writes what json.dumps writes:
//
//   - object keys sorted by Unicode code point (as Python sorts str, not by
//     UTF-16 unit nor by UTF-8 byte), no whitespace;
//   - integers (a number token without '.', 'e' or 'E') digit for digit,
//     "-0" as "0";
//   - other numbers as Python's repr of the nearest float64: the shortest
//     digits that round-trip, in positional form when the decimal exponent
//     is from -4 to 15 ("1.0", "100000.0", "0.0001") and in exponent form
//     otherwise, with a sign and at least two digits ("1e+16", "1.5e-07",
//     "1e+100"); "-0.0"; a number beyond float64's range as Infinity or
//     -Infinity;
//   - strings with \" \\ \n \r \t \b \f escaped, other control characters
//     as \u00XX; with escapeNonASCII, every character outside ' ' to '~'
//     (U+007F included) as \uXXXX in lowercase hex, with surrogate pairs
//     above U+FFFF; without, those characters as UTF-8 (U+007F too), except
//     lone surrogates, written \udXXX as JavaScript's JSON.stringify does,
//     since UTF-8 cannot hold them.
//
// It fails with an error wrapping ErrBadJSON when body is not such a
// document.
func Canonical(body []byte, escapeNonASCII bool) ([]byte, error) {
	v, err := parse(body)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(body))
	writeValue(&buf, &v, escapeNonASCII)
	return buf.Bytes(), nil
}

// Limits of the parser, as Python's json.loads has them.
const (
	maxDepth     = 512  // Python's recursion limit stops it near 1000
	maxIntDigits = 4300 // sys.get_int_max_str_digits() by default
)

type kind uint8

const (
	kNull kind = iota
	kTrue
	kFalse
	kInt    // num holds the token
	kFloat  // f holds the value
	kString // s holds the code points (lone surrogates included)
	kArray
	kObject
)

// value is a parsed JSON value, as Python holds it.
type value struct {
	kind kind
	num  []byte
	f    float64
	s    []rune
	arr  []value
	obj  []member // sorted by key, keys unique, once parsed
}

type member struct {
	key []rune
	val value
}

// parser reads one document. The items of the arrays and objects being
// read, and the code points of every string, go on stacks shared by the
// whole parse, doubled when full but never past what the body can hold (a
// value takes two bytes with its comma, a member five, a code point one);
// a closed array or object is copied off to a slice of its exact size, and
// a string stays a window on its stack (its capacity cut, so that nothing
// appends to it). The values of a body so cost about three times their
// size, where appending to each array's own slice cost about six (Go grows
// a large slice by a quarter); see BenchmarkVerifyAdversarial.
type parser struct {
	b       []byte
	i       int
	depth   int
	items   stack[value]  // of the arrays being read, innermost last
	members stack[member] // of the objects being read, innermost last
	runes   stack[rune]   // of the strings read
}

// stack is a slice that doubles when full, up to limit (past which it
// grows as append grows it, which the limits above make unreachable).
type stack[T any] struct {
	s     []T
	limit int
}

func (st *stack[T]) push(x T) {
	if len(st.s) == cap(st.s) {
		if n := min(max(2*len(st.s), 16), st.limit); n > len(st.s) {
			grown := make([]T, len(st.s), n)
			copy(grown, st.s)
			st.s = grown
		}
	}
	st.s = append(st.s, x)
}

// take copies the items from mark on to a slice of their size, and pops them.
func (st *stack[T]) take(mark int) []T {
	out := slices.Clone(st.s[mark:])
	clear(st.s[mark:]) // the copy holds them now
	st.s = st.s[:mark]
	return out
}

// syntaxError is a parse error: where and what.
func (p *parser) errorf(format string, args ...any) error {
	return fmt.Errorf("%w: at byte %d: %s", ErrBadJSON, p.i, fmt.Sprintf(format, args...))
}

func parse(body []byte) (value, error) {
	p := &parser{b: body}
	p.items.limit, p.members.limit, p.runes.limit = len(body)/2+1, len(body)/5+1, len(body)
	if bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		p.i = 3 // Python decodes bytes with utf-8-sig when they start with a BOM
	}
	p.space()
	v, err := p.value()
	if err != nil {
		return value{}, err
	}
	p.space()
	if p.i != len(p.b) {
		return value{}, p.errorf("extra data after the document")
	}
	return v, nil
}

func (p *parser) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *parser) literal(word string) bool {
	if bytes.HasPrefix(p.b[p.i:], []byte(word)) {
		p.i += len(word)
		return true
	}
	return false
}

func (p *parser) value() (value, error) {
	if p.i >= len(p.b) {
		return value{}, p.errorf("unexpected end")
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		return value{kind: kString, s: s}, err
	case c == '-' || c >= '0' && c <= '9':
		if p.literal("-Infinity") {
			return value{kind: kFloat, f: math.Inf(-1)}, nil
		}
		return p.number()
	case p.literal("null"):
		return value{kind: kNull}, nil
	case p.literal("true"):
		return value{kind: kTrue}, nil
	case p.literal("false"):
		return value{kind: kFalse}, nil
	case p.literal("NaN"):
		return value{kind: kFloat, f: math.NaN()}, nil
	case p.literal("Infinity"):
		return value{kind: kFloat, f: math.Inf(1)}, nil
	default:
		return value{}, p.errorf("unexpected character")
	}
}

func (p *parser) enter() error {
	p.depth++
	if p.depth > maxDepth {
		return p.errorf("more than %d levels of nesting", maxDepth)
	}
	return nil
}

func (p *parser) object() (value, error) {
	if err := p.enter(); err != nil {
		return value{}, err
	}
	defer func() { p.depth-- }()
	p.i++ // {
	v := value{kind: kObject}
	mark := len(p.members.s)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return value{}, p.errorf("expected a key")
		}
		key, err := p.str()
		if err != nil {
			return value{}, err
		}
		p.space()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return value{}, p.errorf("expected ':'")
		}
		p.i++
		p.space()
		val, err := p.value()
		if err != nil {
			return value{}, err
		}
		p.members.push(member{key, val})
		p.space()
		if p.i >= len(p.b) {
			return value{}, p.errorf("unexpected end in an object")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
			continue
		case '}':
			p.i++
			p.members.s = append(p.members.s[:mark], sortMembers(p.members.s[mark:])...) // fewer after duplicates
			v.obj = p.members.take(mark)
			return v, nil
		default:
			return value{}, p.errorf("expected ',' or '}'")
		}
	}
}

// sortMembers sorts by key, code point by code point, keeping the last of
// equal keys as a Python dict does.
func sortMembers(m []member) []member {
	slices.SortStableFunc(m, func(a, b member) int { return slices.Compare(a.key, b.key) })
	out := m[:0]
	for i := range m {
		if len(out) > 0 && slices.Equal(out[len(out)-1].key, m[i].key) {
			out[len(out)-1] = m[i] // stable sort: later members come later
			continue
		}
		out = append(out, m[i])
	}
	return out
}

func (p *parser) array() (value, error) {
	if err := p.enter(); err != nil {
		return value{}, err
	}
	defer func() { p.depth-- }()
	p.i++ // [
	v := value{kind: kArray}
	mark := len(p.items.s)
	p.space()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return v, nil
	}
	for {
		p.space()
		item, err := p.value()
		if err != nil {
			return value{}, err
		}
		p.items.push(item)
		p.space()
		if p.i >= len(p.b) {
			return value{}, p.errorf("unexpected end in an array")
		}
		switch p.b[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			v.arr = p.items.take(mark)
			return v, nil
		default:
			return value{}, p.errorf("expected ',' or ']'")
		}
	}
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?, Python's
// NUMBER_RE.
func (p *parser) number() (value, error) {
	start := p.i
	if p.b[p.i] == '-' {
		p.i++
	}
	digits := p.i
	switch {
	case p.i < len(p.b) && p.b[p.i] == '0':
		p.i++
	case p.i < len(p.b) && isDigit(p.b[p.i]):
		for p.i < len(p.b) && isDigit(p.b[p.i]) {
			p.i++
		}
	default:
		return value{}, p.errorf("expected a digit")
	}
	intDigits := p.i - digits
	float := false
	if p.i+1 < len(p.b) && p.b[p.i] == '.' && isDigit(p.b[p.i+1]) {
		float = true
		p.i++
		for p.i < len(p.b) && isDigit(p.b[p.i]) {
			p.i++
		}
	}
	if p.i < len(p.b) && (p.b[p.i] == 'e' || p.b[p.i] == 'E') {
		j := p.i + 1
		if j < len(p.b) && (p.b[j] == '+' || p.b[j] == '-') {
			j++
		}
		if j < len(p.b) && isDigit(p.b[j]) {
			float = true
			p.i = j
			for p.i < len(p.b) && isDigit(p.b[p.i]) {
				p.i++
			}
		}
	}
	tok := p.b[start:p.i]
	if !float {
		if intDigits > maxIntDigits {
			return value{}, p.errorf("an integer of %d digits (Python's limit is %d)", intDigits, maxIntDigits)
		}
		if string(tok) == "-0" {
			tok = tok[1:] // Python's int("-0") is 0
		}
		return value{kind: kInt, num: tok}, nil
	}
	f, err := strconv.ParseFloat(string(tok), 64)
	if err != nil && !errors.Is(err, strconv.ErrRange) {
		return value{}, p.errorf("a number ParseFloat refuses") // cannot happen: the grammar is ParseFloat's
	}
	// Out of range: ParseFloat gives ±Inf or ±0 (correctly rounded), as
	// Python's float does.
	return value{kind: kFloat, f: f}, nil
}

// str reads a string, the opening quote at p.i, into code points as Python
// holds them: escaped surrogate pairs combined, lone surrogates kept.
func (p *parser) str() ([]rune, error) {
	p.i++ // "
	start := len(p.runes.s)
	for {
		if p.i >= len(p.b) {
			return nil, p.errorf("unterminated string")
		}
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if end := len(p.runes.s); end > start {
				return p.runes.s[start:end:end], nil
			}
			return nil, nil
		case c < 0x20:
			return nil, p.errorf("control character %#02x in a string", c)
		case c == '\\':
			r, err := p.escape()
			if err != nil {
				return nil, err
			}
			p.runes.push(r)
		case c < utf8.RuneSelf:
			p.runes.push(rune(c))
			p.i++
		default:
			r, size := decodeSurrogatePass(p.b[p.i:])
			if size == 0 {
				return nil, p.errorf("invalid UTF-8")
			}
			p.runes.push(r)
			p.i += size
		}
	}
}

// decodeSurrogatePass decodes one UTF-8 sequence, accepting the three-byte
// encodings of surrogates (U+D800 to U+DFFF) as Python's "surrogatepass"
// does; size 0 means invalid.
func decodeSurrogatePass(b []byte) (rune, int) {
	if len(b) >= 3 && b[0] == 0xED && b[1] >= 0xA0 && b[1] <= 0xBF && b[2]&0xC0 == 0x80 {
		return rune(b[0]&0x0F)<<12 | rune(b[1]&0x3F)<<6 | rune(b[2]&0x3F), 3
	}
	r, size := utf8.DecodeRune(b)
	if r == utf8.RuneError && size <= 1 {
		return 0, 0
	}
	return r, size
}

func (p *parser) escape() (rune, error) {
	if p.i+1 >= len(p.b) {
		return 0, p.errorf("unterminated escape")
	}
	c := p.b[p.i+1]
	p.i += 2
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, ok := hex4(p.b[p.i:])
		if !ok {
			return 0, p.errorf("invalid \\uXXXX escape")
		}
		p.i += 4
		if r >= 0xD800 && r <= 0xDBFF && p.i+1 < len(p.b) && p.b[p.i] == '\\' && p.b[p.i+1] == 'u' {
			if low, ok := hex4(p.b[p.i+2:]); ok && low >= 0xDC00 && low <= 0xDFFF {
				p.i += 6
				return 0x10000 + (r-0xD800)<<10 + (low - 0xDC00), nil
			}
		}
		return r, nil
	default:
		return 0, p.errorf("invalid escape")
	}
}

func hex4(b []byte) (rune, bool) {
	if len(b) < 4 {
		return 0, false
	}
	var r rune
	for _, c := range b[:4] {
		r <<= 4
		switch {
		case c >= '0' && c <= '9':
			r |= rune(c - '0')
		case c >= 'a' && c <= 'f':
			r |= rune(c - 'a' + 10)
		case c >= 'A' && c <= 'F':
			r |= rune(c - 'A' + 10)
		default:
			return 0, false
		}
	}
	return r, true
}

func writeValue(buf *bytes.Buffer, v *value, ascii bool) {
	switch v.kind {
	case kNull:
		buf.WriteString("null")
	case kTrue:
		buf.WriteString("true")
	case kFalse:
		buf.WriteString("false")
	case kInt:
		buf.Write(v.num)
	case kFloat:
		buf.WriteString(pyFloatRepr(v.f))
	case kString:
		writeString(buf, v.s, ascii)
	case kArray:
		buf.WriteByte('[')
		for i := range v.arr {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeValue(buf, &v.arr[i], ascii)
		}
		buf.WriteByte(']')
	case kObject:
		buf.WriteByte('{')
		for i := range v.obj {
			if i > 0 {
				buf.WriteByte(',')
			}
			writeString(buf, v.obj[i].key, ascii)
			buf.WriteByte(':')
			writeValue(buf, &v.obj[i].val, ascii)
		}
		buf.WriteByte('}')
	}
}

const hexDigits = "0123456789abcdef"

func writeU(buf *bytes.Buffer, r rune) {
	buf.WriteString(`\u`)
	buf.WriteByte(hexDigits[r>>12&0xF])
	buf.WriteByte(hexDigits[r>>8&0xF])
	buf.WriteByte(hexDigits[r>>4&0xF])
	buf.WriteByte(hexDigits[r&0xF])
}

func writeString(buf *bytes.Buffer, s []rune, ascii bool) {
	buf.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			buf.WriteString(`\"`)
		case r == '\\':
			buf.WriteString(`\\`)
		case r == '\n':
			buf.WriteString(`\n`)
		case r == '\r':
			buf.WriteString(`\r`)
		case r == '\t':
			buf.WriteString(`\t`)
		case r == '\b':
			buf.WriteString(`\b`)
		case r == '\f':
			buf.WriteString(`\f`)
		case r < 0x20:
			writeU(buf, r)
		case r < 0x7F:
			buf.WriteByte(byte(r))
		case r >= 0xD800 && r <= 0xDFFF: // a lone surrogate, either way
			writeU(buf, r)
		case !ascii:
			buf.WriteRune(r)
		case r > 0xFFFF:
			r -= 0x10000
			writeU(buf, 0xD800+r>>10)
			writeU(buf, 0xDC00+r&0x3FF)
		default:
			writeU(buf, r)
		}
	}
	buf.WriteByte('"')
}

// pyFloatRepr is Python's repr(float) as json.dumps writes it.
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "Infinity"
	case math.IsInf(f, -1):
		return "-Infinity"
	}
	// Shortest round-trip digits, as Python's repr (David Gay's mode 0).
	e := strconv.FormatFloat(f, 'e', -1, 64) // [-]d[.ddd]e±XX
	neg := e[0] == '-'
	if neg {
		e = e[1:]
	}
	mant, expPart, _ := cutByte(e, 'e')
	exp, _ := strconv.Atoi(expPart)
	digits := mant[:1]
	if len(mant) > 2 {
		digits += mant[2:]
	}
	var out []byte
	if neg {
		out = append(out, '-')
	}
	if exp < -4 || exp >= 16 {
		out = append(out, digits[0])
		if len(digits) > 1 {
			out = append(out, '.')
			out = append(out, digits[1:]...)
		}
		out = append(out, 'e')
		if exp < 0 {
			out = append(out, '-')
			exp = -exp
		} else {
			out = append(out, '+')
		}
		if exp < 10 {
			out = append(out, '0')
		}
		return string(strconv.AppendInt(out, int64(exp), 10))
	}
	if exp < 0 {
		out = append(out, '0', '.')
		for range -exp - 1 {
			out = append(out, '0')
		}
		return string(append(out, digits...))
	}
	point := exp + 1
	if len(digits) <= point {
		out = append(out, digits...)
		for range point - len(digits) {
			out = append(out, '0')
		}
		return string(append(out, '.', '0'))
	}
	out = append(out, digits[:point]...)
	out = append(out, '.')
	return string(append(out, digits[point:]...))
}

func cutByte(s string, c byte) (string, string, bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}
