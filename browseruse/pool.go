package browseruse

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// ErrPoolClosed: the pool was closed; it runs no more tasks.
var ErrPoolClosed = errors.New("browseruse: the pool is closed")

// Defaults of PoolOptions.
const (
	// DefaultCapBackoff is the first wait before a pool creates a session
	// again after ErrTooManyConcurrentSessions.
	DefaultCapBackoff = time.Second
	// DefaultCapBackoffMax is the longest such wait.
	DefaultCapBackoffMax = 30 * time.Second
	// maxSessionMoves bounds how often one task moves to another session
	// because the one it was given had stopped, vanished or was busy
	// before the task was created in it.
	maxSessionMoves = 3
)

// PoolOptions configures NewPool.
type PoolOptions struct {
	// MaxSessions is the most sessions the pool keeps active at once (idle
	// ones included): the plan's cap on concurrently active sessions, or
	// less when other programs share the account. It must be at least 1.
	MaxSessions int
	// Session is what every session of the pool is created with. Its
	// KeepAlive is set by the pool: true when sessions are reused (a
	// session must outlive its task), false with FreshSessions (the service
	// then ends the session with its task even if this program dies).
	Session CreateSessionParams
	// FreshSessions starts a new session for every task and stops it when
	// the task ends, for work that must not share browser state (cookies,
	// logins, open tabs). By default a session that ran a task runs the
	// next one, which saves its start-up.
	FreshSessions bool
	// CapBackoff and CapBackoffMax are the first and the longest wait
	// before the pool creates a session again after a 429 "too many
	// concurrent active sessions", which means that other programs (or
	// sessions left over) hold the rest of the plan's cap: each wait is
	// twice the one before, with jitter, until the context ends.
	// 0 means DefaultCapBackoff and DefaultCapBackoffMax.
	CapBackoff, CapBackoffMax time.Duration
}

// Pool runs tasks over at most MaxSessions sessions, the plan's cap on
// concurrently active sessions, so that its tasks wait for a session
// instead of failing with ErrTooManyConcurrentSessions:
//
//   - a task takes an idle session of the pool, else starts one if the
//     pool has fewer than MaxSessions, else waits for one to be free;
//   - a session that finished a task runs the next one (see FreshSessions);
//   - a session found stopped or gone when a task is to be created in it
//     (ErrSessionStopped, ErrSessionNotFound), or busy, is dropped and the
//     task moves to another session; one whose task was stopped by someone
//     other than the pool, or whose wait failed, is stopped and replaced;
//   - a 429 on create (the cap is held by others sharing the account) is a
//     wait with backoff (CapBackoff), not an error;
//   - the context of Run ends its wait for a session, or stops its task.
//
// A create whose outcome is unknown (ErrOutcomeUnknown: a session may have
// been started and be billing, but the pool has no id to stop it by) is
// not retried: that task gets the error, a Warn is logged, and Close
// reports it, so that it is never silent; list the active sessions, or
// call StopActiveSessions when the account is this program's alone.
//
// Close stops every session the pool started. A Pool is safe for
// concurrent use; it starts no goroutine of its own (RunAll starts
// MaxSessions while it runs).
type Pool struct {
	c    *Client
	opts PoolOptions
	done chan struct{} // closed by Close

	mu      sync.Mutex
	closed  bool
	alive   int             // sessions started or being started, not yet stopped by the pool
	idle    []string        // sessions ready for a task, the most recently used last
	owned   map[string]bool // every session started and not known to be stopped
	unknown []error         // creates with an unknown outcome
	changed chan struct{}   // closed (and replaced) when a session frees up or the pool closes
}

