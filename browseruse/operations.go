package browseruse

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// opIndex names an operation of openapi.yaml; Client.ops holds each one
// resolved, so a call finds its operation by index, never by string.
type opIndex int

const (
	opListSessions opIndex = iota
	opCreateSession
	opGetSession
	opUpdateSession
	opDeleteSession
	opPurgeSession
	opGetPublicShare
	opCreatePublicShare
	opDeletePublicShare
	opListTasks
	opCreateTask
	opGetTask
	opUpdateTask
	opGetTaskStatus
	opGetTaskLogs
	opListProfiles
	opCreateProfile
	opGetProfile
	opUpdateProfile
	opDeleteProfile
	opGetAccount
	opCreateUploadURL
	opGetTaskOutputFile
	opListBrowsers
	opCreateBrowser
	opGetBrowser
	opUpdateBrowser
	opListBrowserDownloads
	opCreateBrowserUploadURL
	opCount
)

// operationInfo is what the facade adds to an operation of the spec.
type operationInfo struct {
	// id is the operationId in openapi.yaml.
	id string
	// method is the Client method that calls it: errors and logs say this.
	method string
	// retry says which failures may be retried. The zero value, retryNever,
	// is what an operation missing from this table gets: fail safe.
	retry retryClass
	// creates names what a create starts ("session", "task", "browser",
	// "profile"): a failure after the request may have reached the server
	// is then an UnknownOutcomeError; for a session, a task or a browser,
	// 429 is the plan's concurrency cap.
	creates string
	// sessionConflicts: a 400 means the session is stopped or busy
	// (ErrSessionStopped, ErrSessionBusy, told apart by the detail).
	sessionConflicts bool
	// notFound is the sentinel a 404 with a detail matches (nil: none).
	notFound error
	// forbidden is the sentinel a 403 matches (nil: ErrUnauthorized).
	forbidden error
	// forbiddenIf, when set, is a word a 403's detail must hold to match
	// forbidden; another 403 is ErrUnauthorized.
	forbiddenIf string
	// signedBody: a 2xx answer holds signed links or fields, so an unusable
	// one is kept out of ResponseValidationError.Body.
	signedBody bool
	// paymentRequired is the sentinel a 402 matches (nil: ErrInsufficientCredits).
	paymentRequired error
	// params is the type of the method's parameters struct, if it has
	// one: its `wire` tags name the body fields or query parameters that
	// its fields become, so that errors can name the Go field.
	params reflect.Type
}

// operationTable is the facade's view of every operation in one place,
// the retry policy included (the README's Reliability section shows it).
// A new operation is a row here and a Client method.
var operationTable = [opCount]operationInfo{
	opListSessions:      {id: "listSessions", method: "ListSessions", retry: retryIdempotent, params: reflect.TypeFor[ListSessionsParams]()},
	opCreateSession:     {id: "createSession", method: "CreateSession", retry: retryUnsent, creates: "session", notFound: ErrProfileNotFound, params: reflect.TypeFor[CreateSessionParams]()},
	opGetSession:        {id: "getSession", method: "GetSession", retry: retryIdempotent, notFound: ErrSessionNotFound},
	opUpdateSession:     {id: "updateSession", method: "StopSession", retry: retryIdempotent, notFound: ErrSessionNotFound}, // stopping twice is harmless
	opDeleteSession:     {id: "deleteSession", method: "DeleteSession", retry: retryIdempotent, notFound: ErrSessionNotFound},
	opPurgeSession:      {id: "purgeSession", method: "PurgeSession", retry: retryIdempotent, notFound: ErrSessionNotFound, forbidden: ErrPurgeNotAllowed},
	opGetPublicShare:    {id: "getPublicShare", method: "GetPublicShare", retry: retryIdempotent, notFound: ErrShareNotFound},
	opCreatePublicShare: {id: "createPublicShare", method: "CreatePublicShare", retry: retryIdempotent, notFound: ErrSessionNotFound}, // returns the existing share
	opDeletePublicShare: {id: "deletePublicShare", method: "DeletePublicShare", retry: retryIdempotent, notFound: ErrSessionNotFound},
	opListTasks:         {id: "listTasks", method: "ListTasks", retry: retryIdempotent, params: reflect.TypeFor[ListTasksParams]()},
	opCreateTask:        {id: "createTask", method: "CreateTask", retry: retryUnsent, creates: "task", sessionConflicts: true, notFound: ErrSessionNotFound, params: reflect.TypeFor[CreateTaskParams]()},
	opGetTask:           {id: "getTask", method: "GetTask", retry: retryIdempotent, notFound: ErrTaskNotFound},
	opUpdateTask:        {id: "updateTask", method: "StopTask", retry: retryIdempotent, notFound: ErrTaskNotFound}, // stopping twice is harmless
	opGetTaskStatus:     {id: "getTaskStatus", method: "GetTaskStatus", retry: retryIdempotent, notFound: ErrTaskNotFound},
	opGetTaskLogs:       {id: "getTaskLogs", method: "TaskLogsURL", retry: retryIdempotent, notFound: ErrTaskNotFound},
	opListProfiles:      {id: "listProfiles", method: "ListProfiles", retry: retryIdempotent, params: reflect.TypeFor[ListProfilesParams]()},
	opCreateProfile:     {id: "createProfile", method: "CreateProfile", retry: retryUnsent, creates: "profile", paymentRequired: ErrProfileLimitReached, params: reflect.TypeFor[CreateProfileParams]()}, // a second profile counts against the plan
	opGetProfile:        {id: "getProfile", method: "GetProfile", retry: retryIdempotent, notFound: ErrProfileNotFound},
	opUpdateProfile:     {id: "updateProfile", method: "UpdateProfile", retry: retryIdempotent, notFound: ErrProfileNotFound, params: reflect.TypeFor[UpdateProfileParams]()}, // sets, so twice is harmless
	opDeleteProfile:     {id: "deleteProfile", method: "DeleteProfile", retry: retryIdempotent},
	opGetAccount:        {id: "getAccount", method: "Account", retry: retryIdempotent},
	// files.go. A presigned URL is asked for again harmlessly; the upload to
	// the storage has its own retry rule (only a replayable body).
	opCreateUploadURL:   {id: "createUploadUrl", method: "UploadFile", retry: retryIdempotent, signedBody: true, notFound: ErrSessionNotFound, params: reflect.TypeFor[UploadFileParams]()},
	opGetTaskOutputFile: {id: "getTaskOutputFile", method: "OutputFileURL", retry: retryIdempotent, signedBody: true, notFound: ErrOutputFileNotFound},
	// browsers.go. A browser is a session without an agent: its create has
	// the session create's rules (browsers count toward the plan's cap), and
	// a timeout over 240 minutes is the create's 403.
	opListBrowsers:           {id: "listBrowsers", method: "ListBrowsers", retry: retryIdempotent, params: reflect.TypeFor[ListBrowsersParams]()},
	opCreateBrowser:          {id: "createBrowser", method: "CreateBrowser", retry: retryUnsent, creates: "browser", notFound: ErrProfileNotFound, forbidden: ErrBrowserTimeoutTooLong, forbiddenIf: "timeout", params: reflect.TypeFor[CreateBrowserParams]()},
	opGetBrowser:             {id: "getBrowser", method: "GetBrowser", retry: retryIdempotent, notFound: ErrBrowserNotFound},
	opUpdateBrowser:          {id: "updateBrowser", method: "StopBrowser", retry: retryIdempotent, notFound: ErrBrowserNotFound}, // stopping twice is harmless
	opListBrowserDownloads:   {id: "listBrowserDownloads", method: "BrowserDownloads", retry: retryIdempotent, signedBody: true, notFound: ErrBrowserNotFound, params: reflect.TypeFor[BrowserDownloadsParams]()},
	opCreateBrowserUploadURL: {id: "createBrowserUploadUrl", method: "UploadBrowserFile", retry: retryIdempotent, signedBody: true, notFound: ErrBrowserNotFound, params: reflect.TypeFor[UploadFileParams]()},
}

