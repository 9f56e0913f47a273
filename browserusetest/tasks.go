package browserusetest

import (
	"bytes"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// Details the service sends for tasks.
const (
	detailTaskNotFound   = "Task not found"
	detailSessionStopped = "Browser session is stopped. Please start a new session and try again."
	detailSessionBusy    = "Agent session already has a running task. Please wait for it to finish or stop it manually."
)

// TaskInput is what a TaskRunner is told about a new task: the request,
// with the service's defaults filled in.
type TaskInput struct {
	// ID and SessionID are the task's and its session's (a new one when
	// the request named none).
	ID, SessionID string
	// Task is the prompt.
	Task string
	// LLM is the model ("browser-use-2.0" when none was given).
	LLM string
	// StartURL is the page the agent starts at ("" when none).
	StartURL string
	// StructuredOutput is the JSON schema the output must follow, as text
	// ("" when none): DefaultTaskRunner answers a value made from it.
	StructuredOutput string
	// MaxSteps is the step limit (100 when none was given).
	MaxSteps int
	// Metadata and Secrets are as sent (Secrets in clear: the fake's
	// request log masks them, a script sees them).
	Metadata, Secrets map[string]string
	// AllowedDomains are the domains the agent may visit (nil: any).
	AllowedDomains []string
	// Files are the files uploaded to the task's session so far (names and
	// bytes, copies), as the agent sees them: by name.
	Files []File
}

// TaskResult is the script of a task: how long it runs and how it ends.
type TaskResult struct {
	// Output is the agent's final answer ("" is sent as null).
	Output string
	// Failed ends the task failed rather than finished.
	Failed bool
	// Success is its isSuccess; nil means !Failed.
	Success *bool
	// Steps is how many steps it reports (0 means 1, or len(StepDurations)).
	// They appear one by one while it runs: step k once k of them have
	// taken their time (StepDurations, else Duration/Steps each), so that
	// GET /tasks/{id} shows them growing; the last appears as it ends.
	Steps int
	// StepDurations are the steps' durations, in order (optional); when
	// set, Steps is its length, and a Duration of 0 is their sum.
	StepDurations []time.Duration
	// StartAfter is how long it stays created before it starts.
	StartAfter time.Duration
	// Duration is how long it runs once started; it then ends by itself
	// (0 means DefaultTaskDuration).
	Duration time.Duration
	// Cost is its cost in US dollars ("" means "0.01").
	Cost string
	// OutputFiles are the files it produced: they appear in the task's
	// outputFiles, and their download links serve Data.
	OutputFiles []File
}

// TaskRunner decides the script of each task created in the fake.
type TaskRunner func(TaskInput) TaskResult

// DefaultTaskDuration is how long a task runs unless its script says.
const DefaultTaskDuration = 20 * time.Millisecond

// DefaultTaskRunner finishes every task after DefaultTaskDuration with the
// output "Done: <task>". A task with a structured output (a JSON schema)
// is answered instead with a JSON value made from the schema, the same for
// the same schema, so that code that decodes it (RunTaskAs, or another
// SDK's) can run against the fake without a script:
//
//   - objects: every property listed, required or not (an optional one it
//     cannot make is left out; inside a $ref cycle only the required ones,
//     so that the value ends), minProperties and maxProperties;
//   - the first value of enum (of the schema's type), const; the first
//     branch of anyOf or oneOf that it can make, a branch that only allows
//     null last (oneOf is taken as anyOf: with overlapping branches the
//     value may fit more than one); allOf merged;
//   - type arrays and nullable: the first type that is not null;
//   - numbers: 0, else the nearest value within minimum and maximum (both
//     the boolean exclusive form of draft 4 and OpenAPI 3.0, and the
//     numeric one of later drafts), multipleOf;
//   - strings: "string", or a fixed value of the format (date-time, date,
//     time, uuid, email, uri, hostname, ipv4, ipv6, duration), within
//     minLength and maxLength; a pattern in Go's RE2 syntax (no lookaround
//     or backreferences, which fail to compile) is followed by walking its
//     syntax tree: the first alternative, the fewest repetitions, then a few
//     more, or padding when it is not anchored; the result is checked with
//     regexp;
//   - arrays: minItems items, one when none are required, prefixItems and
//     draft 7 tuples, uniqueItems;
//   - local $refs: #/$defs/..., #/definitions/..., any #/ JSON pointer, as
//     Pydantic's model_json_schema() and zod-to-json-schema emit them.
//
// A schema it cannot satisfy fails the task (isSuccess false) with an
// output that says where and why, rather than answering a value that would
// not validate: one that is not JSON; a keyword it does not follow (not,
// if/then/else, patternProperties, propertyNames, contains, dependent*,
// unevaluated*, dynamic refs); a remote $ref; bounds nothing fits; more
// than 64 levels of nesting, 10,000 values or 1 MiB of strings. Give such a
// task a script with WithTaskRunner. A script may call DefaultTaskRunner
// for its output and set its own timing.
func DefaultTaskRunner(in TaskInput) TaskResult {
	if in.StructuredOutput != "" {
		out, err := outputFor(in.StructuredOutput)
		if err != nil {
			return TaskResult{Failed: true, Output: "browserusetest: the default script cannot make an output for this structuredOutput " +
				err.Error() + "; give the task a script with WithTaskRunner"}
		}
		return TaskResult{Output: out}
	}
	return TaskResult{Output: "Done: " + in.Task, Steps: DefaultTaskSteps}
}

// DefaultTaskSteps is how many steps DefaultTaskRunner's tasks take,
// spread evenly over their duration.
const DefaultTaskSteps = 3

// WithTaskRunner sets the script of the tasks created from now on (the
// default is DefaultTaskRunner). It is called once per task, under the
// fake's lock: it must not call the fake.
func WithTaskRunner(run TaskRunner) Option { return func(f *Fake) { f.runner = run } }

// task is one task in the fake. Its state moves on with the clock: tick
// advances it whenever the fake is asked something.
type task struct {
	view     gen.TaskView
	session  *session
	script   TaskResult
	scripted bool // false for AddTask's tasks, which keep the state given
	startURL string
	startAt  time.Time
	endAt    time.Time
	files    map[string]File // output files by id
}

func (t *task) running() bool {
	return t.view.Status == gen.TaskStatusCreated || t.view.Status == gen.TaskStatusStarted
}

// tickLocked moves every scripted task on to where the clock says it is.
func (f *Fake) tickLocked() {
	now := f.now().UTC()
	for _, t := range f.tasks {
		if !t.scripted || !t.running() {
			continue
		}
		if t.view.Status == gen.TaskStatusCreated && !now.Before(t.startAt) {
			f.startLocked(t)
		}
		if t.view.Status == gen.TaskStatusStarted && !now.Before(t.endAt) {
			f.endLocked(t)
		} else if t.view.Status == gen.TaskStatusStarted {
			f.revealStepsLocked(t, now)
		}
	}
}

// startLocked marks a created task started at its startAt, and sends its webhook.
func (f *Fake) startLocked(t *task) {
	t.view.Status = gen.TaskStatusStarted
	t.view.StartedAt = ptr(f.stamp(t.startAt))
	f.taskChangedLocked(t, t.startAt)
}

// endLocked ends a task by its script; a session that is not kept alive
// stops with it.
func (f *Fake) endLocked(t *task) {
	s := t.script
	t.view.Status = gen.TaskStatusFinished
	if s.Failed {
		t.view.Status = gen.TaskStatusFailed
	}
	t.view.FinishedAt = ptr(f.stamp(t.endAt))
	if s.Output != "" {
		t.view.Output = ptr(s.Output)
	}
	success := !s.Failed
	if s.Success != nil {
		success = *s.Success
	}
	t.view.IsSuccess = &success
	t.view.Cost = ptr(gen.Decimal(s.Cost))
	t.view.BrowserUseVersion = ptr("0.9.0-fake")
	t.appendStepsLocked(max(s.Steps, 1))
	for _, file := range s.OutputFiles {
		id := newUUID()
		t.view.OutputFiles = append(t.view.OutputFiles, gen.FileView{ID: id, FileName: file.Name})
		if t.files == nil {
			t.files = map[string]File{}
		}
		t.files[id] = File{Name: file.Name, Data: bytes.Clone(file.Data)}
	}
	f.taskChangedLocked(t, t.endAt) // the task is complete: steps, files
	if sess := t.session; sess != nil && sess.view.KeepAlive != nil && !*sess.view.KeepAlive {
		f.stopSessionLocked(sess, t.endAt)
	}
}

// revealStepsLocked shows the steps a running task has taken by now.
func (f *Fake) revealStepsLocked(t *task, now time.Time) {
	n := max(t.script.Steps, 1)
	elapsed := now.Sub(t.startAt)
	done := 0
	if d := t.script.StepDurations; len(d) > 0 {
		var sum time.Duration
		for _, step := range d {
			sum += step
			if sum > elapsed {
				break
			}
			done++
		}
	} else if t.script.Duration > 0 {
		done = int(int64(elapsed) * int64(n) / int64(t.script.Duration))
	}
	t.appendStepsLocked(min(done, n-1)) // the last step comes with the end
}

// appendStepsLocked adds steps up to n.
func (t *task) appendStepsLocked(n int) {
	url := t.startURL
	if url == "" {
		url = "about:blank"
	}
	for i := len(t.view.Steps); i < n; i++ {
		t.view.Steps = append(t.view.Steps, gen.TaskStepView{
			Number: i + 1, Memory: "", EvaluationPreviousGoal: "", NextGoal: fmt.Sprintf("step %d", i+1), URL: url, Actions: []string{},
		})
	}
}

// Errors of FinishTask, FailTask and EndTask.
var (
	// ErrNoTask: the fake holds no task with that id.
	ErrNoTask = errors.New("browserusetest: no such task")
	// ErrTaskEnded: the task has ended already (finished, failed or stopped).
	ErrTaskEnded = errors.New("browserusetest: the task has ended")
)

// FinishTask ends a running task now, finished, with output as the agent's
// answer ("" is sent as null); the rest is as its script says (steps, cost,
// files; isSuccess true). A wait on it returns at its next poll, whatever
// the script's Duration. It fails with ErrNoTask or ErrTaskEnded.
func (f *Fake) FinishTask(taskID, output string) error {
	return f.endTaskNow(taskID, func(script TaskResult) TaskResult {
		script.Output, script.Failed, script.Success = output, false, nil
		return script
	})
}

// FailTask ends a running task now, failed (isSuccess false), with output
// as its last words; the rest is as FinishTask. A wait on it returns a
// *browseruse.TaskError (ErrTaskFailed).
func (f *Fake) FailTask(taskID, output string) error {
	return f.endTaskNow(taskID, func(script TaskResult) TaskResult {
		script.Output, script.Failed, script.Success = output, true, nil
		return script
	})
}

// EndTask ends a running task now as result says, in place of its script:
// Output, Failed, Success, Steps, Cost and OutputFiles as in a script
// (StartAfter and Duration are ignored), for outcomes FinishTask and
// FailTask do not give, such as a finished task the agent judged
// unsuccessful. It also ends the tasks AddTask added in a running state. A
// session with keepAlive false stops with its task, as when a script ends.
func (f *Fake) EndTask(taskID string, result TaskResult) error {
	return f.endTaskNow(taskID, func(TaskResult) TaskResult { return result })
}

// endTaskNow ends a running task now with the script script gives it.
func (f *Fake) endTaskNow(taskID string, script func(TaskResult) TaskResult) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tickLocked() // a task its clock ended already has ended
	t, ok := f.tasks[taskID]
	if !ok {
		return fmt.Errorf("%w: %q", ErrNoTask, taskID)
	}
	if !t.running() {
		return fmt.Errorf("%w: %s is %s", ErrTaskEnded, taskID, t.view.Status)
	}
	t.script = normalized(script(t.script))
	now := f.now().UTC()
	if t.view.Status == gen.TaskStatusCreated {
		t.startAt = now
		f.startLocked(t)
	}
	t.endAt = now
	f.endLocked(t)
	return nil
}

