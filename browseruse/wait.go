package browseruse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
)

// Defaults of WaitForTask and RunTask.
const (
	// DefaultPollFirst is the wait between two status polls for the first
	// pollFixedPolls polls (a minute, at 1.5 s): a median detection delay
	// under 1 s for tasks of up to a minute.
	DefaultPollFirst = 1500 * time.Millisecond
	// DefaultPollMax is the longest wait between two status polls, reached
	// by growing 1.5x per poll after the fixed ones: a median detection
	// delay of about 2.5 s for long tasks, and fewer requests than a fixed
	// 2 s poll from about a minute and a half on.
	DefaultPollMax = 5 * time.Second
	// pollFixedPolls is how many polls keep the first interval before the
	// waits grow; a count, not a duration, so the schedule scales with first.
	pollFixedPolls = 40
	// maxPollFailures ends a wait after this many polls in a row failed,
	// even with errors that retrying can cure (a 503, a reset connection).
	maxPollFailures = 10
)

// WaitOption configures WaitForTask and RunTask.
type WaitOption func(*waitConfig)

type waitConfig struct {
	first, max   time.Duration
	stopOnCancel bool
	secrets      []string    // the task's, masked in a TaskError's reason (RunTask knows them)
	justCreated  bool        // RunTask's: the task cannot have ended yet, so the first poll waits too
	events       *TaskEvents // nil: polls only
	safetyPoll   time.Duration
}

// PollInterval sets the first and the longest wait between two status
// polls: the first 40 waits are first, each later one 1.5 times the one
// before, up to longest, all with up to 20 % jitter (at the default 1.5 s,
// a fixed poll for about a minute, then growing to 5 s). The default is the client's (WithPollInterval), else
// DefaultPollFirst growing to DefaultPollMax.
// A first of 0 or less keeps the default; a longest below first is first.
func PollInterval(first, longest time.Duration) WaitOption {
	return func(c *waitConfig) {
		if first > 0 {
			c.first = first
		}
		c.max = max(longest, c.first)
	}
}

// StopTaskOnCancel says whether a wait whose context ends also stops the
// task (with a context of its own, bounded by WithStopTimeout). The default
// is false for WaitForTask, which only watches, and true for RunTask, which
// started the task: a task nobody waits for would run on, and bill.
func StopTaskOnCancel(stop bool) WaitOption {
	return func(c *waitConfig) { c.stopOnCancel = stop }
}

// WakeOn has the wait woken by events's task events (see TaskEvents),
// overriding the client's (WithTaskEvents); nil makes the wait poll only.
func WakeOn(events *TaskEvents) WaitOption {
	return func(c *waitConfig) { c.events = events }
}

// SafetyPoll sets the wait between two polls while task events are
// arriving (see TaskEvents); the default is DefaultSafetyPoll, a minute.
// A d of 0 or less keeps it.
func SafetyPoll(d time.Duration) WaitOption {
	return func(c *waitConfig) {
		if d > 0 {
			c.safetyPoll = d
		}
	}
}

func (c *Client) newWaitConfig(stopOnCancel bool, opts []WaitOption) waitConfig {
	cfg := waitConfig{first: c.pollFirst, max: c.pollMax, stopOnCancel: stopOnCancel, events: c.events, safetyPoll: DefaultSafetyPoll}
	for _, opt := range opts {
		if opt != nil {
			opt(&cfg)
		}
	}
	return cfg
}

// WaitForTask polls a task's status (GetTaskStatus, the light view) until
// the task ends, then returns it in full. A finished task is returned as
// is (its IsSuccess says whether the agent judged it a success); a failed
// or stopped one gives a *TaskError carrying it, matching ErrTaskFailed or
// ErrTaskStopped.
//
// Polls come every 1.5 s for about a minute, then back off to 5 s (see
// PollInterval). A poll that fails
// with an error the retry table retries (5xx, 429, a lost connection) is
// retried by the client and then, if it still fails, by the next poll:
// the wait goes on, up to 10 failed polls in a row. Other errors (the task
// does not exist, the key is wrong) end the wait. The context's end ends
// the wait at once; see StopTaskOnCancel. The wait runs in the caller's
// goroutine and starts none of its own.
func (c *Client) WaitForTask(ctx context.Context, taskID string, opts ...WaitOption) (*Task, error) {
	return c.waitForTask(ctx, "WaitForTask", taskID, c.newWaitConfig(false, opts))
}

// RunTask creates a task and waits for it to end (CreateTask, then
// WaitForTask); if ctx ends first, the task is stopped unless
// StopTaskOnCancel(false) is given. Without p.SessionID the service starts
// a session for the task; stop it when done (it bills while active), or
// set SessionSettings and stop it with StopSession.
func (c *Client) RunTask(ctx context.Context, p CreateTaskParams, opts ...WaitOption) (*Task, error) {
	created, err := c.CreateTask(ctx, p)
	if err != nil {
		return nil, err
	}
	cfg := c.newWaitConfig(true, opts)
	cfg.secrets = p.secrets()
	cfg.justCreated = true
	return c.waitForTask(ctx, "RunTask", created.ID, cfg)
}