// NewPool returns a pool that runs tasks with client over at most
// opts.MaxSessions sessions. It starts no session until a task needs one.
func NewPool(client *Client, opts PoolOptions) (*Pool, error) {
	if client == nil {
		return nil, errors.New("browseruse: NewPool: the client is nil")
	}
	if opts.MaxSessions < 1 {
		return nil, fmt.Errorf("browseruse: NewPool: MaxSessions is %d, must be at least 1", opts.MaxSessions)
	}
	if opts.CapBackoff < 0 || opts.CapBackoffMax < 0 {
		return nil, errors.New("browseruse: NewPool: backoffs must not be negative")
	}
	if opts.CapBackoff == 0 {
		opts.CapBackoff = DefaultCapBackoff
	}
	if opts.CapBackoffMax == 0 {
		opts.CapBackoffMax = max(DefaultCapBackoffMax, opts.CapBackoff)
	}
	opts.CapBackoffMax = max(opts.CapBackoffMax, opts.CapBackoff)
	opts.Session.KeepAlive = Ptr(!opts.FreshSessions)
	return &Pool{
		c: client, opts: opts, done: make(chan struct{}),
		owned: map[string]bool{}, changed: make(chan struct{}),
	}, nil
}

// Run runs one task in a session of the pool and waits for it to end, as
// Client.RunTask does: a finished task is returned, a failed or stopped one
// is a *TaskError. It first waits for a session (see Pool). p.SessionID
// must be empty: the pool picks the session. When ctx ends, a task
// waiting for a session returns at once and a running one is stopped (its
// session too: the pool replaces it). A task that ran is never run again;
// one that could not be created in its session (stopped, gone, busy) moves
// to another, up to 3 times.
//
// Run blocks; call it from as many goroutines as you like, or use RunAll.
func (p *Pool) Run(ctx context.Context, params CreateTaskParams, opts ...WaitOption) (*Task, error) {
	if params.SessionID != "" {
		return nil, fmt.Errorf("%w: Pool.Run: SessionID is set; the pool picks the session", ErrInvalidParams)
	}
	for moves := 0; ; moves++ {
		id, err := p.session(ctx)
		if err != nil {
			return nil, err
		}
		params.SessionID = id
		created, err := p.c.CreateTask(ctx, params)
		if err != nil {
			moved := errors.Is(err, ErrSessionStopped) || errors.Is(err, ErrSessionNotFound) || errors.Is(err, ErrSessionBusy)
			switch {
			case moved && moves < maxSessionMoves && ctx.Err() == nil:
				p.log(ctx, slog.LevelInfo, "browseruse: Pool: a session cannot take a task; replacing it", id, err)
				p.retire(ctx, id)
				continue
			case errors.Is(err, ErrOutcomeUnknown) || ctx.Err() != nil || moved:
				// The task may run in it: stopping the session stops the task.
				p.retire(ctx, id)
			default: // refused (invalid parameters, say): the session is fine
				p.release(ctx, id)
			}
			return nil, err
		}
		cfg := p.c.newWaitConfig(true, opts)
		cfg.secrets = params.secrets()
		task, err := p.c.waitForTask(ctx, "Pool.Run", created.ID, cfg)
		var taskErr *TaskError
		switch {
		case p.opts.FreshSessions:
			p.retire(ctx, id)
		case err == nil, errors.As(err, &taskErr) && taskErr.Status == TaskFailed:
			p.release(ctx, id) // the agent failed, the browser is fine
		default:
			// Stopped by someone else (a stopped session stops its task), a
			// wait that failed, or a cancelled one: the session may be gone,
			// or still running the task; replace it.
			p.retire(ctx, id)
		}
		return task, err
	}
}

// Result is the outcome of one task of RunAll.
type Result struct {
	// Index is the task's index in the slice given to RunAll.
	Index int
	// Task is the finished task, or nil when Err is set.
	Task *Task
	// Err is Run's error: a *TaskError for a task that failed or was
	// stopped (it holds the task), the context's error for one that never
	// started.
	Err error
}

