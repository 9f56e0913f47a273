package browseruse

import (
	"context"

	"github.com/browseruse-go/browseruse-go/gen"
)

// CreateSession starts a cloud browser session. The session bills until it
// is stopped: stop it with StopSession, or use RunSession or StopOnExit.
//
// A create is retried only when the request certainly never reached the
// server. When it may have (a 5xx, a timeout, a connection lost), the error
// matches ErrOutcomeUnknown: list the active sessions to check.
func (c *Client) CreateSession(ctx context.Context, p CreateSessionParams) (*SessionItem, error) {
	req, err := gen.NewCreateSessionRequest(c.server, p.request())
	return do[SessionItem](ctx, c, call{op: opCreateSession, secrets: p.secrets()}, req, err)
}

// GetSession returns a session with its tasks.
func (c *Client) GetSession(ctx context.Context, sessionID string) (*Session, error) {
	req, err := gen.NewGetSessionRequest(c.server, sessionID)
	return do[Session](ctx, c, call{op: opGetSession}, req, err)
}

// ListSessions returns one page of sessions, newest first.
func (c *Client) ListSessions(ctx context.Context, p ListSessionsParams) (*SessionPage, error) {
	req, err := gen.NewListSessionsRequest(c.server, p.request())
	return do[SessionPage](ctx, c, call{op: opListSessions}, req, err)
}

// StopSession stops a session and every task running in it; this cannot be
// undone. Stopping a stopped session is harmless. See also StopOnExit.
func (c *Client) StopSession(ctx context.Context, sessionID string) (*Session, error) {
	req, err := gen.NewUpdateSessionRequest(c.server, sessionID, gen.UpdateSessionRequest{Action: gen.SessionUpdateActionStop})
	return do[Session](ctx, c, call{op: opUpdateSession}, req, err)
}

// DeleteSession deletes a session and all of its tasks.
func (c *Client) DeleteSession(ctx context.Context, sessionID string) error {
	req, err := gen.NewDeleteSessionRequest(c.server, sessionID)
	_, err = do[struct{}](ctx, c, call{op: opDeleteSession}, req, err)
	return err
}

// PurgeSession erases a session's personal data and stored files at once.
// Only zero-data-retention projects may purge (else ErrPurgeNotAllowed).
func (c *Client) PurgeSession(ctx context.Context, sessionID string) error {
	req, err := gen.NewPurgeSessionRequest(c.server, sessionID)
	_, err = do[struct{}](ctx, c, call{op: opPurgeSession}, req, err)
	return err
}

// GetPublicShare returns a session's public share and its view statistics.
// A session without one gives ErrShareNotFound.
func (c *Client) GetPublicShare(ctx context.Context, sessionID string) (*Share, error) {
	req, err := gen.NewGetPublicShareRequest(c.server, sessionID)
	return do[Share](ctx, c, call{op: opGetPublicShare}, req, err)
}

// CreatePublicShare creates a public share for a session, or returns the
// one it already has.
func (c *Client) CreatePublicShare(ctx context.Context, sessionID string) (*Share, error) {
	req, err := gen.NewCreatePublicShareRequest(c.server, sessionID)
	return do[Share](ctx, c, call{op: opCreatePublicShare}, req, err)
}

// DeletePublicShare removes a session's public share.
func (c *Client) DeletePublicShare(ctx context.Context, sessionID string) error {
	req, err := gen.NewDeletePublicShareRequest(c.server, sessionID)
	_, err = do[struct{}](ctx, c, call{op: opDeletePublicShare}, req, err)
	return err
}
