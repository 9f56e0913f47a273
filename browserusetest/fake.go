// Package browserusetest provides a stateful, in-memory fake of the Browser
// Use sessions API for tests, shaped like net/http/httptest:
//
//	srv := browserusetest.NewServer()
//	defer srv.Close()
//	client, err := srv.Client() // polls and retries tuned for tests: milliseconds
//
// It implements the session, task, profile and account operations with the
// service's semantics (defaults, pagination, lifecycle, public shares, tasks
// run by a script on the fake's clock, or ended at once with FinishTask, a
// profile store, a billing account), checks the API key,
// validates every request against openapi.yaml (invalid ones get a
// FastAPI-style 422), and lets tests inject faults and read the requests it
// received. It is safe for concurrent use.
package browserusetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/apitime"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// BasePath is where the fake serves the API, as the real service does.
const BasePath = "/api/v2"

// The operations, for Inject, RequestCount, Statuses and Request.Operation.
// Each is named after the Client method that calls it (browseruse.Client's
// StopSession for OpStopSession); its value is the operationId in
// openapi.yaml. OpStopTask covers StopTask and StopTaskAndSession, which
// share an operation.
const (
	OpListSessions      = "listSessions"
	OpCreateSession     = "createSession"
	OpGetSession        = "getSession"
	OpStopSession       = "updateSession"
	OpDeleteSession     = "deleteSession"
	OpPurgeSession      = "purgeSession"
	OpGetPublicShare    = "getPublicShare"
	OpCreatePublicShare = "createPublicShare"
	OpDeletePublicShare = "deletePublicShare"
	OpListTasks         = "listTasks"
	OpCreateTask        = "createTask"
	OpGetTask           = "getTask"
	OpStopTask          = "updateTask"
	OpGetTaskStatus     = "getTaskStatus"
	OpTaskLogsURL       = "getTaskLogs"
	OpUploadFile        = "createUploadUrl"   // UploadFile's first step: the presigned POST
	OpOutputFileURL     = "getTaskOutputFile" // also DownloadOutputFile's and SaveOutputFiles' first step
)

// Fake is the fake API as an http.Handler, serving under BasePath. Use
// NewServer for a running server; use Fake directly to serve it yourself.
type Fake struct {
	apiKey string
	spec   *specval.Spec
	now    func() time.Time
	mux    *http.ServeMux

	mu          sync.Mutex
	sessions    map[string]*session
	order       []string                    // session ids, oldest first
	profiles    map[string]*gen.ProfileView // see profiles.go
	maxActive   int
	noCredits   bool
	zdr         bool
	latency     time.Duration
	faults      map[string][]Fault
	requests    []Request
	statuses    map[string][]int
	keepHistory int
	noLeakCheck bool
	bare422     bool
	naive       bool
	runner      TaskRunner
	tasks       map[string]*task
	taskOrder   []string // task ids, oldest first

	// Browsers (browsers.go): each a real Chromium started by launch.
	browsers     map[string]*browserSession
	browserOrder []string       // browser ids, oldest first
	launching    int            // browsers being started, counted toward the cap
	cdpDelay     int            // WithCDPDelay
	closed       bool           // Close was called: no more browsers start
	starting     sync.WaitGroup // the launches under way, which Close waits for
	// launch starts a browser process: launchBrowser, or a stub in tests.
	launch func(context.Context, screenSize) (browserProcess, error)

	profileOrder []string // profile ids, oldest first
	preload      []string // profile ids of WithProfiles, stored once every option is applied
	maxProfiles  int
	account      Account
	projectID    string
	// The storage (storage.go): another origin, as S3 is.
	storageURL         string
	storageSecret      string
	storageLog         []StorageRequest
	storageFaults      int
	storageFaultStatus int
	downloads          map[string]download // by token
	chromiumPath       string              // WithChromium; see chromium.go
	hooks              *webhooks           // WithWebhook; see webhook.go
}

type session struct {
	view      gen.SessionView // Tasks is left empty: see sessionViewLocked
	tasks     []*task         // oldest first
	share     *gen.ShareView
	recording bool   // the recording URL appears once the session stops
	files     []File // uploaded, oldest first
}

// Option configures a Fake.
type Option func(*Fake)

// WithAPIKey sets the key the fake accepts (default: a random one, see APIKey).
func WithAPIKey(key string) Option { return func(f *Fake) { f.apiKey = key } }

// WithProfiles adds profiles with these ids (no name) to the fake's store,
// where CreateSession finds them; any other profileId gets 404
// ProfileNotFoundError. CreateProfile adds more; see also AddProfile.
func WithProfiles(ids ...string) Option {
	return func(f *Fake) { f.preload = append(f.preload, ids...) }
}

// WithMaxActiveSessions caps concurrently active sessions, browsers
// included (as the plan's cap counts them): past the cap, creating a
// session, a task's session or a browser answers 429
// TooManyConcurrentActiveSessionsError. 0 means no cap.
func WithMaxActiveSessions(n int) Option { return func(f *Fake) { f.maxActive = n } }

// WithInsufficientCredits makes create answer 402.
func WithInsufficientCredits() Option { return func(f *Fake) { f.noCredits = true } }

// WithZeroDataRetention makes the project zero-data-retention, so purge is
// allowed (else it answers 403).
func WithZeroDataRetention() Option { return func(f *Fake) { f.zdr = true } }

// WithLatency delays every answer by d.
func WithLatency(d time.Duration) Option { return func(f *Fake) { f.latency = d } }

