// Package apitime provides the timestamp type of the generated models.
//
// The Browser Use service sends RFC 3339 timestamps in UTC with a zone
// offset ("2026-01-02T03:04:05.123456Z"; the official Python SDK types them
// as zone-aware datetimes), but the API's descriptions say a timestamp may
// arrive naive, without the offset ("2026-01-02T03:04:05.123456").
// time.Time's own JSON decoding rejects those; Time reads them as UTC and
// accepts RFC 3339 too.
package apitime

import (
	"bytes"
	"errors"
	"time"
)

// Time is a time.Time that decodes RFC 3339 timestamps and naive ones
// (no zone offset, read as UTC). It encodes as the service does: UTC with
// microseconds and the offset Z, "2026-11-27T10:00:00.123456Z"; a Time made
// by Naive encodes without the offset instead (decoding never makes one).
// As with time.Time, compare Times with Equal, not ==.
type Time struct {
	time.Time
}

// naiveUTC marks a Time that encodes naive: UTC, under a Location of its
// own so that the form travels with the value (no package state decides
// it). It is never changed after initialization.
var naiveUTC = time.FixedZone("UTC", 0)

// Naive returns t as a Time that encodes as a naive UTC timestamp, without
// a zone offset: "2026-11-27T10:00:00.123456", the form the API's
// descriptions allow. Converting it (t.UTC(), t.In) drops the mark.
func Naive(t time.Time) Time { return Time{Time: t.In(naiveUTC)} }

// IsNaive reports whether t encodes without a zone offset (it was made by
// Naive).
func (t Time) IsNaive() bool { return t.Location() == naiveUTC }

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

// MarshalJSON encodes t as the service does, in UTC with microseconds and
// the offset Z, "2026-11-27T10:00:00.123456Z"; a Time made by Naive
// without the offset, "2026-11-27T10:00:00.123456".
func (t Time) MarshalJSON() ([]byte, error) {
	utc := t.UTC()
	if y := utc.Year(); y < 0 || y > 9999 {
		return nil, errors.New("apitime: year outside [0,9999]")
	}
	b := make([]byte, 0, len(naiveMicro)+3)
	b = append(b, '"')
	b = utc.AppendFormat(b, naiveMicro)
	if !t.IsNaive() {
		b = append(b, 'Z')
	}
	return append(b, '"'), nil
}

// naiveMicro is the layout of the service's timestamps, before the offset.
const naiveMicro = "2006-01-02T15:04:05.000000"

// IsDateTime reports whether s is a timestamp Time can decode. The
// validators use it for the date-time format, so that naive UTC timestamps
// pass. It does not allocate for the usual shapes: a naive timestamp gets
// its "Z" in a stack buffer and goes through time's RFC 3339 parser.
func IsDateTime(s string) bool {
	var buf [64]byte
	if len(s) >= 19 && len(s)+1 <= len(buf) {
		b := append(buf[:0], s...)
		if !hasZone(b) { // naive: read as UTC, as the naive layouts of Parse do
			if b[10] == ' ' {
				b[10] = 'T'
			}
			b = append(b, 'Z')
		}
		var t time.Time
		if t.UnmarshalText(b) == nil {
			return true
		}
	}
	_, err := Parse(s)
	return err == nil
}

// hasZone reports whether a timestamp ends in Z or a ±hh:mm offset.
func hasZone(b []byte) bool {
	n := len(b)
	return b[n-1] == 'Z' || b[n-1] == 'z' || n >= 25 && (b[n-6] == '+' || b[n-6] == '-') && b[n-3] == ':'
}
