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

// envChild makes the test binary, run again by TestNewClientInAFreshProcess,
// time one NewClient and print it instead of running tests.
const envChild = "BROWSERUSE_BENCH_NEWCLIENT_CHILD"

func newClient() (*browseruse.Client, error) {
	return browseruse.NewClient(browseruse.WithAPIKey(benchKey), browseruse.WithBaseURL("http://127.0.0.1:1/api/v2"))
}

// TestNewClientInAFreshProcess measures the first NewClient of a process
// (decoding, parsing and checking the embedded spec, then the client) in
// child processes, since a warm benchmark loop would measure only the
// later ones; and the later ones in this process.
func TestNewClientInAFreshProcess(t *testing.T) {
	if os.Getenv(envChild) != "" {
		start := time.Now()
		if _, err := newClient(); err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		fmt.Printf("first-newclient-ns %d\n", time.Since(start).Nanoseconds())
		os.Exit(0)
	}
	var firsts []time.Duration
	for range 5 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNewClientInAFreshProcess$")
		cmd.Env = append(os.Environ(), envChild+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("child: %v\n%s", err, out)
		}
		var ns int64
		if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "first-newclient-ns %d", &ns); err != nil {
			t.Fatalf("child printed %q", out)
		}
		firsts = append(firsts, time.Duration(ns))
	}
	if _, err := newClient(); err != nil { // the spec is now loaded in this process
		t.Fatal(err)
	}
	const later = 1000
	start := time.Now()
	for range later {
		if _, err := newClient(); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("first NewClient in a fresh process: %v; later ones: %v each", firsts, time.Since(start)/later)
}
