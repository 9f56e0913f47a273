//go:build !race

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
// Not built with -race: the race detector makes it take 30 s; make test
// runs it without.
func TestLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("160,000 calls")
	}
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

// BenchmarkParallel: 32 goroutines (RunParallel with parallelism 16 on 2
// CPUs) share one client; compare ns/op of raw and facade-default for the
// throughput ratio. conns/op-run reports the connections the server saw.
func BenchmarkParallel(b *testing.B) {
	for _, name := range []string{"raw", "facade-default"} {
		b.Run("variant="+name, func(b *testing.B) {
			srv := server()
			before := srv.conns.Load()
			var c caller = newRaw(srv.base)
			if name != "raw" {
				c = newFacade(srv.base, browseruse.ValidationCompatible)
			}
			ctx := context.Background()
			var failures atomic.Int64
			b.SetParallelism(loadGoroutines / max(1, runtimeProcs()))
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.create(ctx); err != nil {
						failures.Add(1)
					}
				}
			})
			b.StopTimer()
			if n := failures.Load(); n != 0 {
				b.Fatalf("%d calls failed", n)
			}
			b.ReportMetric(float64(srv.conns.Load()-before), "conns")
		})
	}
}
