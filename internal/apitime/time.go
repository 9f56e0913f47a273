// Package apitime provides the timestamp type of the generated models.
//
// The Browser Use API documents some timestamps as naive UTC: they may arrive
// without a zone offset ("2026-01-02T03:04:05.123456"). time.Time's own JSON
// decoding rejects those; Time reads them as UTC and accepts RFC 3339 too.
package apitime

import (
	"bytes"
	"errors"
	"time"
)

// Time is a time.Time that decodes RFC 3339 timestamps and naive ones
// (no zone offset, read as UTC). It encodes as RFC 3339 with nanoseconds.
type Time struct {
	time.Time
}

// naiveLayouts are tried, in order, for timestamps without a zone offset.
var naiveLayouts = [...]string{
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
}

// Parse reads an RFC 3339 timestamp, or a naive one as UTC.
func Parse(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	for _, layout := range naiveLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errors.New("apitime: not an RFC 3339 or naive UTC timestamp")
}

// UnmarshalJSON decodes a JSON string timestamp. JSON null leaves t unchanged.
func (t *Time) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		return nil
	}
	parsed, ok := ParseQuoted(data)
	if !ok {
		return errors.New("apitime: not an RFC 3339 or naive UTC timestamp")
	}
	t.Time = parsed
	return nil
}

// ParseQuoted parses a JSON string (quotes included) as Parse does,
// without allocating for the common forms: RFC 3339, and naive timestamps
// with a "T" or a space, which are read as UTC.
func ParseQuoted(quoted []byte) (time.Time, bool) {
	var t time.Time
	if len(quoted) < 2 || quoted[0] != '"' || quoted[len(quoted)-1] != '"' {
		return t, false
	}
	if t.UnmarshalJSON(quoted) == nil {
		return t, true
	}
	return parseNaive(quoted)
}

// IsDateTimeQuoted reports whether ParseQuoted accepts quoted. Its fast path
// settles the usual shapes by checking digits and ranges only.
func IsDateTimeQuoted(quoted []byte) bool {
	if quickYes(quoted) {
		return true
	}
	_, ok := ParseQuoted(quoted)
	return ok
}

func parseNaive(quoted []byte) (time.Time, bool) {
	var t time.Time
	// A naive timestamp: append "Z" (and use "T") in a stack buffer, so that
	// time's allocation-free RFC 3339 parser reads it as UTC.
	var buf [64]byte
	if n := len(quoted); n >= 13 && n+1 <= len(buf) {
		b := append(buf[:0], quoted[:n-1]...)
		if b[11] == ' ' {
			b[11] = 'T'
		}
		b = append(b, 'Z', '"')
		if t.UnmarshalJSON(b) == nil {
			return t, true
		}
	}
	parsed, err := Parse(string(quoted[1 : len(quoted)-1]))
	return parsed, err == nil
}

// MarshalJSON encodes t as an RFC 3339 string with nanoseconds.
func (t Time) MarshalJSON() ([]byte, error) {
	return t.Time.MarshalJSON()
}

// IsDateTime reports whether s is a timestamp Time can decode. The validators
// use it for the date-time format, so that naive UTC timestamps pass.
func IsDateTime(s string) bool {
	_, err := Parse(s)
	return err == nil
}

// quickYes recognises the common shape "YYYY-MM-DDThh:mm:ss[.f{1,9}][Z|±hh:mm]"
// (quotes included) by its digits and ranges, without parsing. It answers
// true only where ParseQuoted accepts too (FuzzParse checks this); false
// means "ask ParseQuoted".
func quickYes(q []byte) bool {
	n := len(q)
	if n < 21 || q[0] != '"' || q[n-1] != '"' {
		return false
	}
	b := q[1 : n-1]
	digits := func(i, j int) (int, bool) {
		v := 0
		for k := i; k < j; k++ {
			c := b[k]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok1 := digits(0, 4)
	month, ok2 := digits(5, 7)
	day, ok3 := digits(8, 10)
	hour, ok4 := digits(11, 13)
	minute, ok5 := digits(14, 16)
	sec, ok6 := digits(17, 19)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || b[4] != '-' || b[7] != '-' || b[10] != 'T' || b[13] != ':' || b[16] != ':' {
		return false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 59 {
		return false
	}
	rest := b[19:]
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 || i > 10 {
			return false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 0, len(rest) == 1 && rest[0] == 'Z':
		return true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		hh, okh := digits(len(b)-5, len(b)-3)
		mm, okm := digits(len(b)-2, len(b))
		if okh && okm && hh <= 23 && mm <= 59 {
			return true
		}
	}
	return false
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
