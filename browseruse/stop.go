package browseruse

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
)

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
// session's id (see WithLogger).
func (c *Client) StopOnExit(ctx context.Context, sessionID string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.stopTO)
	defer cancel()
	_, err := c.StopSession(ctx, sessionID)
	if err == nil || errors.Is(err, ErrSessionNotFound) {
		return nil
	}
	c.logger.LogAttrs(ctx, slog.LevelWarn, "browseruse: a session could not be stopped and may still be billing",
		slog.String("session_id", sessionID), slog.String("error", err.Error()))
	return fmt.Errorf("session %s may still be active (and billing): %w; find it with ListSessions (Status: StatusActive) or stop every active one with StopActiveSessions",
		sessionID, err)
}

// RunSession creates a session, runs fn with it, and stops the session
// whatever happens: fn's error, a panic in fn (re-raised after the stop), or
// a cancelled ctx. It returns fn's error joined with the stop's, if any.
func (c *Client) RunSession(ctx context.Context, p CreateSessionParams, fn func(context.Context, *SessionItem) error) (err error) {
	s, err := c.CreateSession(ctx, p)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, c.StopOnExit(ctx, s.ID)) // its error names the session
	}()
	return fn(ctx, s)
}

// stopActiveRounds bounds StopActiveSessions' listings.
const stopActiveRounds = 3

// StopActiveSessions stops every active session of the project (the API
// key's), including ones other programs started, and returns the ids it
// stopped with every error joined. It is the answer to
// ErrTooManyConcurrentSessions caused by stray sessions, which keep billing
// until stopped.
//
// It lists the active sessions, stops each, then lists again, until a
// listing shows no active session it has not tried (at most 3 listings).
// So a session created while it runs is stopped if a later listing sees
// it; one created after its last listing is not: stop the programs that
// create sessions first. A listing that fails partway does not end it:
// the sessions listed so far are still stopped, and the listing's error
// is joined with the rest. A session that would not stop is not tried again.
func (c *Client) StopActiveSessions(ctx context.Context) ([]string, error) {
	tried := map[string]bool{}
	var stopped []string
	var errs []error
	for range stopActiveRounds {
		// List first, then stop: stopping while paging through the active
		// sessions would shift the pages under the iteration.
		var batch []string
		for s, err := range c.AllSessions(ctx, ListSessionsParams{PageSize: Ptr(100), Status: StatusActive}) {
			if err != nil {
				errs = append(errs, fmt.Errorf("browseruse: StopActiveSessions: listing the active sessions: %w", err))
				break
			}
			if !tried[s.ID] {
				tried[s.ID] = true
				batch = append(batch, s.ID)
			}
		}
		for _, id := range batch {
			if _, err := c.StopSession(ctx, id); err != nil && !errors.Is(err, ErrSessionNotFound) {
				errs = append(errs, fmt.Errorf("session %s: %w", id, err))
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
