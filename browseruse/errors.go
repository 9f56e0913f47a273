package browseruse

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Sentinels for errors.Is. Every error this package returns for an API
// answer is an *APIError; it matches the sentinels below that fit its
// status, operation and detail.
var (
	// ErrUnauthorized: the API key is missing, wrong or lacks permission (401, or 403 outside purge).
	ErrUnauthorized = errors.New("browseruse: unauthorized (check the API key)")
	// ErrInsufficientCredits: the account has too few credits to start a session (402).
	ErrInsufficientCredits = errors.New("browseruse: insufficient credits")
	// ErrSessionNotFound: no session has this ID (404 from a session operation).
	ErrSessionNotFound = errors.New("browseruse: session not found")
	// ErrTaskNotFound: no task has this ID (404 from a task operation).
	ErrTaskNotFound = errors.New("browseruse: task not found")
	// ErrSessionBusy: the session already runs a task; a session runs one
	// at a time (400 on CreateTask). Wait for it, or stop it.
	ErrSessionBusy = errors.New("browseruse: the session is running a task")
	// ErrSessionStopped: the session has stopped and runs no more tasks
	// (400 on CreateTask). Create a new session.
	ErrSessionStopped = errors.New("browseruse: the session is stopped")
	// ErrTaskFailed: a task the client waited for ended failed; the error is
	// a *TaskError carrying the task.
	ErrTaskFailed = errors.New("browseruse: task failed")
	// ErrTaskStopped: a task the client waited for was stopped before it
	// finished; the error is a *TaskError carrying the task.
	ErrTaskStopped = errors.New("browseruse: task stopped")
	// ErrOutputMismatch: a task's output is not the JSON its structured
	// output schema asks for (RunTaskAs); the error is an *OutputError.
	ErrOutputMismatch = errors.New("browseruse: task output does not match its schema")
	// ErrProfileNotFound: the profile does not exist (404 from a profile
	// operation, or from CreateSession given its ID).
	ErrProfileNotFound = errors.New("browseruse: profile not found")
	// ErrProfileLimitReached: the plan allows no more profiles (402 on
	// CreateProfile); delete one or subscribe to a larger plan.
	ErrProfileLimitReached = errors.New("browseruse: the plan allows no more profiles")
	// ErrShareNotFound: the session has no public share (404 from GetPublicShare).
	ErrShareNotFound = errors.New("browseruse: public share not found")
	// ErrRejected: the server rejected the request's parameters or body
	// (422). Compare ErrInvalidParams: the client refused to send them.
	ErrRejected = errors.New("browseruse: request rejected by the server (422)")
	// ErrTooManyConcurrentSessions: the plan's cap on concurrently active
	// sessions is reached (429 on CreateSession, CreateTask or
	// CreateBrowser: browsers count as sessions). This is not a rate limit:
	// stop a session or a browser, or wait for one to end, before creating another.
	ErrTooManyConcurrentSessions = errors.New("browseruse: too many concurrent active sessions")
	// ErrRateLimited: a 429 on an operation other than create.
	ErrRateLimited = errors.New("browseruse: rate limited")
	// ErrPurgeNotAllowed: purge needs a zero-data-retention project (403 on purge).
	ErrPurgeNotAllowed = errors.New("browseruse: purge not allowed (the project is not zero-data-retention)")
	// ErrBrowserNotFound: no browser has this ID (404 from a browser operation).
	ErrBrowserNotFound = errors.New("browseruse: browser not found")
	// ErrBrowserTimeoutTooLong: CreateBrowserParams.TimeoutMinutes is over
	// the service's limit, MaxBrowserTimeoutMinutes (403 on CreateBrowser
	// whose detail names the timeout; another 403 is ErrUnauthorized).
	ErrBrowserTimeoutTooLong = errors.New("browseruse: the browser timeout is over the service's limit (240 minutes)")
	// ErrServer: the server failed (5xx).
	ErrServer = errors.New("browseruse: server error")

	// ErrInvalidParams: a parameter broke a rule of openapi.yaml, so the
	// client sent nothing. Compare ErrRejected: the server refused them.
	ErrInvalidParams = errors.New("browseruse: invalid parameters")
	// ErrInvalidResponse: a response did not conform to openapi.yaml, or
	// could not be decoded.
	ErrInvalidResponse = errors.New("browseruse: invalid response")
	// ErrCrossOriginRedirect: the server redirected to another scheme, host
	// or port; the redirect was refused and nothing was sent there.
	ErrCrossOriginRedirect = errors.New("browseruse: cross-origin redirect refused")
	// ErrPagingStuck: a list iteration stopped because the server answered
	// a page with items of the page before (it may ignore pageNumber), or
	// (BrowserDownloads) gave a cursor it had given before.
	ErrPagingStuck = errors.New("browseruse: paging does not advance")
	// ErrResponseTooLarge: a response body exceeded the configured cap.
	ErrResponseTooLarge = errors.New("browseruse: response body too large")
	// ErrOutcomeUnknown: a create request may have reached the server, but
	// no usable answer came back, so a session, task, browser or profile may
	// or may not have been created (a session or a browser may be billing).
	// UnknownOutcomeError.Created says which; list the active ones to check.
	ErrOutcomeUnknown = errors.New("browseruse: outcome unknown")
)

