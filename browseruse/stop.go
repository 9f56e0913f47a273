package browseruse

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
)

// stoppable is a resource that bills until stopped (sessions, browsers),
// as the stop helpers below list and stop it.
type stoppable struct {
	noun     string // "session", "browser"
	method   string // the StopActive... method, for its errors
	listWith string // how a user finds the active ones
	notFound error  // a stop's 404: already gone, so not billing
	stop     func(ctx context.Context, c *Client, id string) error
	active   func(ctx context.Context, c *Client) iter.Seq2[string, error]
}

var sessionKind = stoppable{
	noun: "session", method: "StopActiveSessions", listWith: "ListSessions (Status: StatusActive)", notFound: ErrSessionNotFound,
	stop: func(ctx context.Context, c *Client, id string) error { _, err := c.StopSession(ctx, id); return err },
	active: func(ctx context.Context, c *Client) iter.Seq2[string, error] {
		return ids(c.AllSessions(ctx, ListSessionsParams{PageSize: Ptr(100), Status: StatusActive}), func(s SessionItem) string { return s.ID })
	},
}

// ids maps a list iteration to the ids of its items.
func ids[T any](items iter.Seq2[T, error], id func(T) string) iter.Seq2[string, error] {
	return func(yield func(string, error) bool) {
		for item, err := range items {
			if err != nil {
				yield("", err)
				return
			}
			if !yield(id(item), nil) {
				return
			}
		}
	}
}

// StopOnExit stops a session and is meant for defer, right after create:
//
//	s, err := client.CreateSession(ctx, params)
//	if err != nil { ... }
//	defer client.StopOnExit(ctx, s.ID)
//
// It stops the session even when ctx is already cancelled (it keeps ctx's
// values but not its cancellation, and uses its own timeout, see
// WithStopTimeout), and it treats a session that is already stopped or gone
// as success. Sessions bill until stopped, so a forgotten stop costs money:
// since defer drops the error, a failed stop is also logged at Warn with the
// session's id (see WithLogger). StopBrowserOnExit is its form for browsers.
func (c *Client) StopOnExit(ctx context.Context, sessionID string) error {
	return c.stopOnExit(ctx, sessionKind, sessionID)
}

func (c *Client) stopOnExit(ctx context.Context, kind stoppable, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.stopTO)
	defer cancel()
	err := kind.stop(ctx, c, id)
	if err == nil || errors.Is(err, kind.notFound) {
		return nil
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, "browseruse: a "+kind.noun+" could not be stopped and may still be billing",
		slog.String(kind.noun+"_id", id), slog.String("error", err.Error()))
	return fmt.Errorf("%s %s may still be active (and billing): %w; find it with %s or stop every active one with %s",
		kind.noun, id, err, kind.listWith, kind.method)
}

// RunSession creates a session, runs fn with it, and stops the session
// whatever happens: fn's error, a panic in fn (re-raised after the stop), or
// a cancelled ctx. It returns fn's error joined with the stop's, if any.
func (c *Client) RunSession(ctx context.Context, p CreateSessionParams, fn func(context.Context, *SessionItem) error) error {
	s, err := c.CreateSession(ctx, p)
	return runThenStop(ctx, s, err, func() error { return c.StopOnExit(ctx, s.ID) }, fn)
}

// runThenStop runs fn with what a create returned (unless it failed) and
// then stop, whatever fn does: return, fail or panic (re-raised after the
// stop, by the deferred call). The stop's error names what it stopped.
func runThenStop[T any](ctx context.Context, created *T, err error, stop func() error, fn func(context.Context, *T) error) (out error) {
	if err != nil {
		return err
	}
	defer func() {
		out = errors.Join(out, stop())
	}()
	return fn(ctx, created)
}

// stopActiveRounds bounds StopActiveSessions' listings.
const stopActiveRounds = 3

// StopActiveSessions stops every active session of the project (the API
// key's), including ones other programs started, and returns the ids it
// stopped with every error joined. It is the answer to
// ErrTooManyConcurrentSessions caused by stray sessions, which keep billing
// until stopped. Browsers count toward the same cap and are not sessions:
// StopActiveBrowsers stops those.
//
// It lists the active sessions, stops each, then lists again, until a
// listing shows no active session it has not tried (at most 3 listings).
// So a session created while it runs is stopped if a later listing sees
// it; one created after its last listing is not: stop the programs that
// create sessions first. A listing that fails partway does not end it:
// the sessions listed so far are still stopped, and the listing's error
// is joined with the rest. A session that would not stop is not tried again.
func (c *Client) StopActiveSessions(ctx context.Context) ([]string, error) {
	return c.stopActive(ctx, sessionKind)
}

func (c *Client) stopActive(ctx context.Context, kind stoppable) ([]string, error) {
	tried := map[string]bool{}
	var stopped []string
	var errs []error
	for range stopActiveRounds {
		// List first, then stop: stopping while paging through the active
		// ones would shift the pages under the iteration.
		var batch []string
		for id, err := range kind.active(ctx, c) {
			if err != nil {
				errs = append(errs, fmt.Errorf("browseruse: %s: listing the active %ss: %w", kind.method, kind.noun, err))
				break
			}
			if !tried[id] {
				tried[id] = true
				batch = append(batch, id)
			}
		}
		for _, id := range batch {
			if err := kind.stop(ctx, c, id); err != nil && !errors.Is(err, kind.notFound) {
				errs = append(errs, fmt.Errorf("%s %s: %w", kind.noun, id, err))
				continue
			}
			stopped = append(stopped, id)
		}
		if len(batch) == 0 || ctx.Err() != nil {
			break
		}
	}
	return stopped, errors.Join(errs...)
}
