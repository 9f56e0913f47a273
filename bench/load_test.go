//go:build !race

package bench_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

const (
	loadGoroutines = 32
	loadCalls      = 5000
)

// countingServer is a fresh server whose accepted connections are counted,
// with httptest.Server.Config.ConnState.
func countingServer(tb testing.TB) (*httptest.Server, *atomic.Int64) {
	tb.Helper()
	var conns atomic.Int64
	bs := &benchServer{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(bs.serve))
	ts.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			conns.Add(1)
		}
	}
	ts.Start()
	tb.Cleanup(ts.Close)
	return ts, &conns
}

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
	ts, conns := countingServer(t)
	client, err := browseruse.NewClient(browseruse.WithAPIKey(benchKey), browseruse.WithBaseURL(ts.URL+"/api/v2"))
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
	if n := conns.Load(); n > browseruse.DefaultMaxIdleConnsPerHost {
		t.Fatalf("%d connections opened, more than the %d kept idle per host: the pool churns", n, browseruse.DefaultMaxIdleConnsPerHost)
	}
	t.Logf("%d calls, %d connections", loadGoroutines*loadCalls, conns.Load())
}

// BenchmarkParallel: 32 goroutines (RunParallel with parallelism 16 on 2
// CPUs) share one client; compare ns/op of raw and facade-default for the
// throughput ratio. conns/op-run reports the connections the server saw.
func BenchmarkParallel(b *testing.B) {
	for _, name := range []string{"raw", "facade-default"} {
		b.Run("variant="+name, func(b *testing.B) {
			ts, conns := countingServer(b)
			base := ts.URL + "/api/v2"
			var c caller = newRaw(base)
			if name != "raw" {
				c = newFacade(base, browseruse.ValidationCompatible)
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
			b.ReportMetric(float64(conns.Load()), "conns")
		})
	}
}
