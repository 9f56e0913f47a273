// Package browseruse is a client for the Browser Use Cloud API v2 sessions
// and tasks resources. A session is one cloud browser in which AI agent
// tasks run, one at a time; it bills while it is active, so every session a
// program starts should be stopped (see StopOnExit, RunSession and
// StopActiveSessions). RunTask runs a task and waits for its result.
//
// A browser (CreateBrowser, RunBrowser) is a cloud browser without an
// agent, which a program drives itself over CDP: WaitForCDP gives the
// WebSocket URL that chromedp, go-rod or playwright-go connect to. It also
// bills until stopped (or until its TimeoutAt), whatever becomes of the
// CDP connection.
//
// Create a client once and share it:
//
//	client, err := browseruse.NewClient() // reads BROWSER_USE_API_KEY
//
// Every call takes a context first. Parameters are checked against the
// embedded openapi.yaml before anything is sent (a *RequestValidationError
// names the field and the rule), and every response is checked against it
// too (see ValidationMode). Answers with an error status are *APIError
// values that match sentinels such as ErrSessionNotFound with errors.Is.
//
// Idempotent calls are retried on connection errors and on 408, 429 and 5xx
// answers, with exponential backoff and Retry-After. CreateSession is only
// retried when the request certainly never reached the server; otherwise
// its error matches ErrOutcomeUnknown. CreateTask follows the same rule.
//
// For tests, package browserusetest provides a stateful fake server.
package browseruse
