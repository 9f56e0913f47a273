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

// StopActiveSessions stops every active session of the project (the API
// key's), including ones other programs started, and returns the ids it
// stopped with every error joined. It is the answer to
// ErrTooManyConcurrentSessions caused by stray sessions, which keep billing
// until stopped.
func (c *Client) StopActiveSessions(ctx context.Context) ([]string, error) {
	var active []string
	for s, err := range c.AllSessions(ctx, ListSessionsParams{PageSize: Ptr(100), Status: StatusActive}) {
		if err != nil {
			return nil, fmt.Errorf("browseruse: StopActiveSessions: listing the active sessions: %w", err)
		}
		active = append(active, s.ID)
	}
	var stopped []string
	var errs []error
	for _, id := range active {
		if _, err := c.StopSession(ctx, id); err != nil && !errors.Is(err, ErrSessionNotFound) {
			errs = append(errs, fmt.Errorf("session %s: %w", id, err))
			continue
		}
		stopped = append(stopped, id)
	}
	return stopped, errors.Join(errs...)
}