// WithClock replaces time.Now for timestamps.
func WithClock(now func() time.Time) Option { return func(f *Fake) { f.now = now } }

// WithNaiveTimestamps makes the fake send naive timestamps, UTC without a
// zone offset ("2026-11-27T10:00:00.123456"), the form the API's
// descriptions allow, instead of the service's RFC 3339 with the offset Z
// ("2026-11-27T10:00:00.123456Z"). browseruse reads both; the official
// Python SDK, whose models want zone-aware datetimes, only the default.
func WithNaiveTimestamps() Option { return func(f *Fake) { f.naive = true } }

// stamp is a timestamp in the form the fake sends: UTC with microseconds
// and the offset Z, or naive with WithNaiveTimestamps.
func (f *Fake) stamp(t time.Time) apitime.Time {
	if f.naive {
		return apitime.Naive(t)
	}
	return apitime.Time{Time: t.UTC()}
}

// WithBareValidationErrors makes create and stop (of sessions and browsers) answer a request that
// breaks a rule with one bare ValidationError ({loc, msg, type}), as the
// upstream description declares, instead of FastAPI's {"detail": [...]}.
func WithBareValidationErrors() Option { return func(f *Fake) { f.bare422 = true } }

// WithoutLeakCheck makes Start accept a test that leaves sessions active.
func WithoutLeakCheck() Option { return func(f *Fake) { f.noLeakCheck = true } }

// WithRequestLog keeps at most n received requests (default 10,000; 0 keeps none).
func WithRequestLog(n int) Option { return func(f *Fake) { f.keepHistory = n } }

// NewFake returns a fake with no sessions.
func NewFake(opts ...Option) *Fake {
	spec, err := specval.Load()
	if err != nil {
		panic(err) // the embedded spec is checked by the tests; this cannot happen in a release
	}
	f := &Fake{
		apiKey:      "bu_fake_" + randomHex(12),
		spec:        spec,
		now:         time.Now,
		sessions:    map[string]*session{},
		profiles:    map[string]*gen.ProfileView{},
		account:     DefaultAccount,
		projectID:   newUUID(),
		faults:      map[string][]Fault{},
		statuses:    map[string][]int{},
		keepHistory: 10_000,
		runner:      DefaultTaskRunner,
		tasks:       map[string]*task{},
		storageURL:  "http://storage.browserusetest.invalid", // NewServer serves it; see WithStorageURL
		downloads:   map[string]download{},
		browsers:    map[string]*browserSession{},
	}
	f.launch = f.launchBrowser // before the options: a test's may replace it
	f.storageSecret = randomHex(16)
	for _, opt := range opts {
		if opt != nil { // as NewClient: a nil option is no option
			opt(f)
		}
	}
	for _, id := range f.preload { // now that the clock and the timestamps' form are set
		f.addProfileLocked(id, nil, nil)
	}
	f.mux = f.routes()
	return f
}

// APIKey returns the key the fake accepts.
func (f *Fake) APIKey() string { return f.apiKey }

// Format prints the fake without its key.
func (f *Fake) Format(s fmt.State, _ rune) {
	fmt.Fprintf(s, "browserusetest.Fake{sessions: %d}", f.SessionCount(""))
}

// SessionCount returns how many sessions the fake holds in this state ("" for all).
func (f *Fake) SessionCount(status gen.SessionStatus) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tickLocked()
	n := 0
	for _, s := range f.sessions {
		if status == "" || s.view.Status == status {
			n++
		}
	}
	return n
}

// ActiveSessionIDs returns the ids of the active sessions, oldest first.
func (f *Fake) ActiveSessionIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.tickLocked()
	var ids []string
	for _, id := range f.order {
		if f.sessions[id].view.Status == gen.SessionStatusActive {
			ids = append(ids, id)
		}
	}
	return ids
}

// AddTask adds a task in a given state to a session, for tests of
// GetSession and GetTask; it keeps that state (tasks created through the API
// follow their script instead, see WithTaskRunner). Missing id, createdAt
// and metadata are filled in.
func (f *Fake) AddTask(sessionID string, item gen.TaskItemView) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[sessionID]
	if !ok {
		return fmt.Errorf("browserusetest: no session %s", sessionID)
	}
	if item.ID == "" {
		item.ID = newUUID()
	}
	if item.Metadata == nil {
		item.Metadata = map[string]string{} // the service's default
	}
	if item.CreatedAt.IsZero() {
		item.CreatedAt.Time = f.now()
	}
	item.CreatedAt = f.stamp(item.CreatedAt.Time) // sent in the fake's form, as every timestamp
	if item.StartedAt != nil {
		item.StartedAt = ptr(f.stamp(item.StartedAt.Time))
	}
	if item.FinishedAt != nil {
		item.FinishedAt = ptr(f.stamp(item.FinishedAt.Time))
	}
	f.addTaskLocked(&task{session: s, view: gen.TaskView{
		ID: item.ID, SessionID: sessionID, LLM: item.LLM, Task: item.Task, Status: item.Status, CreatedAt: item.CreatedAt,
		StartedAt: item.StartedAt, FinishedAt: item.FinishedAt, Metadata: item.Metadata, Output: item.Output,
		BrowserUseVersion: item.BrowserUseVersion, IsSuccess: item.IsSuccess, Judgement: item.Judgement,
		JudgeVerdict: item.JudgeVerdict, Cost: item.Cost, Suggestions: item.Suggestions,
		Steps: []gen.TaskStepView{}, OutputFiles: []gen.FileView{},
	}})
	return nil
}

// newUUID returns a random version 4 UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
