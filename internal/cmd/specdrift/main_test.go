package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
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
	want := append(slices.Clone(fixtureDiffs), "7 difference(s) between testdata/ours.yaml and testdata/upstream.json")
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

// fixtureDiffs are the lines TestFindsTheDifferencesThatMatter expects,
// without the summary.
var fixtureDiffs = []string{
	"GET /things: status 404 only in ours",
	"GET /things: status 422 only upstream",
	"GET /things response 200 /color enum: only upstream [blue]; only in ours []",
	"GET /things parameter query pageSize / maximum: ours 100, upstream 50",
	"GET /things: parameter query sort only upstream",
	"POST /things: not in upstream",
	"GET /things response 200 /tags/{} type: ours string, upstream (none)",
}

// runAccepting runs specdrift on the fixtures with an accept file holding
// text, and returns the exit status and what it printed.
func runAccepting(t *testing.T, text string) (int, string) {
	t.Helper()
	accept := filepath.Join(t.TempDir(), "accepted.txt")
	if err := os.WriteFile(accept, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errs bytes.Buffer
	code := run([]string{"-ours", "testdata/ours.yaml", "-accept", accept, "testdata/upstream.json"}, &out, &errs)
	return code, out.String() + errs.String()
}

func TestAcceptedDifferencesAreCountedNotPrinted(t *testing.T) {
	text := "# A note, not a reason: no entries follow.\n\n" +
		"# The fixtures differ on purpose.\n# (A reason may take two lines.)\n" + strings.Join(fixtureDiffs[:5], "\n") + "\n" + fixtureDiffs[6] + "\n\n" +
		"# POST is ours alone.\n" + fixtureDiffs[5] + "\n"
	code, out := runAccepting(t, text)
	if code != 0 || !strings.Contains(out, "7 deliberate difference(s)") || strings.Contains(out, "GET /things") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

// TestAnEntryMatchesOnlyItsWholeLine: an entry that is a prefix or a part of
// a line of output accepts nothing (with substring matching, one entry would
// hide every difference under it, new ones included), and is stale.
func TestAnEntryMatchesOnlyItsWholeLine(t *testing.T) {
	color := fixtureDiffs[2]
	others := slices.DeleteFunc(slices.Clone(fixtureDiffs), func(d string) bool { return d == color })
	text := "# Accepted.\n" + strings.Join(others, "\n") + "\n\n" +
		"# A prefix and a part of the color line.\nGET /things response 200\n/color enum\n"
	code, out := runAccepting(t, text)
	if code != 1 {
		t.Fatalf("exit %d, want 1:\n%s", code, out)
	}
	for _, want := range []string{
		color + "\n",
		"6 deliberate difference(s)",
		":10: stale, no such difference any more: GET /things response 200 (accepted because: A prefix and a part of the color line.)\n",
		":11: stale, no such difference any more: /color enum (accepted because: A prefix and a part of the color line.)\n",
		"2 stale entry(ies)",
		"1 difference(s) between",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q in:\n%s", want, out)
		}
	}
}

// TestAStaleEntryFails: an entry whose difference is gone (upstream changed,
// or ours did) fails the run even when nothing new differs.
func TestAStaleEntryFails(t *testing.T) {
	gone := "GET /things parameter query pageSize / maximum: ours 100, upstream 10"
	code, out := runAccepting(t, "# Accepted.\n"+strings.Join(fixtureDiffs, "\n")+"\n"+gone+"\n")
	if code != 1 || !strings.Contains(out, ":9: stale, no such difference any more: "+gone) || strings.Contains(out, "difference(s) between") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
}

func TestMalformedAcceptFilesExitTwo(t *testing.T) {
	for name, text := range map[string]string{
		"no reason":            fixtureDiffs[0] + "\n",
		"reason ended":         "# Why.\n\n" + fixtureDiffs[0] + "\n",
		"reason after entries": "# Why.\n" + fixtureDiffs[0] + "\n# Why not.\n" + fixtureDiffs[1] + "\n",
		"listed twice":         "# Why.\n" + fixtureDiffs[0] + "\n\n# Again.\n" + fixtureDiffs[0] + "\n",
	} {
		if code, out := runAccepting(t, text); code != 2 || !strings.Contains(out, "accepted.txt:") {
			t.Errorf("%s: exit %d, want 2 and the line:\n%s", name, code, out)
		}
	}
}

// TestTheProjectsAcceptFileReads: make drift's accept file is well formed
// (each entry under a reason, none twice), whether or not an upstream
// description is at hand to run it against.
func TestTheProjectsAcceptFileReads(t *testing.T) {
	entries, err := readAccepted("accepted.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no entries")
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