// RunAll runs the tasks over the pool's sessions, MaxSessions at a time,
// and yields each one's Result as it ends (in that order, not the
// slice's; Index says which task it is). Every task yields exactly one
// Result: when ctx ends, the tasks not yet started yield the context's
// error and the running ones are stopped. Breaking out of the loop cancels
// the rest the same way; RunAll returns once they ended, leaving no
// goroutine behind. Sessions stay in the pool for the next tasks: Close it
// when done.
func (p *Pool) RunAll(ctx context.Context, tasks []CreateTaskParams, opts ...WaitOption) iter.Seq[Result] {
	return func(yield func(Result) bool) {
		ctx, cancel := context.WithCancel(ctx)
		defer cancel()
		results := make(chan Result)
		stop := make(chan struct{}) // closed when the loop broke
		var next atomic.Int64
		var wg sync.WaitGroup
		for range min(p.opts.MaxSessions, len(tasks)) {
			wg.Go(func() {
				for {
					i := int(next.Add(1) - 1)
					if i >= len(tasks) {
						return
					}
					task, err := p.Run(ctx, tasks[i], opts...)
					select {
					case results <- Result{Index: i, Task: task, Err: err}:
					case <-stop:
						return
					}
				}
			})
		}
		go func() {
			wg.Wait()
			close(results)
		}()
		for r := range results {
			if !yield(r) {
				close(stop)
				cancel()
				for range results { // wait for the workers: their tasks are being stopped
				}
				return
			}
		}
	}
}

// Close stops every session the pool started, idle or running a task (a
// running task is stopped with its session), and returns an error naming
// each session it could not stop, joined with an ErrOutcomeUnknown error
// for each create whose outcome was unknown (a session may have been
// started there that the pool never knew). Each stop has the client's stop
// timeout (WithStopTimeout). After Close, Run returns ErrPoolClosed, and a
// Run that is still going stops its session when it returns. Calling
// Close again stops what the last call could not.
func (p *Pool) Close() error {
	p.mu.Lock()
	if !p.closed {
		p.closed = true
		close(p.done)
		p.broadcastLocked()
	}
	ids := make([]string, 0, len(p.owned))
	for id := range p.owned {
		ids = append(ids, id)
	}
	p.idle = nil
	unknown := p.unknown
	p.unknown = nil
	p.mu.Unlock()

	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Go(func() { errs[i] = p.stop(context.Background(), id) })
	}
	wg.Wait()
	return errors.Join(append(errs, unknown...)...)
}

