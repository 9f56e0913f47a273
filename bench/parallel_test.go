package bench_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

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
			b.SetParallelism(parallelGoroutines / max(1, runtimeProcs()))
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

// parallelGoroutines is how many goroutines share the client.
const parallelGoroutines = 32
