//go:build load

// The poll schedule's measurement (issue 16, section 4): detection delay
// and requests per wait, ours against a fixed 2 s poller (the official
// SDKs'), on the fake's real clock at a timescale of 1/50 (go test -tags
// load -run TestPollSchedule -v ./bench/). Our schedule scales: its fixed
// phase is a count of polls, not a duration, so PollInterval(first/50,
// max/50) is the same schedule, 50 times faster. It asserts nothing about
// time; it prints the table of bench/README.md.

package bench_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

const scheduleScale = 50

func TestPollSchedule(t *testing.T) {
	durations := []time.Duration{7300 * time.Millisecond, 23900 * time.Millisecond, 41300 * time.Millisecond, 130700 * time.Millisecond}
	const samples = 21
	for _, d := range durations {
		scaled := d / scheduleScale
		srv := browserusetest.NewServer(browserusetest.WithRequestLog(0), browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
			return browserusetest.TaskResult{Output: "ok", Duration: scaled}
		}))
		c, err := srv.Client()
		if err != nil {
			t.Fatal(err)
		}
		for _, who := range []string{"ours", "fixed 2 s"} {
			var mu sync.Mutex
			var delays []time.Duration
			var requests atomic.Int64
			var wg sync.WaitGroup
			for range samples {
				wg.Go(func() {
					ctx := context.Background()
					created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t"})
					if err != nil {
						t.Error(err)
						return
					}
					end := time.Now().Add(scaled)
					time.Sleep(rand.N(2 * time.Second / scheduleScale)) // the start phase
					if who == "ours" {
						counting, _ := srv.Client(browseruse.WithPollInterval(browseruse.DefaultPollFirst/scheduleScale, browseruse.DefaultPollMax/scheduleScale),
							browseruse.WithHTTPClient(countingClient(&requests)))
						if _, err := counting.WaitForTask(ctx, created.ID); err != nil {
							t.Error(err)
						}
					} else {
						for {
							requests.Add(1)
							task, err := c.GetTask(ctx, created.ID)
							if err != nil {
								t.Error(err)
								return
							}
							if task.Status == browseruse.TaskFinished {
								break
							}
							time.Sleep(2 * time.Second / scheduleScale)
						}
					}
					mu.Lock()
					delays = append(delays, time.Since(end))
					mu.Unlock()
				})
			}
			wg.Wait()
			slices.Sort(delays)
			fmt.Printf("| %6.1f s | %-9s | %5.2f s | %5.1f |\n", d.Seconds(), who,
				(delays[len(delays)/2] * scheduleScale).Seconds(), float64(requests.Load())/samples)
		}
		srv.Close()
	}
}

// countingClient counts the requests sent through it.
func countingClient(n *atomic.Int64) *http.Client {
	return &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		n.Add(1)
		return http.DefaultTransport.RoundTrip(r)
	})}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