// session returns a session for one task: an idle one, a new one, or,
// when the pool has MaxSessions, the first that frees up.
func (p *Pool) session(ctx context.Context) (string, error) {
	reserved := false // this call counts in alive: it may create a session
	unreserve := func() {
		if reserved {
			p.alive--
			p.broadcastLocked()
		}
	}
	backoff := p.opts.CapBackoff
	for {
		p.mu.Lock()
		if p.closed {
			unreserve()
			p.mu.Unlock()
			return "", fmt.Errorf("browseruse: Pool.Run: %w", ErrPoolClosed)
		}
		if ctx.Err() != nil {
			unreserve()
			p.mu.Unlock()
			return "", fmt.Errorf("browseruse: Pool.Run: waiting for a session: %w", context.Cause(ctx))
		}
		if n := len(p.idle); n > 0 {
			id := p.idle[n-1]
			p.idle = p.idle[:n-1]
			unreserve()
			p.mu.Unlock()
			p.log(ctx, slog.LevelDebug, "browseruse: Pool: reusing a session", id, nil)
			return id, nil
		}
		if !reserved && p.alive < p.opts.MaxSessions {
			p.alive++
			reserved = true
		}
		changed := p.changed
		p.mu.Unlock()

		if !reserved {
			if err := p.wait(ctx, changed, nil); err != nil {
				return "", err
			}
			continue
		}
		// The create is not cancelled with ctx: cancelled once sent, it
		// would leave a session started (and billing) without its id. It is
		// bounded by the client's attempt timeout instead.
		s, err := p.c.CreateSession(context.WithoutCancel(ctx), p.opts.Session)
		switch {
		case err == nil:
			p.mu.Lock()
			p.owned[s.ID] = true
			reserved = false // it is alive now
			closed := p.closed
			if closed {
				p.alive--
			}
			p.mu.Unlock()
			if closed {
				return "", errors.Join(fmt.Errorf("browseruse: Pool.Run: %w", ErrPoolClosed), p.stop(ctx, s.ID))
			}
			p.log(ctx, slog.LevelDebug, "browseruse: Pool: started a session", s.ID, nil)
			if ctx.Err() != nil { // keep it for the next task
				p.release(ctx, s.ID)
				return "", fmt.Errorf("browseruse: Pool.Run: waiting for a session: %w", context.Cause(ctx))
			}
			return s.ID, nil
		case errors.Is(err, ErrTooManyConcurrentSessions):
			// Others hold the cap. Wait, unless a session of ours frees up.
			wait := jitter(backoff)
			p.c.logger.LogAttrs(ctx, slog.LevelInfo, "browseruse: Pool: the plan's cap is held by other sessions; waiting",
				slog.Duration("wait", wait))
			timer := time.NewTimer(wait)
			err := p.wait(ctx, changed, timer.C)
			timer.Stop()
			if err != nil {
				p.mu.Lock()
				unreserve()
				p.mu.Unlock()
				return "", err
			}
			backoff = min(2*backoff, p.opts.CapBackoffMax)
		default:
			p.mu.Lock()
			unreserve()
			if errors.Is(err, ErrOutcomeUnknown) {
				p.unknown = append(p.unknown, fmt.Errorf("browseruse: Pool: a session create at %s: %w",
					time.Now().UTC().Format(time.RFC3339), err))
			}
			p.mu.Unlock()
			if errors.Is(err, ErrOutcomeUnknown) {
				p.c.logger.LogAttrs(ctx, slog.LevelWarn, "browseruse: Pool: a session may have been started and be billing, with no id to stop it by",
					slog.String("error", err.Error()))
			}
			return "", err
		}
	}
}

// wait blocks until the pool changes, timer fires, ctx ends or the pool
// closes; only the last two are errors.
func (p *Pool) wait(ctx context.Context, changed <-chan struct{}, timer <-chan time.Time) error {
	select {
	case <-changed:
	case <-timer:
	case <-p.done:
		return fmt.Errorf("browseruse: Pool.Run: %w", ErrPoolClosed)
	case <-ctx.Done():
		return fmt.Errorf("browseruse: Pool.Run: waiting for a session: %w", context.Cause(ctx))
	}
	return nil
}

// release gives a session back for the next task, or stops it when the
// pool is closed.
func (p *Pool) release(ctx context.Context, id string) {
	p.mu.Lock()
	if !p.closed {
		p.idle = append(p.idle, id)
		p.broadcastLocked()
		p.mu.Unlock()
		return
	}
	p.alive--
	p.mu.Unlock()
	_ = p.stop(ctx, id) // logged; Close reports it if called again
}

// retire stops a session and frees its place for a new one.
func (p *Pool) retire(ctx context.Context, id string) {
	_ = p.stop(ctx, id) // logged; Close retries it
	p.mu.Lock()
	p.alive--
	p.broadcastLocked()
	p.mu.Unlock()
}

// stop stops a session (already stopped or gone is success) and forgets
// it; one that would not stop stays owned, for Close.
func (p *Pool) stop(ctx context.Context, id string) error {
	if err := p.c.StopOnExit(ctx, id); err != nil { // logs at Warn
		return err
	}
	p.mu.Lock()
	delete(p.owned, id)
	p.mu.Unlock()
	return nil
}

func (p *Pool) broadcastLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

func (p *Pool) log(ctx context.Context, level slog.Level, msg, sessionID string, err error) {
	attrs := []slog.Attr{slog.String("session_id", sessionID)}
	if err != nil {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	p.c.logger.LogAttrs(ctx, level, msg, attrs...)
}
