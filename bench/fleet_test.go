//go:build load

// The fleet test runs the Pool at scale; like the load test it is built
// only with -tags load (make test runs it).

package bench_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

const (
	fleetClients      = 4
	fleetPoolSize     = 5
	fleetWorkers      = 10
	fleetTasks        = 200
	fleetCap          = 5
	fleetTaskDuration = 100 * time.Millisecond
)

// TestFleet: 4 clients that share nothing (own client, own connections,
// own Pool of 5, 10 worker goroutines each) run 200 tasks against one fake
// whose plan's cap is 5 active sessions. So the pools contend for the cap
// through 429s, as programs sharing an account do. Every task must end
// finished, none may run twice, no session may be left active, and the
// active sessions, sampled on the fake's side after every request, never
// exceed the cap. It logs the throughput as a fraction of the cap's ideal:
// 5 sessions running 100 ms tasks back to back, 4 s for 200 tasks.
func TestFleet(t *testing.T) {
	var runsMu sync.Mutex
	runs := map[string]int{} // task prompt -> times the fake ran it
	fake := browserusetest.NewFake(browserusetest.WithMaxActiveSessions(fleetCap),
		browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
			runsMu.Lock()
			runs[in.Task]++
			runsMu.Unlock()
			return browserusetest.TaskResult{Output: "done", Duration: fleetTaskDuration}
		}))
	var peak, tooMany atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusRecorder{ResponseWriter: w}
		fake.ServeHTTP(sw, r)
		if sw.status == http.StatusTooManyRequests {
			tooMany.Add(1)
		}
		// Sessions become active only inside a request; sampling after
		// each one sees every peak the fake reached.
		n := int64(fake.SessionCount(browseruse.StatusActive))
		for old := peak.Load(); n > old && !peak.CompareAndSwap(old, n); old = peak.Load() {
		}
	}))
	defer ts.Close()

	ctx := context.Background()
	var failures atomic.Int64
	var created atomic.Int64
	start := time.Now()
	var clients sync.WaitGroup
	for c := range fleetClients {
		clients.Go(func() {
			retry := browseruse.DefaultRetryPolicy()
			retry.BaseDelay, retry.MaxDelay = time.Millisecond, 10*time.Millisecond
			client, err := browseruse.NewClient(browseruse.WithAPIKey(fake.APIKey()), browseruse.WithBaseURL(ts.URL+browserusetest.BasePath),
				browseruse.WithPollInterval(5*time.Millisecond, 10*time.Millisecond), browseruse.WithRetry(retry))
			if err != nil {
				t.Error(err)
				return
			}
			pool, err := browseruse.NewPool(client, browseruse.PoolOptions{
				MaxSessions: fleetPoolSize, CapBackoff: 5 * time.Millisecond, CapBackoffMax: 50 * time.Millisecond,
			})
			if err != nil {
				t.Error(err)
				return
			}
			var next atomic.Int64
			perClient := fleetTasks / fleetClients
			var workers sync.WaitGroup
			for range fleetWorkers {
				workers.Go(func() {
					for i := next.Add(1) - 1; i < int64(perClient); i = next.Add(1) - 1 {
						task, err := pool.Run(ctx, browseruse.CreateTaskParams{Task: fmt.Sprintf("client %d task %d", c, i)})
						if err == nil && task.Status != browseruse.TaskFinished {
							err = fmt.Errorf("task %s is %s", task.ID, task.Status)
						}
						if err != nil {
							if failures.Add(1) <= 3 {
								t.Error(err)
							}
							continue
						}
						created.Add(1)
					}
				})
			}
			workers.Wait()
			if err := pool.Close(); err != nil {
				t.Error(err)
			}
		})
	}
	clients.Wait()
	elapsed := time.Since(start)

	if n := failures.Load(); n != 0 {
		t.Fatalf("%d of %d tasks failed", n, fleetTasks)
	}
	runsMu.Lock()
	defer runsMu.Unlock()
	if len(runs) != fleetTasks || created.Load() != fleetTasks {
		t.Fatalf("%d distinct tasks ran, %d finished; want %d", len(runs), created.Load(), fleetTasks)
	}
	for task, n := range runs {
		if n != 1 {
			t.Errorf("%q ran %d times", task, n)
		}
	}
	if n := fake.SessionCount(browseruse.StatusActive); n != 0 {
		t.Errorf("%d sessions left active", n)
	}
	if p := peak.Load(); p > fleetCap {
		t.Errorf("%d sessions were active at once, over the cap of %d", p, fleetCap)
	}
	ideal := time.Duration(fleetTasks/fleetCap) * fleetTaskDuration
	t.Logf("%d tasks over %d clients x Pool(%d) x %d workers, cap %d, %s tasks: %s (ideal %s): throughput %.0f%% of the cap's ideal; "+
		"peak %d active; %d sessions started; %d 429s",
		fleetTasks, fleetClients, fleetPoolSize, fleetWorkers, fleetCap, fleetTaskDuration, elapsed.Round(time.Millisecond), ideal,
		100*float64(ideal)/float64(elapsed), peak.Load(), fake.SessionCount(""), tooMany.Load())
}

// statusRecorder notes the status of an answer.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(status int) {
	w.status = status
	w.ResponseWriter.WriteHeader(status)
}