// APIError is a non-2xx answer of the API.
type APIError struct {
	// Operation is the Client method that was called, e.g. "StopSession".
	Operation string
	// StatusCode is the HTTP status.
	StatusCode int
	// Detail is the server's "detail" message, when it sent a string one.
	Detail string
	// Issues are the per-field problems of a 422 answer.
	Issues []ValidationIssue
	// RequestID is the server's request id header, when it sent one.
	RequestID string
	// RetryAfter is the wait the server asked for (Retry-After), or 0.
	RetryAfter time.Duration
	// Attempts is how many requests were made, retries included.
	Attempts int
	// RawBody is the body as received, capped, with known secrets masked.
	RawBody []byte

	op *operationInfo // which sentinels fit; nil for an APIError built by hand
}

// ValidationIssue is one problem of a 422 answer: where (loc), what (msg)
// and its machine-readable kind (type).
type ValidationIssue struct {
	Loc  []string
	Msg  string
	Type string
}

// String returns "loc.path: msg".
func (i ValidationIssue) String() string {
	if len(i.Loc) == 0 {
		return i.Msg
	}
	return strings.Join(i.Loc, ".") + ": " + i.Msg
}

// Error returns one line: operation, status, detail and hints.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "browseruse: %s: %d %s", e.Operation, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Detail != "" {
		b.WriteString(": ")
		b.WriteString(oneLine(e.Detail))
	}
	for i, issue := range e.Issues {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Issues)-3)
			break
		}
		b.WriteString("; ")
		b.WriteString(oneLine(issue.String()))
	}
	if e.isBareNotFound() {
		b.WriteString(" (the path does not exist: check the base URL, which must end in /api/v2)")
	}
	if e.StatusCode == http.StatusTooManyRequests && e.creates() {
		b.WriteString(" (the plan's cap on concurrently active sessions is reached: stop a session or a browser first; this is not a rate limit)")
	}
	if e.RequestID != "" {
		b.WriteString(" [request id ")
		b.WriteString(oneLine(e.RequestID))
		b.WriteString("]")
	}
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	return b.String()
}

// GoString keeps %#v to the one-line message, so raw bodies never print.
func (e *APIError) GoString() string { return e.Error() }

// isBareNotFound: FastAPI's own 404 for a path it does not know, which
// usually means a wrong base URL rather than a missing session.
func (e *APIError) isBareNotFound() bool {
	return e.StatusCode == http.StatusNotFound && e.Detail == "Not Found"
}

// Is matches the sentinel that fits the status, operation and detail.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized || (e.StatusCode == http.StatusForbidden && e.forbidden() == nil)
	case ErrInsufficientCredits:
		return e.StatusCode == http.StatusPaymentRequired && (e.op == nil || e.op.paymentRequired == nil)
	case ErrRejected:
		return e.StatusCode == http.StatusUnprocessableEntity
	case ErrTooManyConcurrentSessions:
		return e.StatusCode == http.StatusTooManyRequests && e.creates()
	case ErrRateLimited:
		return e.StatusCode == http.StatusTooManyRequests && !e.creates()
	case ErrSessionBusy:
		return e.sessionConflict() && strings.Contains(strings.ToLower(e.Detail), "running task")
	case ErrSessionStopped:
		return e.sessionConflict() && strings.Contains(strings.ToLower(e.Detail), "stopped")
	case ErrServer:
		return e.StatusCode >= 500
	case nil:
		return false
	}
	if e.StatusCode == http.StatusForbidden {
		return target == e.forbidden()
	}
	if e.StatusCode == http.StatusPaymentRequired {
		return e.op != nil && target == e.op.paymentRequired
	}
	return e.StatusCode == http.StatusNotFound && !e.isBareNotFound() && target == e.notFound()
}

// creates: the operation starts sessions (a task may start one), whose
// 429 is the plan's concurrency cap.
func (e *APIError) creates() bool { return e.op != nil && e.op.startsSessions() }

func (e *APIError) sessionConflict() bool {
	return e.StatusCode == http.StatusBadRequest && e.op != nil && e.op.sessionConflicts
}

func (e *APIError) forbidden() error {
	if e.op == nil {
		return nil
	}
	if w := e.op.forbiddenIf; w != "" && !strings.Contains(strings.ToLower(e.Detail), w) {
		return nil // another 403 (a key without permission, say): the detail tells
	}
	return e.op.forbidden
}

