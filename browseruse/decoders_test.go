package browseruse_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/gen"
)

// FuzzDecodersAgree holds goccy/go-json, which decodes response bodies
// first, to encoding/json on arbitrary bodies: into any (what kin-openapi
// validates; its strings referring to the body, as check decodes it) and
// into every response model, both must accept or both reject, and what
// they accept they must decode to deeply equal values; and unmarshal,
// fallback included, must give exactly encoding/json's value or error.
// Seeds: okBodies, the bodies of FuzzResponses' corpus, the bench bodies
// (testdata/fuzz/FuzzDecodersAgree) and the edge cases below.
func FuzzDecodersAgree(f *testing.F) {
	for _, body := range okBodies {
		f.Add([]byte(body))
	}
	for _, body := range fuzzResponsesBodies(f) {
		f.Add(body)
	}
	for _, body := range []string{
		``, ` `, `null`, `{}`, `[]`, `{"id":"x"} trailing`, `{"id":"x"}{}`, `{"id":1}`, `{"id":"x",}`,
		`{"id":"a","id":"b"}`, `{"ID":"a","Id":"b"}`, `{"tasks":[{"id":"a"}],"tasks":[{"status":"x"}]}`,
		`{"id":"\xff\xfe"}`, `{"id":"a\u00e9\ud800\udc00\ud800"}`, `{"id":"\u0000\"\\\/\b\f\n\r\t"}`,
		`{"totalItems":1e400}`, `{"totalItems":1.5}`, `{"totalItems":-0}`, `{"totalItems":99999999999999999999}`,
		`{"viewCount":12345678901234567890123}`, `{"cost":12.5}`, `{"cost":"abc"}`, `{"startedAt":"2026-13-01T00:00:00Z"}`,
		`{"metadata":{"a":null,"b":[1,{"c":true}]}}`, `{"metadata":null}`, `{"publicShareUrl":null}`, `{"items":null}`,
		"{\"id\":\"a\tb\"}", "{\"id\":\"a\x01b\"}", `{"id":"x"` + "\x00",
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) { decodersAgree(t, body) })
}

// TestDecodersAgreeDeep: both decoders stop at the same depth (10000).
// Not fuzz seeds: mutating and minimizing 20 KB of brackets is all the
// fuzzer would do.
func TestDecodersAgreeDeep(t *testing.T) {
	for _, depth := range []int{9990, 10000, 10001} {
		decodersAgree(t, []byte(`{"id":"x","a":`+strings.Repeat(`[`, depth)+strings.Repeat(`]`, depth)+`}`))
		decodersAgree(t, []byte(`{"id":"x","a":`+strings.Repeat(`{"b":`, depth)+`1`+strings.Repeat(`}`, depth)+`}`))
	}
}

var models = []func() any{
	func() any { return new(any) },
	func() any { return new(browseruse.Session) },
	func() any { return new(browseruse.SessionItem) },
	func() any { return new(browseruse.SessionPage) },
	func() any { return new(browseruse.Task) },
	func() any { return new(browseruse.TaskItem) },
	func() any { return new(browseruse.TaskStatusView) },
	func() any { return new(browseruse.CreatedTask) },
	func() any { return new(browseruse.TaskPage) },
	func() any { return new(browseruse.Share) },
	func() any { return new(gen.TaskLogFileResponse) },
}

func decodersAgree(t *testing.T, body []byte) {
	t.Helper()
	for _, model := range models {
		std, fast := model(), model()
		stdErr, fastErr := json.Unmarshal(body, std), browseruse.FastUnmarshal(body, fast)
		switch {
		case (stdErr == nil) != (fastErr == nil):
			t.Fatalf("%T %q: encoding/json says %v, goccy/go-json %v", std, body, stdErr, fastErr)
		case stdErr == nil && !reflect.DeepEqual(std, fast):
			t.Fatalf("%T %q:\nencoding/json %#v\ngoccy/go-json %#v", std, body, std, fast)
		}
	}
	// check's any tree, whose strings refer to the body.
	var std, fast, got any
	stdErr, fastErr := json.Unmarshal(body, &std), browseruse.FastUnmarshal(body, &fast, browseruse.NoCopy)
	switch {
	case (stdErr == nil) != (fastErr == nil):
		t.Fatalf("any (no copy) %q: encoding/json says %v, goccy/go-json %v", body, stdErr, fastErr)
	case stdErr == nil && !reflect.DeepEqual(std, fast):
		t.Fatalf("any (no copy) %q:\nencoding/json %#v\ngoccy/go-json %#v", body, std, fast)
	}
	if err := browseruse.UnmarshalNoCopy(body, &got); !reflect.DeepEqual(err, stdErr) || !reflect.DeepEqual(got, std) {
		t.Fatalf("any (no copy) %q: unmarshal gives %#v, %v; encoding/json %#v, %v", body, got, err, std, stdErr)
	}
	checkUnmarshal[any](t, body)
	checkUnmarshal[browseruse.Session](t, body)
	checkUnmarshal[browseruse.SessionPage](t, body)
	checkUnmarshal[browseruse.Task](t, body)
}

// checkUnmarshal: unmarshal gives encoding/json's value or error, exactly.
func checkUnmarshal[T any](t *testing.T, body []byte) {
	var std, got T
	stdErr, err := json.Unmarshal(body, &std), browseruse.Unmarshal(body, &got)
	if !reflect.DeepEqual(stdErr, err) || !reflect.DeepEqual(std, got) {
		t.Fatalf("%T %q: unmarshal gives %#v, %v; encoding/json %#v, %v", got, body, got, err, std, stdErr)
	}
}

// fuzzResponsesBodies reads the bodies of FuzzResponses' seed corpus.
func fuzzResponsesBodies(f *testing.F) [][]byte {
	files, err := filepath.Glob("testdata/fuzz/FuzzResponses/*")
	if err != nil {
		f.Fatal(err)
	}
	var out [][]byte
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(data), "\n")
		if len(lines) < 2 || !strings.HasPrefix(lines[1], "[]byte(") {
			f.Fatalf("%s: no []byte on its second line", name)
		}
		body, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
		if err != nil {
			f.Fatalf("%s: %v", name, err)
		}
		out = append(out, []byte(body))
	}
	return out
}
