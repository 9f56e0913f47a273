//go:build load && !race

// The load test makes 160,000 calls: it is built only with -tags load
// (make test runs it), so that go test ./... stays quick, and never with
// -race, which makes it take 30 s.

package bench_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

const (
	loadGoroutines = 32
	loadCalls      = 5000
)

// TestLoad: 32 goroutines share one client and make 5,000 calls each.
// Every call must succeed, and the client must not open more connections
// than its transport keeps idle per host: then no connection was closed for
// lack of idle room, none was churned. (net/http may dial one more than
// the goroutines while a finished connection is on its way back to the
// pool; the idle limit, not the goroutine count, is the bound.)
func TestLoad(t *testing.T) {
	srv := server()
	before := srv.conns.Load()
	client, err := browseruse.NewClient(browseruse.WithAPIKey(benchKey), browseruse.WithBaseURL(srv.base))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var failures atomic.Int64
	var wg sync.WaitGroup
	for range loadGoroutines {
		wg.Go(func() {
			for range loadCalls {
				if _, err := client.CreateSession(ctx, createParams); err != nil {
					if failures.Add(1) == 1 {
						t.Error(err)
					}
				}
			}
		})
	}
	wg.Wait()
	if n := failures.Load(); n != 0 {
		t.Fatalf("%d of %d calls failed", n, loadGoroutines*loadCalls)
	}
	if n := srv.conns.Load() - before; n > maxIdleConnsPerHost {
		t.Fatalf("%d connections opened, more than the %d kept idle per host: the pool churns", n, maxIdleConnsPerHost)
	}
	t.Logf("%d calls, %d connections", loadGoroutines*loadCalls, srv.conns.Load()-before)
}
