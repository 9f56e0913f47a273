package browseruse

import (
	"context"
	"errors"
	"fmt"
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
// as success. Sessions bill until stopped, so a forgotten stop costs money.
func (c *Client) StopOnExit(ctx context.Context, sessionID string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.stopTO)
	defer cancel()
	_, err := c.StopSession(ctx, sessionID)
	if errors.Is(err, ErrSessionNotFound) {
		return nil
	}
	return err
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
		if stopErr := c.StopOnExit(ctx, s.ID); stopErr != nil {
			err = errors.Join(err, fmt.Errorf("stopping session %s: %w", s.ID, stopErr))
		}
	}()
	return fn(ctx, s)
}
