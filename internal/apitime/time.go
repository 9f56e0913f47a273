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
	if len(data) < 2 || data[0] != '"' || data[len(data)-1] != '"' {
		return errors.New("apitime: timestamp is not a JSON string")
	}
	// The common case, RFC 3339, without allocating.
	if err := t.Time.UnmarshalJSON(data); err == nil {
		return nil
	}
	parsed, err := Parse(string(data[1 : len(data)-1]))
	if err != nil {
		return err
	}
	t.Time = parsed
	return nil
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