// next is the wait after poll number polls (from 1), given the wait
// before it: first for the first pollFixedPolls polls, then 1.5 times the
// one before, up to max.
func (cfg waitConfig) next(polls int, delay time.Duration) time.Duration {
	if polls >= pollFixedPolls {
		return min(delay*3/2, cfg.max)
	}
	return delay
}

func (c *Client) waitForTask(ctx context.Context, method, taskID string, cfg waitConfig) (*Task, error) {
	pace := c.newPacer(cfg, taskID, true)
	defer pace.stop()
	woken := false
	if cfg.justCreated { // a task just created has not ended: the first poll waits too
		var err error
		if woken, err = pace.sleep(ctx); err != nil {
			return nil, c.cancelWait(ctx, method, taskID, cfg)
		}
	}
	for {
		status, task, err := c.pollTask(ctx, taskID, woken)
		retry := false // the confirming GET failed: repeat it at the usual pace
		switch {
		case err == nil:
			pace.failures = 0
			if isTerminal(status) && task != nil {
				return c.endedTask(task, status, cfg.secrets)
			}
			if isTerminal(status) { // the status view says it ended: the full task, now
				woken = true
				continue
			}
			if woken {
				pace.distrust()
			}
		case ctx.Err() != nil:
			return nil, c.cancelWait(ctx, method, taskID, cfg)
		case pace.rideOut(err):
			retry = woken
			c.logger.LogAttrs(ctx, slog.LevelInfo, "browseruse: a status poll failed; the wait goes on",
				slog.String("operation", method), slog.String("task_id", taskID), slog.Int("failures", pace.failures), slog.String("error", err.Error()))
		default:
			return nil, err // it names the operation and the task's fate (ErrTaskNotFound, ...)
		}
		if retry {
			pace.hurry()
		}
		if woken, err = pace.sleep(ctx); err != nil {
			return nil, c.cancelWait(ctx, method, taskID, cfg)
		}
		woken = woken || retry
	}
}

// pollTask reads a task's status: the light status view, or, when an event
// or the status view said the task ended, the full task (the one GET that
// confirms it and is the wait's result; one that fails is retried as any
// poll).
func (c *Client) pollTask(ctx context.Context, taskID string, full bool) (TaskStatus, *Task, error) {
	if full {
		task, err := c.GetTask(ctx, taskID)
		if err != nil {
			return "", nil, err
		}
		return task.Status, task, nil
	}
	st, err := c.GetTaskStatus(ctx, taskID)
	if err != nil {
		return "", nil, err
	}
	return st.Status, nil, nil
}

// endedTask returns an ended task, or its TaskError.
func (c *Client) endedTask(task *Task, status TaskStatus, secrets []string) (*Task, error) {
	if status == TaskFailed || status == TaskStopped {
		return nil, &TaskError{Task: task, Status: status, secrets: append(secrets, c.apiKey)}
	}
	return task, nil
}

// pacer paces one wait's polls: the schedule (waitConfig.next) with jitter
// on one reused timer, woken early by a task event when the client has
// TaskEvents (WithTaskEvents), and slowed to the safety poll while events
// are arriving.
type pacer struct {
	cfg     waitConfig
	delay   time.Duration // the schedule's next wait
	polls   int
	timer   *time.Timer
	sub     *taskSubscription // nil without TaskEvents
	trusted bool              // false once a woken poll found the task still running
	hurried bool              // the next sleep is the schedule's, not the safety poll's
	// failures counts the polls in a row that failed (reset by the caller
	// on a success); see rideOut.
	failures int
}

// rideOut reports whether the wait goes on after a failed poll: the
// failure is one retrying can cure (isTransient), and not the
// maxPollFailures-th in a row. It counts the failure.
func (p *pacer) rideOut(err error) bool {
	if !isTransient(err) || p.failures+1 >= maxPollFailures {
		return false
	}
	p.failures++
	return true
}

// newPacer starts pacing a wait for taskID. With safetyNet, the waits
// stretch to the safety poll while events arrive (a wait for the task's
// end, which an event brings); without, events only cut them short
// (TaskSteps: no event brings steps).
func (c *Client) newPacer(cfg waitConfig, taskID string, safetyNet bool) *pacer {
	p := &pacer{cfg: cfg, delay: cfg.first, trusted: safetyNet}
	if cfg.events != nil {
		p.sub = cfg.events.subscribe(taskID)
	}
	return p
}

// stop releases the pacer's timer and subscription.
func (p *pacer) stop() {
	if p.timer != nil {
		p.timer.Stop()
	}
	if p.sub != nil {
		p.sub.unsubscribe()
	}
}

// distrust makes the pacer keep the usual schedule: an event said the task
// ended, and the task said otherwise.
func (p *pacer) distrust() { p.trusted = false }