// normalized fills in a script's defaults.
func normalized(script TaskResult) TaskResult {
	if len(script.StepDurations) > 0 {
		script.Steps = len(script.StepDurations)
		if script.Duration <= 0 {
			for _, d := range script.StepDurations {
				script.Duration += d
			}
		}
	}
	if script.Duration <= 0 {
		script.Duration = DefaultTaskDuration
	}
	if script.Cost == "" {
		script.Cost = "0.01"
	}
	return script
}

// stopTaskLocked stops a running task now.
func (f *Fake) stopTaskLocked(t *task) {
	if !t.running() {
		return // stopping twice is harmless
	}
	now := f.now()
	t.view.Status = gen.TaskStatusStopped
	t.view.FinishedAt = ptr(f.stamp(now))
	f.taskChangedLocked(t, now)
}

func (f *Fake) createTask(req request) reply {
	var in gen.CreateTaskRequest
	if invalid := decodeBody(req, &in); invalid != nil {
		return *invalid
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var s *session
	if in.SessionID != nil {
		var ok bool
		if s, ok = f.sessions[*in.SessionID]; !ok {
			return detail(http.StatusNotFound, detailSessionNotFound)
		}
		if s.view.Status != gen.SessionStatusActive {
			return detail(http.StatusBadRequest, detailSessionStopped)
		}
		for _, t := range s.tasks {
			if t.running() {
				return detail(http.StatusBadRequest, detailSessionBusy)
			}
		}
	} else {
		// A session of its own, closed when the task ends.
		if f.maxActive > 0 && f.activeLocked() >= f.maxActive {
			return detail(http.StatusTooManyRequests, detailTooMany)
		}
		settings := gen.CreateSessionRequest{KeepAlive: ptr(false)}
		if st := in.SessionSettings; st != nil {
			settings.EnableRecording = st.EnableRecording
			if st.ProfileID != nil {
				f.useProfileLocked(*st.ProfileID) // the session loads it: lastUsedAt moves
			}
		}
		s = f.newSessionLocked(settings)
	}
	input := TaskInput{
		ID: newUUID(), SessionID: s.view.ID, Task: in.Task, LLM: "browser-use-2.0", StartURL: deref(in.StartURL),
		StructuredOutput: deref(in.StructuredOutput), MaxSteps: 100, AllowedDomains: derefSlice(in.AllowedDomains),
		Files: cloneFiles(s.files),
	}
	if in.LLM != nil {
		input.LLM = string(*in.LLM)
	}
	if in.MaxSteps != nil {
		input.MaxSteps = *in.MaxSteps
	}
	if in.Metadata != nil {
		input.Metadata = *in.Metadata
	}
	if in.Secrets != nil {
		input.Secrets = *in.Secrets
	}
	script := normalized(f.runner(input))
	now := f.now().UTC()
	metadata := map[string]string{}
	for k, v := range input.Metadata {
		metadata[k] = v
	}
	t := &task{
		view: gen.TaskView{
			ID: input.ID, SessionID: s.view.ID, LLM: input.LLM, Task: in.Task, Status: gen.TaskStatusCreated,
			CreatedAt: f.stamp(now), Metadata: metadata, Steps: []gen.TaskStepView{}, OutputFiles: []gen.FileView{},
		},
		session: s, script: script, scripted: true, startURL: input.StartURL,
		startAt: now.Add(script.StartAfter), endAt: now.Add(script.StartAfter + script.Duration),
	}
	f.addTaskLocked(t)
	f.taskCreatedLocked()
	return reply{http.StatusAccepted, gen.TaskCreatedResponse{ID: t.view.ID, SessionID: s.view.ID}}
}

func (f *Fake) addTaskLocked(t *task) {
	f.tasks[t.view.ID] = t
	f.taskOrder = append(f.taskOrder, t.view.ID)
	t.session.tasks = append(t.session.tasks, t)
}

// onTask runs fn on the request's task under the lock, or answers 404.
func (f *Fake) onTask(req request, fn func(*task) reply) reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	t, ok := f.tasks[req.r.PathValue("task_id")]
	if !ok {
		return detail(http.StatusNotFound, detailTaskNotFound)
	}
	return fn(t)
}