// notFound is the sentinel of a 404 with a detail. GetPublicShare answers
// 404 for a missing share and for a missing session; the detail tells.
func (e *APIError) notFound() error {
	if e.op == nil {
		return nil
	}
	if e.op.notFound == ErrShareNotFound && !strings.Contains(strings.ToLower(e.Detail), "share") {
		return ErrSessionNotFound
	}
	if e.op.notFound == ErrOutputFileNotFound && !strings.Contains(strings.ToLower(e.Detail), "file") {
		return ErrTaskNotFound // the output file operations answer 404 for a missing task too
	}
	return e.op.notFound
}

// RequestValidationError reports parameters that break openapi.yaml. It is
// returned before anything is sent.
type RequestValidationError struct {
	// Operation is the Client method that was called, e.g. "CreateSession".
	Operation string
	// Violations are "GoField (wireField): rule" lines, e.g.
	// "ScreenWidth (browserScreenWidth): must be >= 320".
	Violations []string
}

// Error returns one line naming every broken rule.
func (e *RequestValidationError) Error() string {
	return "browseruse: " + e.Operation + ": invalid parameters: " + strings.Join(e.Violations, "; ")
}

// Is matches ErrInvalidParams.
func (e *RequestValidationError) Is(target error) bool { return target == ErrInvalidParams }

// ResponseValidationError reports a response that does not conform to
// openapi.yaml, could not be decoded, or was too large.
type ResponseValidationError struct {
	// Operation is the Client method that was called, e.g. "GetSession".
	Operation string
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// Violations are short "JSON pointer: rule" lines; no schema dumps, no values.
	Violations []string
	// Body is the start of the response body, with known secrets masked.
	Body []byte
	// APIError is set when the response was an error status: errors.Is and
	// errors.As reach it through this error too.
	APIError *APIError
	cause    error
}

// Error returns one line.
func (e *ResponseValidationError) Error() string {
	return fmt.Sprintf("browseruse: %s: %d response does not conform to openapi.yaml: %s",
		e.Operation, e.StatusCode, oneLine(strings.Join(e.Violations, "; ")))
}

// GoString keeps %#v to the one-line message.
func (e *ResponseValidationError) GoString() string { return e.Error() }

// Is matches ErrInvalidResponse.
func (e *ResponseValidationError) Is(target error) bool { return target == ErrInvalidResponse }

// Unwrap returns the API error of an error status and the cause, if any.
func (e *ResponseValidationError) Unwrap() []error {
	var out []error
	if e.APIError != nil {
		out = append(out, e.APIError)
	}
	if e.cause != nil {
		out = append(out, e.cause)
	}
	return out
}

// TransportError is a failure to get an answer: connection refused, reset,
// timeout, a body cut short.
type TransportError struct {
	// Operation is the Client method that was called, e.g. "GetSession".
	Operation string
	// Attempts is how many requests were made, retries included.
	Attempts int
	// Err is the underlying error (see net and context).
	Err error
}

// Error returns one line.
func (e *TransportError) Error() string {
	s := "browseruse: " + e.Operation + ": " + oneLine(e.Err.Error())
	if e.Attempts > 1 {
		s += fmt.Sprintf(" (after %d attempts)", e.Attempts)
	}
	return s
}

// Unwrap returns the underlying error.
func (e *TransportError) Unwrap() error { return e.Err }

// UnknownOutcomeError wraps the error of a create request that may have
// reached the server: a session or a task may have been started. It matches
// ErrOutcomeUnknown, and unwraps to the *APIError or *TransportError.
type UnknownOutcomeError struct {
	// Err is what went wrong.
	Err error
	// Created is what may have been started: "session", "task", "browser"
	// or "profile".
	Created string
}

// Error says what happened and how to check.
func (e *UnknownOutcomeError) Error() string {
	if e.Created == "profile" {
		return e.Err.Error() + "; the outcome is unknown: a profile may have been created, " +
			"so list the profiles (ListProfiles) and delete any you do not want"
	}
	if e.Created == "browser" {
		return e.Err.Error() + "; the outcome is unknown: a browser may have been started and be billing, " +
			"so list the active browsers (ListBrowsers with Status BrowserActive) and stop any you do not want"
	}
	if e.Created == "task" {
		return e.Err.Error() + "; the outcome is unknown: a task (and, without SessionID, a session) may have been started " +
			"and be billing, so list the tasks (ListTasks) and the active sessions, and stop any you do not want"
	}
	return e.Err.Error() + "; the outcome is unknown: a session may have been started and be billing, " +
		"so list the active sessions (ListSessions with Status StatusActive) and stop any you do not want"
}

// Is matches ErrOutcomeUnknown.
func (e *UnknownOutcomeError) Is(target error) bool { return target == ErrOutcomeUnknown }

// Unwrap returns the underlying error.
func (e *UnknownOutcomeError) Unwrap() error { return e.Err }

// oneLine keeps error messages on one line whatever a server sends.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.Join(strings.Fields(s), " ")
}
