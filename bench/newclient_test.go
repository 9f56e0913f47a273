package bench_test

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// envChild makes the test binary, started again by BenchmarkNewClient,
// time one NewClient, print it and exit (see TestMain).
const envChild = "BROWSERUSE_BENCH_NEWCLIENT_CHILD"

func newClient() (*browseruse.Client, error) {
	return browseruse.NewClient(browseruse.WithAPIKey(benchKey), browseruse.WithBaseURL("http://127.0.0.1:1/api/v2"))
}

// firstNewClientChild is the child's work: the first NewClient of its
// process (decoding, parsing and checking the embedded spec, then the client).
func firstNewClientChild() int {
	start := time.Now()
	if _, err := newClient(); err != nil {
		fmt.Println("error:", err)
		return 1
	}
	fmt.Printf("first-newclient-ns %d\n", time.Since(start).Nanoseconds())
	return 0
}

// BenchmarkNewClient: "first" is the first NewClient of a fresh process,
// measured in a child process per iteration (a warm loop would measure
// only the later ones) and reported as first-ns/op; "later" is every
// NewClient after it, which reuses the loaded spec.
func BenchmarkNewClient(b *testing.B) {
	b.Run("first", func(b *testing.B) {
		var total time.Duration
		for b.Loop() {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), envChild+"=1")
			out, err := cmd.CombinedOutput()
			if err != nil {
				b.Fatalf("child: %v\n%s", err, out)
			}
			var ns int64
			if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "first-newclient-ns %d", &ns); err != nil {
				b.Fatalf("child printed %q", out)
			}
			total += time.Duration(ns)
		}
		b.ReportMetric(float64(total.Nanoseconds())/float64(b.N), "first-ns/op")
	})
	b.Run("later", func(b *testing.B) {
		if _, err := newClient(); err != nil { // the spec is loaded in this process
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := newClient(); err != nil {
				b.Fatal(err)
			}
		}
	})
}