func (f *Fake) getTask(req request) reply {
	return f.onTask(req, func(t *task) reply { return reply{http.StatusOK, t.view} })
}

func (f *Fake) getTaskStatus(req request) reply {
	return f.onTask(req, func(t *task) reply {
		v := t.view
		return reply{http.StatusOK, gen.TaskStatusView{ID: v.ID, Status: v.Status, Output: v.Output, FinishedAt: v.FinishedAt, IsSuccess: v.IsSuccess, Cost: v.Cost}}
	})
}

func (f *Fake) updateTask(req request) reply {
	var in gen.UpdateTaskRequest
	if invalid := decodeBody(req, &in); invalid != nil {
		return *invalid
	}
	return f.onTask(req, func(t *task) reply {
		f.stopTaskLocked(t)
		if in.Action == gen.TaskUpdateActionStopTaskAndSession {
			f.stopSessionLocked(t.session, f.now().UTC())
		}
		return reply{http.StatusOK, t.view}
	})
}

func (f *Fake) getTaskLogs(req request) reply {
	return f.onTask(req, func(t *task) reply {
		return reply{http.StatusOK, gen.TaskLogFileResponse{DownloadURL: "https://logs.browser-use.test/" + t.view.ID + ".log"}}
	})
}

func (f *Fake) listTasks(req request) reply {
	q := req.r.URL.Query()
	sessionID, status := q.Get("sessionId"), gen.TaskStatus(q.Get("filterBy"))
	after, hasAfter := parseTime(q.Get("after"))
	before, hasBefore := parseTime(q.Get("before"))
	f.mu.Lock()
	defer f.mu.Unlock()
	p := paginate(req, f.taskOrder, func(id string) (gen.TaskItemView, bool) {
		t := f.tasks[id]
		created := t.view.CreatedAt.Time
		return itemOfTask(t.view), (sessionID == "" || t.view.SessionID == sessionID) && (status == "" || t.view.Status == status) &&
			(!hasAfter || !created.Before(after)) && (!hasBefore || created.Before(before))
	})
	return reply{http.StatusOK, gen.TaskListResponse{Items: p.items, TotalItems: p.total, PageNumber: p.number, PageSize: p.size}}
}

// itemOfTask is the list form of a task.
func itemOfTask(v gen.TaskView) gen.TaskItemView {
	return gen.TaskItemView{
		ID: v.ID, SessionID: v.SessionID, LLM: v.LLM, Task: v.Task, Status: v.Status, CreatedAt: v.CreatedAt,
		StartedAt: v.StartedAt, FinishedAt: v.FinishedAt, Metadata: v.Metadata, Output: v.Output,
		BrowserUseVersion: v.BrowserUseVersion, IsSuccess: v.IsSuccess, Judgement: v.Judgement,
		JudgeVerdict: v.JudgeVerdict, Cost: v.Cost, Suggestions: v.Suggestions,
	}
}

func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	t, err := apitime.Parse(s)
	return t, err == nil
}

// deref is *p, or the zero value when p is nil.
func deref[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}

func derefSlice(p *[]string) []string {
	if p == nil {
		return nil
	}
	return *p
}
