package browserusetest

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

const (
	apiKeyHeader = "X-Browser-Use-API-Key"
	maxBody      = 1 << 20
	// Details the service sends, kept identical so clients can match them.
	detailSessionNotFound = "Session not found"
	detailProfileNotFound = "Profile not found"
	detailShareNotFound   = "Public share not found"
	detailTooMany         = "Too many concurrent active sessions. Please wait for one to finish, kill one, or upgrade your plan."
)

// reply is an answer: a status and a JSON body (nil for none).
type reply struct {
	status int
	body   any
}

func (r reply) write(w http.ResponseWriter) {
	if r.body == nil {
		w.WriteHeader(r.status)
		return
	}
	data, err := json.Marshal(r.body)
	if err != nil {
		http.Error(w, `{"detail":"fake: cannot encode answer"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(r.status)
	_, _ = w.Write(data)
}

func detail(status int, msg string) reply {
	return reply{status, map[string]string{"detail": msg}}
}

// request is what a handler gets: the validated input.
type request struct {
	id    string         // session_id path parameter
	query map[string]int // pageSize, pageNumber
	body  []byte
	r     *http.Request
}

func (f *Fake) routes() *http.ServeMux {
	mux := http.NewServeMux()
	one := BasePath + "/sessions/{session_id}"
	known := http.NewServeMux() // the same paths without methods, for 405
	for pattern, op := range map[string]struct {
		id     string
		handle func(request) reply
	}{
		"GET " + BasePath + "/sessions":                                     {OpListSessions, f.listSessions},
		"POST " + BasePath + "/sessions":                                    {OpCreateSession, f.createSession},
		"GET " + one:                                                        {OpGetSession, f.getSession},
		"PATCH " + one:                                                      {OpStopSession, f.updateSession},
		"DELETE " + one:                                                     {OpDeleteSession, f.deleteSession},
		"POST " + one + "/purge":                                            {OpPurgeSession, f.purgeSession},
		"GET " + one + "/public-share":                                      {OpGetPublicShare, f.getShare},
		"POST " + one + "/public-share":                                     {OpCreatePublicShare, f.createShare},
		"DELETE " + one + "/public-share":                                   {OpDeletePublicShare, f.deleteShare},
		"GET " + BasePath + "/tasks":                                        {OpListTasks, f.listTasks},
		"POST " + BasePath + "/tasks":                                       {OpCreateTask, f.createTask},
		"GET " + BasePath + "/tasks/{task_id}":                              {OpGetTask, f.getTask},
		"PATCH " + BasePath + "/tasks/{task_id}":                            {OpStopTask, f.updateTask},
		"GET " + BasePath + "/tasks/{task_id}/status":                       {OpGetTaskStatus, f.getTaskStatus},
		"GET " + BasePath + "/tasks/{task_id}/logs":                         {OpTaskLogsURL, f.getTaskLogs},
		"GET " + BasePath + "/profiles":                                     {OpListProfiles, f.listProfiles},
		"POST " + BasePath + "/profiles":                                    {OpCreateProfile, f.createProfile},
		"GET " + BasePath + "/profiles/{profile_id}":                        {OpGetProfile, f.getProfile},
		"PATCH " + BasePath + "/profiles/{profile_id}":                      {OpUpdateProfile, f.updateProfile},
		"DELETE " + BasePath + "/profiles/{profile_id}":                     {OpDeleteProfile, f.deleteProfile},
		"GET " + BasePath + "/billing/account":                              {OpAccount, f.getAccount},
		"POST " + BasePath + "/files/sessions/{session_id}/presigned-url":   {OpUploadFile, f.createUploadURL},
		"GET " + BasePath + "/files/tasks/{task_id}/output-files/{file_id}": {OpOutputFileURL, f.getTaskOutputFile},
		"GET " + BasePath + "/browsers":                                     {OpListBrowsers, f.listBrowsers},
		"POST " + BasePath + "/browsers":                                    {OpCreateBrowser, f.createBrowser},
		"GET " + BasePath + "/browsers/{session_id}":                        {OpGetBrowser, f.getBrowser},
		"PATCH " + BasePath + "/browsers/{session_id}":                      {OpStopBrowser, f.updateBrowser},
		"GET " + BasePath + "/browsers/{session_id}/downloads":              {OpBrowserDownloads, f.listBrowserDownloads},
		"POST " + BasePath + "/files/browsers/{session_id}/presigned-url":   {OpUploadBrowserFile, f.createBrowserUploadURL},
	} {
		mux.Handle(pattern, f.serve(op.id, op.handle))
		path := pattern[strings.IndexByte(pattern, ' ')+1:]
		if _, registered := known.Handler(&http.Request{Method: http.MethodGet, URL: &url.URL{Path: path}}); registered == "" {
			known.Handle(path, http.NotFoundHandler())
		}
	}
	mux.HandleFunc("GET /live/{session_id}", f.serveLive) // a browser's liveUrl
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		f.record("", r, body)
		if _, pattern := known.Handler(r); pattern != "" {
			// A path the API has, with another method: FastAPI's answer.
			detail(http.StatusMethodNotAllowed, "Method Not Allowed").write(w)
			return
		}
		detail(http.StatusNotFound, "Not Found").write(w)
	})
	return mux
}

// ServeHTTP serves the fake API under BasePath.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// serve wraps an operation: record, latency and faults, auth, validation.
func (f *Fake) serve(op string, handle func(request) reply) http.Handler {
	operation := f.spec.Operation(op)
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		w := &statusWriter{ResponseWriter: rw, onStatus: func(status int) { f.answered(op, status) }}
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		f.record(op, r, body)
		fault, latency := f.takeFault(op)
		sleep(r.Context(), latency)
		if fault != nil {
			sleep(r.Context(), fault.Delay)
			if !fault.AfterApplying {
				serveFault(w, fault, nil)
				return
			}
		}
		var answer reply
		if r.Header.Get(apiKeyHeader) != f.apiKey {
			answer = detail(http.StatusUnauthorized, "Invalid or missing API key")
		} else if req, invalid := f.validate(operation, r, body); invalid != nil {
			answer = *invalid
		} else {
			f.mu.Lock()
			f.tickLocked()                      // tasks move on with the clock
			expired := f.expireBrowsersLocked() // and browsers time out
			f.mu.Unlock()
			stopAll(expired)
			answer = handle(req)
		}
		if fault != nil {
			rec := newRecorder()
			answer.write(rec)
			serveFault(w, fault, rec)
			return
		}
		answer.write(w)
	})
}

// validate checks the request against openapi.yaml with kin-openapi and
// answers 422 the way FastAPI does when it breaks a rule.
func (f *Fake) validate(op *specval.Operation, r *http.Request, body []byte) (request, *reply) {
	req := request{id: r.PathValue("session_id"), query: map[string]int{}, body: body, r: r}
	checked := r.Clone(r.Context())
	checked.Body = io.NopCloser(bytes.NewReader(body))
	if len(bytes.TrimSpace(body)) > 0 && !strings.Contains(r.Header.Get("Content-Type"), "json") {
		// FastAPI reads the body as JSON whatever its declared type (curl
		// -d sends application/x-www-form-urlencoded).
		checked.Header.Set("Content-Type", "application/json")
	}
	pathParams := map[string]string{}
	for _, p := range op.Route.PathItem.Parameters {
		if p.Value.In == "path" {
			pathParams[p.Value.Name] = r.PathValue(p.Value.Name)
		}
	}
	problems := violations(op.CheckRequest(r.Context(), checked, pathParams))
	if len(problems) == 0 {
		for name, values := range r.URL.Query() {
			if n, err := strconv.Atoi(values[0]); err == nil {
				req.query[name] = n // pageSize, pageNumber: checked to be integers
			}
		}
		if len(bytes.TrimSpace(body)) == 0 {
			req.body = []byte("{}")
		}
		return req, nil
	}
	// FastAPI answers {"detail": [...]} with every problem; for create and
	// stop the upstream description declares one bare ValidationError,
	// which WithBareValidationErrors answers instead.
	if f.bare422 && (op.ID == OpCreateSession || op.ID == OpStopSession || op.ID == OpCreateBrowser || op.ID == OpStopBrowser) {
		return req, &reply{http.StatusUnprocessableEntity, problems[0]}
	}
	return req, &reply{http.StatusUnprocessableEntity, map[string]any{"detail": problems}}
}

type validationError struct {
	Loc  []any  `json:"loc"`
	Msg  string `json:"msg"`
	Type string `json:"type"`
}

// violations words kin-openapi's findings as FastAPI's issues: loc is
// where (["query", "pageSize"], ["body", "customProxy", "port"]).
func violations(vs []specval.Violation) []validationError {
	out := make([]validationError, 0, len(vs))
	for _, v := range vs {
		loc := []any{v.In}
		for _, part := range strings.Split(strings.TrimPrefix(v.Field, "/"), "/") {
			if part != "" {
				loc = append(loc, part)
			}
		}
		out = append(out, validationError{Loc: loc, Msg: v.Rule, Type: fastAPIType(v)})
	}
	return out
}

// fastAPIType names a problem as FastAPI (pydantic) does where it differs
// from the schema keyword.
func fastAPIType(v specval.Violation) string {
	switch {
	case v.Keyword == "required":
		return "missing"
	case v.Keyword == "parse" && v.In == "body":
		return "json_invalid"
	case v.Keyword == "parse":
		return "int_parsing" // the only parameters parsed are integers
	}
	return v.Keyword
}

// decodeBody decodes a validated body into the generated request type; a
// body kin-openapi let through but that type cannot hold is a 422 too.
func decodeBody(req request, into any) *reply {
	if err := json.Unmarshal(req.body, into); err != nil {
		return &reply{http.StatusUnprocessableEntity, validationError{Loc: []any{"body"}, Msg: "Input should be an object", Type: "model_type"}}
	}
	return nil
}

// ---- operations ----

func (f *Fake) createSession(req request) reply {
	var in gen.CreateSessionRequest
	if invalid := decodeBody(req, &in); invalid != nil {
		return *invalid
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.noCreditsLocked() {
		return reply{status: http.StatusPaymentRequired}
	}
	if in.ProfileID != nil && f.profiles[*in.ProfileID] == nil {
		return detail(http.StatusNotFound, detailProfileNotFound)
	}
	if f.maxActive > 0 && f.activeLocked() >= f.maxActive {
		return detail(http.StatusTooManyRequests, detailTooMany)
	}
	if in.ProfileID != nil {
		f.useProfileLocked(*in.ProfileID)
	}
	return reply{http.StatusCreated, itemOf(f.newSessionLocked(in).view)}
}

// newSessionLocked starts a session with the service's defaults.
func (f *Fake) newSessionLocked(in gen.CreateSessionRequest) *session {
	id := newUUID()
	s := &session{
		view: gen.SessionView{
			ID:            id,
			Status:        gen.SessionStatusActive,
			StartedAt:     f.stamp(f.now()),
			LiveURL:       ptr("https://live.browser-use.test/" + id),
			PersistMemory: boolOr(in.PersistMemory, true),
			KeepAlive:     boolOr(in.KeepAlive, true),
			ProxyUsedMb:   ptr[gen.Decimal]("0"),
			ProxyCost:     ptr[gen.Decimal]("0"),
		},
		recording: in.EnableRecording != nil && *in.EnableRecording,
	}
	f.sessions[id] = s
	f.order = append(f.order, id)
	return s
}

// sessionViewLocked is a session with its tasks, as get and stop answer.
func (f *Fake) sessionViewLocked(s *session) gen.SessionView {
	v := s.view
	v.Tasks = make([]gen.TaskItemView, len(s.tasks))
	for i, t := range s.tasks {
		v.Tasks[i] = itemOfTask(t.view)
	}
	return v
}

func (f *Fake) listSessions(req request) reply {
	status := gen.SessionStatus(req.r.URL.Query().Get("filterBy"))
	f.mu.Lock()
	defer f.mu.Unlock()
	p := paginate(req, f.order, func(id string) (gen.SessionItemView, bool) {
		s := f.sessions[id]
		return itemOf(s.view), status == "" || s.view.Status == status
	})
	return reply{http.StatusOK, gen.SessionListResponse{Items: p.items, TotalItems: p.total, PageNumber: p.number, PageSize: p.size}}
}

// page is one page of a list the fake answers.
type page[T any] struct {
	items               []T
	total, number, size int
}

// paginate pages through ids, newest (last) first, as the service does:
// keep says whether an id matches the filters, and gives its list item.
func paginate[T any](req request, ids []string, keep func(id string) (T, bool)) page[T] {
	p := page[T]{number: 1, size: 10}
	if n, ok := req.query["pageSize"]; ok {
		p.size = n
	}
	if n, ok := req.query["pageNumber"]; ok {
		p.number = n
	}
	p.items = make([]T, 0, p.size)
	skip := (p.number - 1) * p.size
	for i := len(ids) - 1; i >= 0; i-- {
		item, ok := keep(ids[i])
		if !ok {
			continue
		}
		if p.total >= skip && len(p.items) < p.size {
			p.items = append(p.items, item)
		}
		p.total++
	}
	return p
}

// onSession runs fn on the request's session under the lock, or answers 404.
func (f *Fake) onSession(req request, fn func(*session) reply) reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[req.id]
	if !ok {
		return detail(http.StatusNotFound, detailSessionNotFound)
	}
	return fn(s)
}

func (f *Fake) getSession(req request) reply {
	return f.onSession(req, func(s *session) reply { return reply{http.StatusOK, f.sessionViewLocked(s)} })
}

func (f *Fake) updateSession(req request) reply {
	return f.onSession(req, func(s *session) reply {
		f.stopSessionLocked(s, f.now().UTC())
		return reply{http.StatusOK, f.sessionViewLocked(s)}
	})
}

// stopSessionLocked stops a session, and every task running in it, at.
func (f *Fake) stopSessionLocked(s *session, at time.Time) {
	if s.view.Status == gen.SessionStatusStopped { // stopping twice is harmless
		return
	}
	s.view.Status = gen.SessionStatusStopped
	s.view.FinishedAt = ptr(f.stamp(at))
	if s.recording {
		s.view.RecordingURL = ptr("https://recordings.browser-use.test/" + s.view.ID + ".mp4")
	}
	for _, t := range s.tasks {
		f.stopTaskLocked(t)
	}
}

func (f *Fake) deleteSession(req request) reply {
	return f.onSession(req, func(s *session) reply {
		delete(f.sessions, req.id)
		f.order = slices.DeleteFunc(f.order, func(id string) bool { return id == req.id })
		for _, t := range s.tasks { // a session is deleted with its tasks
			delete(f.tasks, t.view.ID)
		}
		f.taskOrder = slices.DeleteFunc(f.taskOrder, func(id string) bool { return f.tasks[id] == nil })
		return reply{status: http.StatusNoContent}
	})
}

func (f *Fake) purgeSession(req request) reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.zdr {
		return reply{status: http.StatusForbidden}
	}
	s, ok := f.sessions[req.id]
	if !ok {
		return detail(http.StatusNotFound, detailSessionNotFound)
	}
	for _, t := range s.tasks {
		t.view.Task = "[purged]"
		t.view.Output = nil
		t.view.Metadata = map[string]string{}
		t.view.Steps = []gen.TaskStepView{}
	}
	return reply{status: http.StatusNoContent}
}

func (f *Fake) getShare(req request) reply {
	return f.onSession(req, func(s *session) reply {
		if s.share == nil {
			return detail(http.StatusNotFound, detailShareNotFound)
		}
		// Every read counts as a view, so tests can see the statistics move.
		s.share.ViewCount++
		s.share.LastViewedAt = ptr(f.stamp(f.now()))
		return reply{http.StatusOK, *s.share}
	})
}

func (f *Fake) createShare(req request) reply {
	return f.onSession(req, func(s *session) reply {
		if s.share == nil {
			token := randomHex(16)
			s.share = &gen.ShareView{ShareToken: token, ShareURL: "https://share.browser-use.test/" + token}
			s.view.PublicShareURL = ptr(s.share.ShareURL)
		}
		return reply{http.StatusCreated, *s.share}
	})
}

func (f *Fake) deleteShare(req request) reply {
	return f.onSession(req, func(s *session) reply {
		s.share = nil
		s.view.PublicShareURL = nil
		return reply{status: http.StatusNoContent}
	})
}

// activeLocked counts what the plan's cap counts: active sessions and
// browsers (and browsers starting).
func (f *Fake) activeLocked() int {
	n := f.activeBrowsersLocked()
	for _, s := range f.sessions {
		if s.view.Status == gen.SessionStatusActive {
			n++
		}
	}
	return n
}

// itemOf is the list/create form of a session.
func itemOf(v gen.SessionView) gen.SessionItemView {
	return gen.SessionItemView{
		ID: v.ID, Status: v.Status, LiveURL: v.LiveURL, RecordingURL: v.RecordingURL,
		StartedAt: v.StartedAt, FinishedAt: v.FinishedAt,
		PersistMemory: *v.PersistMemory, KeepAlive: *v.KeepAlive,
		ProxyUsedMb: v.ProxyUsedMb, ProxyCost: v.ProxyCost,
	}
}

func boolOr(p *bool, def bool) *bool {
	if p != nil {
		return ptr(*p)
	}
	return ptr(def)
}

func ptr[T any](v T) *T { return &v }