// startsSessions: a create that starts a session (a task without a
// session starts one, and a browser counts as one), so its 429 is the
// plan's concurrency cap.
func (o *operationInfo) startsSessions() bool {
	return o.creates == "session" || o.creates == "task" || o.creates == "browser"
}

// operation is an operation of the spec with the facade's information,
// resolved once per process.
type operation struct {
	operationInfo
	spec *specval.Operation
	// goNames maps the wire names of the request's parameters and body
	// fields ("session_id", "pageSize", "/customProxy/port") to the Go
	// names the user wrote ("sessionID", "PageSize", "CustomProxy.Port"),
	// for RequestValidationError. Derived, never written by hand: path
	// parameters from the spec's path template, the rest from params.
	goNames map[string]string
}

// operations resolves operationTable against the embedded spec, once: the
// spec and the table never change, so every Client shares the result.
var operations = sync.OnceValues(func() ([opCount]*operation, error) {
	spec, err := specval.Load()
	if err != nil {
		return [opCount]*operation{}, err
	}
	return resolveOperations(spec)
})

// resolveOperations finds every operation of operationTable in the spec
// and derives the Go names of its inputs.
func resolveOperations(spec *specval.Spec) ([opCount]*operation, error) {
	var ops [opCount]*operation
	for i, info := range operationTable {
		o := spec.Operation(info.id)
		if o == nil {
			return ops, fmt.Errorf("browseruse: the embedded openapi.yaml has no operation %q", info.id)
		}
		names := map[string]string{}
		for _, p := range o.PathParams() {
			names[p] = goArgName(p)
		}
		if info.params != nil {
			prefix := "" // query parameters are named as they are
			if o.Route.Operation.RequestBody != nil {
				prefix = "/" // body fields by JSON pointer
			}
			wireNames(info.params, prefix, "", names)
		}
		ops[i] = &operation{operationInfo: info, spec: o, goNames: names}
	}
	return ops, nil
}

// goArgName is the Go argument a path parameter is passed as: the method
// arguments follow the wire names in Go style (session_id is sessionID).
func goArgName(wire string) string {
	parts := strings.Split(wire, "_")
	for i, p := range parts {
		switch {
		case i == 0:
		case p == "id" || p == "url":
			parts[i] = strings.ToUpper(p)
		case p != "":
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, "")
}

// wireNames adds the wire name to Go name pairs of the `wire`-tagged fields
// of struct t (or a pointer to one) to names, recursing into fields whose
// own type has tagged fields: CustomProxy.Port is /customProxy/port.
func wireNames(t reflect.Type, wirePrefix, goPrefix string, names map[string]string) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return
	}
	for _, f := range reflect.VisibleFields(t) {
		wire, ok := f.Tag.Lookup("wire")
		if !ok {
			continue
		}
		names[wirePrefix+wire] = goPrefix + f.Name
		if wirePrefix != "" {
			wireNames(f.Type, wirePrefix+wire+"/", goPrefix+f.Name+".", names)
		}
	}
}
