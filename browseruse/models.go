package browseruse

import (
	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/apidecimal"
	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// The response models are the types generated from openapi.yaml into gen,
// re-exported here so that programs import only this package. They cannot
// drift from the spec: regenerating gen/ changes them. A field the spec
// marks nullable or optional is a pointer (nil when absent or null).
//
// Every value the spec lists for an enum type below is a constant in
// package gen, generated with the type and named after it and the value:
// gen.LLMGpt41 is LLM("gpt-4.1"), gen.ThinkingLevelHigh, gen.TaskStatusFailed,
// gen.ProxyCountryCodeDe. They are of this package's types (the types are
// aliases), and regenerating gen/ adds and removes them with the spec.
type (
	// Session is one session in full, with its tasks (GetSession, StopSession).
	Session = gen.SessionView
	// SessionItem is a session as create and list return it.
	SessionItem = gen.SessionItemView
	// SessionPage is one page of ListSessions.
	SessionPage = gen.SessionListResponse
	// Task is one task in full, with its steps and output files (GetTask,
	// StopTask, WaitForTask, RunTask).
	Task = gen.TaskView
	// TaskItem is a task as lists and a Session's Tasks show it.
	TaskItem = gen.TaskItemView
	// TaskStatusView is the light view of a task, meant for polling
	// (GetTaskStatus).
	TaskStatusView = gen.TaskStatusView
	// CreatedTask is the answer to CreateTask: the task's and its
	// session's ids.
	CreatedTask = gen.TaskCreatedResponse
	// TaskPage is one page of ListTasks.
	TaskPage = gen.TaskListResponse
	// TaskStep is one step the agent took.
	TaskStep = gen.TaskStepView
	// OutputFile is a file the agent produced.
	OutputFile = gen.FileView
	// LLM names a model the agent runs on: a constant of gen such as
	// gen.LLMGpt41 or gen.LLMClaudeSonnet46, one per model openapi.yaml lists,
	// or LLM("a-newer-model"): the service adds models often; see
	// CreateTaskParams.LLM. Valid reports whether the spec lists it.
	LLM = gen.LLM
	// ThinkingLevel is how deeply the model reasons: one of the constants
	// gen.ThinkingLevel*, such as gen.ThinkingLevelLow.
	ThinkingLevel = gen.ThinkingLevel
	// Share is a session's public share.
	Share = gen.ShareView
	// SessionStatus is the state of a session: StatusActive or StatusStopped.
	// A server may add states; see ValidationCompatible.
	SessionStatus = gen.SessionStatus
	// TaskStatus is the state of a task.
	TaskStatus = gen.TaskStatus
	// Decimal is an amount a response carries as a decimal string (a
	// task's Cost, a session's ProxyCost and ProxyUsedMb), kept exactly as
	// sent: "0.0125". Rat reads it exactly, Float64 approximately; a string
	// that is not a decimal number is an error matching ErrNotDecimal,
	// never zero.
	Decimal = apidecimal.Decimal
	// Time is a timestamp of a response. It embeds time.Time; timestamps the
	// server sends without a zone offset are read as UTC.
	Time = apitime.Time

	// Profile is a browser profile: saved browser state (cookies, logins)
	// that sessions load and save (CreateProfile, GetProfile, ...).
	Profile = gen.ProfileView
	// ProfilePage is one page of ListProfiles.
	ProfilePage = gen.ProfileListResponse
	// Account is the API key's project's account: credits, rate limit and
	// plan (Account).
	Account = gen.AccountView
	// PlanInfo is the account's plan and subscription.
	PlanInfo = gen.PlanInfo
)

// Session states (the constants gen.SessionStatusActive and
// gen.SessionStatusStopped), named here too because the facade acts on them.
const (
	StatusActive  SessionStatus = gen.SessionStatusActive
	StatusStopped SessionStatus = gen.SessionStatusStopped
)

// Task states (the constants gen.TaskStatusCreated, ...), named here too
// because WaitForTask acts on them.
const (
	TaskCreated  TaskStatus = gen.TaskStatusCreated
	TaskStarted  TaskStatus = gen.TaskStatusStarted
	TaskFinished TaskStatus = gen.TaskStatusFinished
	TaskFailed   TaskStatus = gen.TaskStatusFailed
	TaskStopped  TaskStatus = gen.TaskStatusStopped
)

// ErrNotDecimal is matched by the error of Decimal.Rat and Decimal.Float64
// when the string is not a decimal number (possible only under
// ValidationOff: the other modes refuse such a response).
var ErrNotDecimal = apidecimal.ErrNotDecimal

// Ptr returns a pointer to v, for optional parameters: Ptr(false), Ptr(50).
func Ptr[T any](v T) *T { return &v }

// Deref returns *p, or T's zero value when p is nil: Deref(s.LiveURL).
func Deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
