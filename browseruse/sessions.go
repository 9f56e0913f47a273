package browseruse

import (
	"context"
	"net/http"

	"github.com/browseruse-go/browseruse-go/gen"
)

// CreateSession starts a cloud browser session. The session bills until it
// is stopped: stop it with StopSession, or use RunSession or StopOnExit.
//
// A create is retried only when the request certainly never reached the
// server. When it may have (a 5xx, a timeout, a connection lost), the error
// matches ErrOutcomeUnknown: list the active sessions to check.
func (c *Client) CreateSession(ctx context.Context, p CreateSessionParams) (*SessionItem, error) {
	return invoke[SessionItem](ctx, c, request{op: opCreateSession, secrets: p.secrets()}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.CreateSession(ctx, p.request())
	})
}

// GetSession returns a session with its tasks.
func (c *Client) GetSession(ctx context.Context, sessionID string) (*Session, error) {
	return invoke[Session](ctx, c, request{op: opGetSession, pathParams: sessionPath(sessionID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetSession(ctx, sessionID)
	})
}

// ListSessions returns one page of sessions, newest first.
func (c *Client) ListSessions(ctx context.Context, p ListSessionsParams) (*SessionPage, error) {
	return invoke[SessionPage](ctx, c, request{op: opListSessions}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.ListSessions(ctx, p.request())
	})
}

// StopSession stops a session and every task running in it; this cannot be
// undone. Stopping a stopped session is harmless. See also StopOnExit.
func (c *Client) StopSession(ctx context.Context, sessionID string) (*Session, error) {
	return invoke[Session](ctx, c, request{op: opUpdateSession, pathParams: sessionPath(sessionID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.UpdateSession(ctx, sessionID, gen.UpdateSessionRequest{Action: gen.SessionUpdateActionStop})
	})
}

// DeleteSession deletes a session and all of its tasks.
func (c *Client) DeleteSession(ctx context.Context, sessionID string) error {
	_, err := invoke[struct{}](ctx, c, request{op: opDeleteSession, pathParams: sessionPath(sessionID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.DeleteSession(ctx, sessionID)
	})
	return err
}

// PurgeSession erases a session's personal data and stored files at once.
// Only zero-data-retention projects may purge (else ErrPurgeNotAllowed).
func (c *Client) PurgeSession(ctx context.Context, sessionID string) error {
	_, err := invoke[struct{}](ctx, c, request{op: opPurgeSession, pathParams: sessionPath(sessionID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.PurgeSession(ctx, sessionID)
	})
	return err
}

// GetPublicShare returns a session's public share and its view statistics.
// A session without one gives ErrShareNotFound.
func (c *Client) GetPublicShare(ctx context.Context, sessionID string) (*Share, error) {
	return invoke[Share](ctx, c, request{op: opGetPublicShare, pathParams: sessionPath(sessionID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.GetPublicShare(ctx, sessionID)
	})
}

// CreatePublicShare creates a public share for a session, or returns the
// one it already has.
func (c *Client) CreatePublicShare(ctx context.Context, sessionID string) (*Share, error) {
	return invoke[Share](ctx, c, request{op: opCreatePublicShare, pathParams: sessionPath(sessionID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.CreatePublicShare(ctx, sessionID)
	})
}

// DeletePublicShare removes a session's public share.
func (c *Client) DeletePublicShare(ctx context.Context, sessionID string) error {
	_, err := invoke[struct{}](ctx, c, request{op: opDeletePublicShare, pathParams: sessionPath(sessionID)}, func(ctx context.Context) (*http.Response, error) {
		return c.gen.DeletePublicShare(ctx, sessionID)
	})
	return err
}

// sessionPath is the path parameter of the operations on one session, for
// request validation: an id that is not a UUID is refused before sending.
func sessionPath(sessionID string) map[string]string {
	return map[string]string{"session_id": sessionID}
}
