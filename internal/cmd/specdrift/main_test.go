package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFindsTheDifferencesThatMatter: the fixtures say the same things in
// 3.0 (nullable, allOf) and 3.1 (anyOf with null), which must not count, and
// differ in a bound, an enum value, statuses, a parameter and an operation.
func TestFindsTheDifferencesThatMatter(t *testing.T) {
	var out, errs bytes.Buffer
	code := run([]string{"-ours", "testdata/ours.yaml", "testdata/upstream.json"}, &out, &errs)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr: %s", code, errs.String())
	}
	want := []string{
		"GET /things: status 404 only in ours",
		"GET /things: status 422 only upstream",
		"GET /things response 200 /color enum: only upstream [blue]; only in ours []",
		"GET /things parameter query pageSize / maximum: ours 100, upstream 50",
		"GET /things: parameter query sort only upstream",
		"POST /things: not in upstream",
		"6 difference(s) between testdata/ours.yaml and testdata/upstream.json",
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	if strings.Join(got, "\n") != strings.Join(sortLike(want, got), "\n") || len(got) != len(want) {
		t.Fatalf("got:\n%s\nwant (any order):\n%s", out.String(), strings.Join(want, "\n"))
	}
}

// sortLike returns want in got's order when both hold the same lines.
func sortLike(want, got []string) []string {
	var out []string
	for _, g := range got {
		for _, w := range want {
			if g == w {
				out = append(out, w)
			}
		}
	}
	return out
}

func TestAcceptedDifferencesAreCountedNotPrinted(t *testing.T) {
	accept := filepath.Join(t.TempDir(), "accepted.txt")
	entries := "# deliberate\nGET /things  # all of it\nPOST /things: not in upstream\n"
	if err := os.WriteFile(accept, []byte(entries), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	if code := run([]string{"-ours", "testdata/ours.yaml", "-accept", accept, "testdata/upstream.json"}, &out, &errs); code != 0 {
		t.Fatalf("exit %d: %s%s", code, out.String(), errs.String())
	}
	if !strings.Contains(out.String(), "6 deliberate difference(s)") {
		t.Fatal(out.String())
	}
}

func TestUnreadableDocumentsExitTwo(t *testing.T) {
	var out, errs bytes.Buffer
	if code := run([]string{"-ours", "testdata/ours.yaml", "testdata/missing.json"}, &out, &errs); code != 2 {
		t.Fatalf("exit %d", code)
	}
	if code := run(nil, &out, &errs); code != 2 {
		t.Fatalf("no argument: exit %d", code)
	}
}
