package apitime

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestNaiveTimestampsAreUTC(t *testing.T) {
	for in, want := range map[string]time.Time{
		`"2026-01-02T03:04:05"`:         time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		`"2026-01-02T03:04:05.123456"`:  time.Date(2026, 1, 2, 3, 4, 5, 123456000, time.UTC),
		`"2026-01-02 03:04:05"`:         time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		`"2026-01-02T03:04:05Z"`:        time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		`"2026-01-02T05:04:05+02:00"`:   time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		`"2026-01-02T03:04:05.5-00:30"`: time.Date(2026, 1, 2, 3, 34, 5, 500000000, time.UTC),
		// What the service and the fake send, and what Naive encodes.
		`"2026-12-01T18:57:22.149271Z"`:      time.Date(2026, 12, 1, 18, 57, 22, 149271000, time.UTC),
		`"2026-12-01T18:57:22.149271+00:00"`: time.Date(2026, 12, 1, 18, 57, 22, 149271000, time.UTC),
		`"2026-12-01T18:57:22.149271"`:       time.Date(2026, 12, 1, 18, 57, 22, 149271000, time.UTC),
	} {
		var got Time
		if err := json.Unmarshal([]byte(in), &got); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !got.Equal(want) {
			t.Fatalf("%s: got %v, want %v", in, got, want)
		}
	}
	for _, bad := range []string{`"yesterday"`, `"2026-13-01T00:00:00"`, `12`, `"2026-01-02"`} {
		var got Time
		if err := json.Unmarshal([]byte(bad), &got); err == nil {
			t.Fatalf("%s: accepted", bad)
		}
	}
}

// FuzzParse: whatever Parse accepts survives an encode/decode round trip.
func FuzzParse(f *testing.F) {
	f.Add("2026-01-02T03:04:05")
	f.Add("2026-01-02T03:04:05.999999999+14:00")
	f.Add("0000-01-01 00:00:00")
	f.Add("2024-02-29T23:59:59.123456789-00:00")
	f.Add("2023-02-29T00:00:00Z")
	f.Fuzz(func(t *testing.T, s string) {
		parsed, err := Parse(s)
		if !strings.ContainsAny(s, "\"\\") {
			quoted := []byte(`"` + s + `"`)
			fast, ok := ParseQuoted(quoted)
			if ok != (err == nil) || ok && !fast.Equal(parsed) {
				t.Fatalf("%q: ParseQuoted (%v, %t) disagrees with Parse (%v, %v)", s, fast, ok, parsed, err)
			}
		}
		if err != nil {
			return
		}
		for _, form := range []Time{{parsed}, Naive(parsed)} {
			data, err := json.Marshal(form)
			if err != nil {
				return // years outside 0..9999 cannot be encoded as RFC 3339
			}
			var back Time
			if err := json.Unmarshal(data, &back); err != nil {
				t.Fatalf("%q encoded as %s does not decode: %v", s, data, err)
			}
			if !back.Equal(parsed.Truncate(time.Microsecond)) { // encoded with microseconds, as the service does
				t.Fatalf("%q: round trip %v != %v", s, back.Time, parsed)
			}
			if back.IsNaive() {
				t.Fatalf("%q: decoding made a naive Time", s)
			}
		}
	})
}

// FuzzIsDateTime: the allocation-free check agrees with Parse.
func FuzzIsDateTime(f *testing.F) {
	for _, s := range []string{"2026-01-02T03:04:05", "2026-01-02 03:04:05.123456", "2026-01-02T03:04:05.5-00:30",
		"2026-01-02T03:04:05Z", "2026-02-30T00:00:00", "2026-01-02T03:04:05+0200", "2026-01-02T03:04:05z", "2026-01-02"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, err := Parse(s)
		if IsDateTime(s) != (err == nil) {
			t.Fatalf("%q: IsDateTime says %t, Parse says %v", s, IsDateTime(s), err)
		}
	})
}

// TestEncodesAsTheServiceDoes: UTC with microseconds and the offset Z,
// whatever the zone of the time; Naive drops the offset.
func TestEncodesAsTheServiceDoes(t *testing.T) {
	cet := time.Date(2026, 11, 27, 11, 0, 0, 123456789, time.FixedZone("CET", 3600))
	for _, tc := range []struct {
		in   Time
		want string
	}{
		{Time{cet}, `"2026-11-27T10:00:00.123456Z"`},
		{Time{cet.UTC()}, `"2026-11-27T10:00:00.123456Z"`},
		{Time{}, `"0001-01-01T00:00:00.000000Z"`},
		{Naive(cet), `"2026-11-27T10:00:00.123456"`},
		{Naive(cet.UTC()), `"2026-11-27T10:00:00.123456"`},
		{Time{Naive(cet).Add(time.Second)}, `"2026-11-27T10:00:01.123456"`}, // arithmetic keeps the form
		{Time{Naive(cet).UTC()}, `"2026-11-27T10:00:00.123456Z"`},           // converting drops it
	} {
		data, err := json.Marshal(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != tc.want {
			t.Errorf("%v: got %s, want %s", tc.in, data, tc.want)
		}
		if naive := !strings.HasSuffix(tc.want, `Z"`); tc.in.IsNaive() != naive {
			t.Errorf("%v: IsNaive is %t", tc.in, tc.in.IsNaive())
		}
	}
	if !Naive(cet).Equal(cet) {
		t.Error("Naive changed the instant")
	}
	for _, y := range []int{-1, 10000} {
		if _, err := json.Marshal(Naive(time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC))); err == nil {
			t.Errorf("year %d encoded", y)
		}
	}
}

// TestDecodingClearsTheNaiveForm: a Time decoded into a naive one encodes
// as the service does again.
func TestDecodingClearsTheNaiveForm(t *testing.T) {
	v := Naive(time.Now())
	if err := json.Unmarshal([]byte(`"2026-01-02T03:04:05"`), &v); err != nil {
		t.Fatal(err)
	}
	if v.IsNaive() {
		t.Fatal("still naive after decoding")
	}
	data, err := json.Marshal(v)
	if err != nil || string(data) != `"2026-01-02T03:04:05.000000Z"` {
		t.Fatalf("got %s, %v", data, err)
	}
}