// hurry makes the next sleep the schedule's, whatever the events: a poll
// an event asked for failed, and is repeated as soon as polling alone would.
func (p *pacer) hurry() { p.hurried = true }

// sleep waits for the next poll: the schedule's wait (the safety poll's
// while events are arriving), cut short by an event that says the task
// ended (woken is then true), or by ctx's end (err is then its cause).
func (p *pacer) sleep(ctx context.Context) (woken bool, err error) {
	p.polls++
	wait := jitter(p.delay)
	var ended <-chan struct{}
	if p.sub != nil {
		ended = p.sub.ended
		if p.trusted && !p.hurried && p.sub.live() {
			wait = max(wait, p.cfg.safetyPoll)
		}
	}
	p.hurried = false
	p.delay = p.cfg.next(p.polls, p.delay)
	if p.timer == nil {
		p.timer = time.NewTimer(wait)
	} else {
		p.timer.Reset(wait)
	}
	select {
	case <-ctx.Done():
		p.timer.Stop()
		return false, context.Cause(ctx)
	case <-ended:
		p.timer.Stop()
		return true, nil
	case <-p.timer.C:
		return false, nil
	}
}

// cancelWait ends a wait whose context ended, stopping the task if asked.
func (c *Client) cancelWait(ctx context.Context, method, taskID string, cfg waitConfig) error {
	err := fmt.Errorf("browseruse: %s: task %s: the wait ended: %w", method, taskID, context.Cause(ctx))
	if !cfg.stopOnCancel {
		return err
	}
	stopCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.stopTO)
	defer cancel()
	if _, stopErr := c.StopTask(stopCtx, taskID); stopErr != nil && !errors.Is(stopErr, ErrTaskNotFound) {
		c.logger.LogAttrs(stopCtx, slog.LevelWarn, "browseruse: a task could not be stopped and may still be running",
			slog.String("task_id", taskID), slog.String("error", stopErr.Error()))
		return errors.Join(err, fmt.Errorf("stopping task %s: %w", taskID, stopErr))
	}
	return err
}

// isTerminal reports whether a task in this state has ended.
func isTerminal(s TaskStatus) bool {
	return s == TaskFinished || s == TaskFailed || s == TaskStopped
}

// isTransient reports whether a failed poll may succeed if repeated: the
// failures the retry table retries for idempotent operations.
func isTransient(err error) bool {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return retryableStatus[apiErr.StatusCode]
	}
	var te *TransportError
	return errors.As(err, &te) && !errors.Is(err, ErrResponseTooLarge) && !errors.Is(err, ErrCrossOriginRedirect)
}

// jitter spreads a wait by up to 20 % either way, so that many waits do
// not poll in step.
func jitter(d time.Duration) time.Duration {
	spread := d / 5
	if spread <= 0 {
		return d
	}
	return d - spread + rand.N(2*spread+1)
}

// TaskError is a task that ended without finishing: it failed (matches
// ErrTaskFailed) or was stopped (ErrTaskStopped). Task holds it in full,
// with its steps and output.
type TaskError struct {
	// Task is the task as it ended.
	Task *Task
	// Status is TaskFailed or TaskStopped.
	Status TaskStatus

	secrets []string // masked in the reason
}

// reasonCap bounds the reason quoted in TaskError's message.
const reasonCap = 200

// Error names the task, how it ended and why, as far as the task says: its
// output, else its last step's evaluation or goal, on one line and cut at
// 200 characters. The agent's words may quote what it typed: RunTask masks
// the task's secrets in them; WaitForTask, which does not know them, cannot.
func (e *TaskError) Error() string {
	msg := fmt.Sprintf("browseruse: task %s %s", e.Task.ID, e.Status)
	if reason := e.reason(); reason != "" {
		msg += ": " + reason
	}
	return msg + " (see TaskError.Task for its steps and output)"
}

func (e *TaskError) reason() string {
	r := strings.TrimSpace(Deref(e.Task.Output))
	if r == "" && len(e.Task.Steps) > 0 {
		last := e.Task.Steps[len(e.Task.Steps)-1]
		r = strings.TrimSpace(last.EvaluationPreviousGoal)
		if r == "" {
			r = strings.TrimSpace(last.NextGoal)
		}
		if r != "" {
			r = fmt.Sprintf("step %d: %s", last.Number, r)
		}
	}
	for _, s := range e.secrets {
		if s != "" {
			r = strings.ReplaceAll(r, s, "[REDACTED]")
		}
	}
	r = strings.Join(strings.Fields(r), " ")
	if runes := []rune(r); len(runes) > reasonCap {
		r = string(runes[:reasonCap]) + "..."
	}
	return r
}

// Is matches ErrTaskFailed or ErrTaskStopped.
func (e *TaskError) Is(target error) bool {
	return target == ErrTaskFailed && e.Status == TaskFailed || target == ErrTaskStopped && e.Status == TaskStopped
}
