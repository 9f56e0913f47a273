package browseruse

import (
	"fmt"

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
	// creates names what a create starts ("session", "task"): a failure
	// after the request may have reached the server is then an
	// UnknownOutcomeError, and 429 is the plan's concurrency cap.
	creates string
	// sessionConflicts: a 400 means the session is stopped or busy
	// (ErrSessionStopped, ErrSessionBusy, told apart by the detail).
	sessionConflicts bool
	// notFound is the sentinel a 404 with a detail matches (nil: none).
	notFound error
	// forbidden is the sentinel a 403 matches (nil: ErrUnauthorized).
	forbidden error
	// goNames maps the wire names of the request's parameters and body
	// fields ("pageSize", "/customProxy/port") to the Go names the user
	// wrote ("PageSize", "CustomProxy.Port"), for RequestValidationError.
	goNames map[string]string
}

// operationTable is the facade's view of every operation in one place,
// the retry policy included (the README's Reliability section shows it).
var operationTable = [opCount]operationInfo{
	opListSessions:      {id: "listSessions", method: "ListSessions", retry: retryIdempotent, goNames: listSessionsNames},
	opCreateSession:     {id: "createSession", method: "CreateSession", retry: retryUnsent, creates: "session", notFound: ErrProfileNotFound, goNames: createSessionNames},
	opGetSession:        {id: "getSession", method: "GetSession", retry: retryIdempotent, notFound: ErrSessionNotFound, goNames: sessionIDNames},
	opUpdateSession:     {id: "updateSession", method: "StopSession", retry: retryIdempotent, notFound: ErrSessionNotFound, goNames: sessionIDNames}, // stopping twice is harmless
	opDeleteSession:     {id: "deleteSession", method: "DeleteSession", retry: retryIdempotent, notFound: ErrSessionNotFound, goNames: sessionIDNames},
	opPurgeSession:      {id: "purgeSession", method: "PurgeSession", retry: retryIdempotent, notFound: ErrSessionNotFound, forbidden: ErrPurgeNotAllowed, goNames: sessionIDNames},
	opGetPublicShare:    {id: "getPublicShare", method: "GetPublicShare", retry: retryIdempotent, notFound: ErrShareNotFound, goNames: sessionIDNames},
	opCreatePublicShare: {id: "createPublicShare", method: "CreatePublicShare", retry: retryIdempotent, notFound: ErrSessionNotFound, goNames: sessionIDNames}, // returns the existing share
	opDeletePublicShare: {id: "deletePublicShare", method: "DeletePublicShare", retry: retryIdempotent, notFound: ErrSessionNotFound, goNames: sessionIDNames},
	opListTasks:         {id: "listTasks", method: "ListTasks", retry: retryIdempotent, goNames: listTasksNames},
	opCreateTask:        {id: "createTask", method: "CreateTask", retry: retryUnsent, creates: "task", sessionConflicts: true, notFound: ErrSessionNotFound, goNames: createTaskNames},
	opGetTask:           {id: "getTask", method: "GetTask", retry: retryIdempotent, notFound: ErrTaskNotFound, goNames: taskIDNames},
	opUpdateTask:        {id: "updateTask", method: "StopTask", retry: retryIdempotent, notFound: ErrTaskNotFound, goNames: taskIDNames}, // stopping twice is harmless
	opGetTaskStatus:     {id: "getTaskStatus", method: "GetTaskStatus", retry: retryIdempotent, notFound: ErrTaskNotFound, goNames: taskIDNames},
	opGetTaskLogs:       {id: "getTaskLogs", method: "TaskLogsURL", retry: retryIdempotent, notFound: ErrTaskNotFound, goNames: taskIDNames},
}

// operation is an operation of the spec with the facade's information,
// resolved once by NewClient.
type operation struct {
	operationInfo
	spec *specval.Operation
}

// resolveOperations finds every operation of operationTable in the spec.
func resolveOperations(spec *specval.Spec) ([opCount]*operation, error) {
	var ops [opCount]*operation
	for i, info := range operationTable {
		o := spec.Operation(info.id)
		if o == nil {
			return ops, fmt.Errorf("browseruse: the embedded openapi.yaml has no operation %q", info.id)
		}
		ops[i] = &operation{operationInfo: info, spec: o}
	}
	return ops, nil
}

// sessionIDNames names the session id argument of the id operations.
var sessionIDNames = map[string]string{"session_id": "sessionID"}

// taskIDNames names the task id argument of the operations on one task.
var taskIDNames = map[string]string{"task_id": "taskID"}
