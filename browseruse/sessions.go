package browseruse

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// The operationIds of openapi.yaml.
const (
	opListSessions      = "listSessions"
	opCreateSession     = "createSession"
	opGetSession        = "getSession"
	opUpdateSession     = "updateSession"
	opDeleteSession     = "deleteSession"
	opPurgeSession      = "purgeSession"
	opGetPublicShare    = "getPublicShare"
	opCreatePublicShare = "createPublicShare"
	opDeletePublicShare = "deletePublicShare"
)

// CreateSession starts a cloud browser session. The session bills until it
// is stopped: stop it with StopSession, or use WithSession or StopOnExit.
//
// A create is retried only when the request certainly never reached the
// server. When it may have (a 5xx, a timeout, a connection lost), the error
// matches ErrOutcomeUnknown: list the active sessions to check.
func (c *Client) CreateSession(ctx context.Context, p CreateSessionParams) (*SessionItem, error) {
	body, err := p.body()
	if err != nil {
		return nil, err
	}
	if err := c.checkBody(opCreateSession, body); err != nil {
		return nil, err
	}
	return callJSON[SessionItem](ctx, c, c.call(opCreateSession, "", body, p.secrets()))
}

// GetSession returns a session with its tasks.
func (c *Client) GetSession(ctx context.Context, sessionID string) (*Session, error) {
	return withID[Session](ctx, c, opGetSession, sessionID, nil)
}

// ListSessions returns one page of sessions, newest first.
func (c *Client) ListSessions(ctx context.Context, p ListSessionsParams) (*SessionPage, error) {
	params, err := c.listParams(p)
	if err != nil {
		return nil, err
	}
	// The generated builder serialises the query parameters.
	req, err := gen.NewListSessionsRequest(c.baseURL+"/", params)
	if err != nil {
		return nil, err
	}
	req.Header = c.header
	return callJSON[SessionPage](ctx, c, call{op: opListSessions, prebuilt: req})
}

// StopSession stops a session and every task running in it; this cannot be
// undone. Stopping a stopped session is harmless. See also StopOnExit.
func (c *Client) StopSession(ctx context.Context, sessionID string) (*Session, error) {
	return withID[Session](ctx, c, opUpdateSession, sessionID, stopBody)
}

// DeleteSession deletes a session and all of its tasks.
func (c *Client) DeleteSession(ctx context.Context, sessionID string) error {
	_, err := withID[struct{}](ctx, c, opDeleteSession, sessionID, nil)
	return err
}

// PurgeSession erases a session's personal data and stored files at once.
// Only zero-data-retention projects may purge (else ErrPurgeNotAllowed).
func (c *Client) PurgeSession(ctx context.Context, sessionID string) error {
	_, err := withID[struct{}](ctx, c, opPurgeSession, sessionID, nil)
	return err
}

// GetPublicShare returns a session's public share and its view statistics.
// A session without one gives ErrShareNotFound.
func (c *Client) GetPublicShare(ctx context.Context, sessionID string) (*Share, error) {
	return withID[Share](ctx, c, opGetPublicShare, sessionID, nil)
}

// CreatePublicShare creates a public share for a session, or returns the
// one it already has.
func (c *Client) CreatePublicShare(ctx context.Context, sessionID string) (*Share, error) {
	return withID[Share](ctx, c, opCreatePublicShare, sessionID, nil)
}

// DeletePublicShare removes a session's public share.
func (c *Client) DeletePublicShare(ctx context.Context, sessionID string) error {
	_, err := withID[struct{}](ctx, c, opDeletePublicShare, sessionID, nil)
	return err
}

// withID makes a call on one session, after checking its id.
func withID[T any](ctx context.Context, c *Client, op, sessionID string, body []byte) (*T, error) {
	if err := c.checkID(op, sessionID); err != nil {
		return nil, err
	}
	return callJSON[T](ctx, c, c.call(op, sessionID, body, nil))
}

// callJSON makes the call and decodes a 2xx answer into a new T; struct{}
// stands for "no body".
func callJSON[T any](ctx context.Context, c *Client, k call) (*T, error) {
	var out T
	var target any = &out
	if _, none := target.(*struct{}); none {
		target = nil
	}
	if err := c.do(ctx, k, target); err != nil {
		return nil, err
	}
	return &out, nil
}

// stopBody is the body of StopSession, from the generated request type.
var stopBody, _ = json.Marshal(gen.UpdateSessionRequest{Action: gen.SessionUpdateActionStop})

// call describes the request of an operation from its method and path
// template in openapi.yaml. sessionID has been checked to be a UUID, so it
// needs no escaping.
func (c *Client) call(op, sessionID string, body []byte, secrets []string) call {
	o := c.spec.Operation(op)
	path := o.Path
	if sessionID != "" {
		path = strings.Replace(path, "{session_id}", sessionID, 1)
	}
	return call{op: op, method: o.Method, url: c.baseURL + path, body: body, secrets: secrets}
}

// checkID rejects a session id that is not a UUID, so that no other path
// (such as "../x") can ever be requested.
func (c *Client) checkID(op, id string) error {
	if specval.IsUUID(id) {
		return nil
	}
	return c.invalidParams(op, c.spec.Operation(op).Param("session_id").Check(id))
}

func (c *Client) listParams(p ListSessionsParams) (*gen.ListSessionsParams, error) {
	op := c.spec.Operation(opListSessions)
	var vs []specval.Violation
	out := &gen.ListSessionsParams{PageSize: p.PageSize, PageNumber: p.PageNumber}
	if p.PageSize != nil {
		vs = append(vs, op.Param("pageSize").Check(float64(*p.PageSize))...)
	}
	if p.PageNumber != nil {
		vs = append(vs, op.Param("pageNumber").Check(float64(*p.PageNumber))...)
	}
	if p.Status != "" {
		vs = append(vs, op.Param("filterBy").Check(string(p.Status))...)
		out.FilterBy = Ptr(gen.SessionStatus(p.Status))
	}
	if err := c.invalidParams(opListSessions, vs); err != nil {
		return nil, err
	}
	return out, nil
}

// checkBody validates a JSON request body against openapi.yaml.
func (c *Client) checkBody(op string, body []byte) error {
	vs, err := c.spec.Operation(op).CheckBodyJSON(body)
	if err != nil {
		return err
	}
	return c.invalidParams(op, vs)
}

func (c *Client) invalidParams(op string, vs []specval.Violation) error {
	if len(vs) == 0 {
		return nil
	}
	lines := make([]string, len(vs))
	for i, v := range vs {
		v.Field = strings.ReplaceAll(strings.TrimPrefix(v.Field, "/"), "/", ".")
		lines[i] = v.String()
	}
	return &RequestValidationError{Operation: op, Violations: lines}
}
