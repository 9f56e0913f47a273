//go:build load

// The waits' measurements (issue 16, section 4), on the fake's real clock
// at a reduced timescale (go test -tags load -run 'TestPollSchedule|TestConcurrentWaits' -v ./bench/):
// detection delay and requests per wait, RunTask against a fixed 2 s
// poller (the official SDKs'). Our schedule scales: its fixed phase is a
// count of polls, not a duration, so PollInterval(first/k, max/k) is the
// same schedule, k times faster. They assert nothing about time; they print
// the tables of bench/README.md.

package bench_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// peerInterval is the official SDKs' fixed poll.
const peerInterval = 2 * time.Second

// waitRig is a fake whose tasks start after a random delay in [0, 2 s)
// (the phase: real tasks do not end on a poll's beat) and then run for
// their duration, remembering when each ends.
type waitRig struct {
	srv   *browserusetest.Server
	scale time.Duration
	ends  sync.Map // task text -> time.Time: when it ends
}

func newWaitRig(t *testing.T, scale time.Duration, duration func() time.Duration, opts ...browserusetest.Option) *waitRig {
	r := &waitRig{scale: scale}
	run := func(in browserusetest.TaskInput) browserusetest.TaskResult {
		phase, d := rand.N(peerInterval)/scale, duration()/scale
		r.ends.Store(in.Task, time.Now().Add(phase+d))
		return browserusetest.TaskResult{Output: "ok", StartAfter: phase, Duration: d}
	}
	r.srv = browserusetest.NewServer(append([]browserusetest.Option{browserusetest.WithRequestLog(0), browserusetest.WithTaskRunner(run)}, opts...)...)
	t.Cleanup(r.srv.Close)
	return r
}

// client is ours, at the rig's timescale, counting its requests.
func (r *waitRig) client(t *testing.T, requests *atomic.Int64, opts ...browseruse.Option) *browseruse.Client {
	c, err := r.srv.Client(append([]browseruse.Option{
		browseruse.WithPollInterval(browseruse.DefaultPollFirst/r.scale, browseruse.DefaultPollMax/r.scale),
		browseruse.WithHTTPClient(countingClient(requests)),
	}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// ours runs one task with RunTask; it returns how long after the task's
// end the result came back.
func (r *waitRig) ours(ctx context.Context, c *browseruse.Client, name string, opts ...browseruse.WaitOption) (time.Duration, error) {
	if _, err := c.RunTask(ctx, browseruse.CreateTaskParams{Task: name}, opts...); err != nil {
		return 0, err
	}
	return r.since(name), nil
}

// peer runs one task as the official SDKs do: create, then a GET every 2 s
// until it ended.
func (r *waitRig) peer(ctx context.Context, c *browseruse.Client, name string, requests *atomic.Int64) (time.Duration, error) {
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: name})
	if err != nil {
		return 0, err
	}
	for {
		requests.Add(1)
		task, err := c.GetTask(ctx, created.ID)
		if err != nil {
			return 0, err
		}
		if task.Status == browseruse.TaskFinished {
			return r.since(name), nil
		}
		time.Sleep(peerInterval / r.scale)
	}
}

func (r *waitRig) since(name string) time.Duration {
	end, _ := r.ends.Load(name)
	return time.Since(end.(time.Time)) * r.scale
}

func TestPollSchedule(t *testing.T) {
	const scale, samples = 20, 25
	for _, d := range []time.Duration{7300 * time.Millisecond, 23900 * time.Millisecond, 41300 * time.Millisecond, 130700 * time.Millisecond} {
		r := newWaitRig(t, scale, func() time.Duration { return d })
		for _, who := range []string{"ours", "fixed 2 s"} {
			var requests atomic.Int64
			ours := r.client(t, &requests)
			peers, _ := r.srv.Client()
			delays := make([]time.Duration, samples)
			var wg sync.WaitGroup
			for i := range samples {
				wg.Go(func() {
					var err error
					name := fmt.Sprint(who, i)
					if who == "ours" {
						delays[i], err = r.ours(context.Background(), ours, name)
						requests.Add(-1) // the create: not a wait's request
					} else {
						delays[i], err = r.peer(context.Background(), peers, name, &requests)
					}
					if err != nil {
						t.Error(err)
					}
				})
			}
			wg.Wait()
			slices.Sort(delays)
			fmt.Printf("| %6.1f s | %-9s | %5.2f s | %5.2f s | %5.1f |\n", d.Seconds(), who,
				delays[samples/2].Seconds(), delays[samples*9/10].Seconds(), float64(requests.Load())/samples)
		}
	}
}

// TestConcurrentWaits: 200 tasks of 7 to 9 s at once, each waited for,
// ours against the fixed 2 s poller, on one fake; the time until the last
// result, and the requests spent.
func TestConcurrentWaits(t *testing.T) {
	const scale, tasks = 10, 200
	for _, who := range []string{"ours", "fixed 2 s"} {
		r := newWaitRig(t, scale, func() time.Duration { return 7*time.Second + rand.N(2*time.Second) })
		var requests atomic.Int64
		ours := r.client(t, &requests)
		peers, _ := r.srv.Client()
		start := time.Now()
		var wg sync.WaitGroup
		for i := range tasks {
			wg.Go(func() {
				var err error
				if who == "ours" {
					_, err = r.ours(context.Background(), ours, fmt.Sprint(i))
					requests.Add(-1)
				} else {
					_, err = r.peer(context.Background(), peers, fmt.Sprint(i), &requests)
				}
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		fmt.Printf("| %-9s | %5.1f s | %6.1f |\n", who, (time.Since(start) * scale).Seconds(), float64(requests.Load())/tasks)
	}
}

// TestWokenWaits: RunTask with the fake's signed webhooks delivered to a
// webhook.NewHandler whose events wake the waits (WithTaskEvents); the
// delay is on the real clock (a webhook's delivery does not scale), and
// polls are the safety net's, once a minute (scaled).
func TestWokenWaits(t *testing.T) {
	const scale, samples, secret = 20, 25, "whsec-bench"
	events := browseruse.NewTaskEvents()
	hooks := httptest.NewServer(webhook.NewHandler(secret, events.Deliver))
	defer hooks.Close()
	for _, d := range []time.Duration{7300 * time.Millisecond, 23900 * time.Millisecond, 41300 * time.Millisecond, 130700 * time.Millisecond} {
		r := newWaitRig(t, scale, func() time.Duration { return d }, browserusetest.WithWebhook(hooks.URL, secret))
		var requests atomic.Int64
		c := r.client(t, &requests, browseruse.WithTaskEvents(events))
		delays := make([]time.Duration, samples)
		var wg sync.WaitGroup
		for i := range samples {
			wg.Go(func() {
				delay, err := r.ours(context.Background(), c, fmt.Sprint(d, i), browseruse.SafetyPoll(browseruse.DefaultSafetyPoll/scale))
				if err != nil {
					t.Error(err)
				}
				delays[i] = delay / scale // real time: the webhook's path does not scale
				requests.Add(-1)
			})
		}
		wg.Wait()
		slices.Sort(delays)
		fmt.Printf("| %6.1f s | %6.1f ms | %6.1f ms | %5.1f |\n", d.Seconds(),
			float64(delays[samples/2].Microseconds())/1000, float64(delays[samples*9/10].Microseconds())/1000, float64(requests.Load())/samples)
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
