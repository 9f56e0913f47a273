package browseruse_test

import (
	"context"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// operationCall calls one operation with valid arguments: the value is
// what the Client method returned (nil for none).
type operationCall func(ctx context.Context, c *browseruse.Client) (any, error)

// everyCall calls each operation of openapi.yaml, by operationId, through
// its Client method. TestEveryOperationHasACall keeps it complete, so the
// tests that walk it (the wire test, the response fuzzer) cover every
// operation the spec grows.
var everyCall = map[string]operationCall{
	"listSessions": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.ListSessions(ctx, browseruse.ListSessionsParams{PageSize: browseruse.Ptr(25), PageNumber: browseruse.Ptr(3), Status: browseruse.StatusActive})
	},
	"createSession": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.CreateSession(ctx, browseruse.CreateSessionParams{})
	},
	"getSession": func(ctx context.Context, c *browseruse.Client) (any, error) { return c.GetSession(ctx, sessionID) },
	"updateSession": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.StopSession(ctx, sessionID)
	},
	"deleteSession": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return nil, c.DeleteSession(ctx, sessionID)
	},
	"purgeSession": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return nil, c.PurgeSession(ctx, sessionID)
	},
	"getPublicShare": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.GetPublicShare(ctx, sessionID)
	},
	"createPublicShare": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.CreatePublicShare(ctx, sessionID)
	},
	"deletePublicShare": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return nil, c.DeletePublicShare(ctx, sessionID)
	},
	"listTasks": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.ListTasks(ctx, browseruse.ListTasksParams{PageSize: browseruse.Ptr(5), SessionID: sessionID, Status: browseruse.TaskFinished})
	},
	"createTask": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "find it", SessionID: sessionID})
	},
	"getTask":       func(ctx context.Context, c *browseruse.Client) (any, error) { return c.GetTask(ctx, taskID) },
	"updateTask":    func(ctx context.Context, c *browseruse.Client) (any, error) { return c.StopTask(ctx, taskID) },
	"getTaskStatus": func(ctx context.Context, c *browseruse.Client) (any, error) { return c.GetTaskStatus(ctx, taskID) },
	"getTaskLogs":   func(ctx context.Context, c *browseruse.Client) (any, error) { return c.TaskLogsURL(ctx, taskID) },
	"listProfiles": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.ListProfiles(ctx, browseruse.ListProfilesParams{PageSize: browseruse.Ptr(20), PageNumber: browseruse.Ptr(2), Query: "alice"})
	},
	"createProfile": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "Alice", UserID: "user-42"})
	},
	"getProfile": func(ctx context.Context, c *browseruse.Client) (any, error) { return c.GetProfile(ctx, profileID) },
	"updateProfile": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.UpdateProfile(ctx, profileID, browseruse.UpdateProfileParams{Name: browseruse.Ptr("Alice B.")})
	},
	"deleteProfile": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return nil, c.DeleteProfile(ctx, profileID)
	},
	"getAccount": func(ctx context.Context, c *browseruse.Client) (any, error) { return c.Account(ctx) },
	"createUploadUrl": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.UploadFile(ctx, sessionID, browseruse.UploadFileParams{Name: "notes.txt", Body: strings.NewReader("hello")})
	},
	"getTaskOutputFile": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.OutputFileURL(ctx, taskID, fileID)
	},
	"listBrowsers": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.ListBrowsers(ctx, browseruse.ListBrowsersParams{PageSize: browseruse.Ptr(25), PageNumber: browseruse.Ptr(2), Status: browseruse.BrowserStopped})
	},
	"createBrowser": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.CreateBrowser(ctx, browseruse.CreateBrowserParams{TimeoutMinutes: 30})
	},
	"getBrowser":    func(ctx context.Context, c *browseruse.Client) (any, error) { return c.GetBrowser(ctx, browserID) },
	"updateBrowser": func(ctx context.Context, c *browseruse.Client) (any, error) { return c.StopBrowser(ctx, browserID) },
	"listBrowserDownloads": func(ctx context.Context, c *browseruse.Client) (any, error) {
		var files []browseruse.BrowserDownload
		for f, err := range c.BrowserDownloads(ctx, browserID, browseruse.BrowserDownloadsParams{Limit: browseruse.Ptr(10), IncludeURLs: true}) {
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
		return files, nil
	},
	"createBrowserUploadUrl": func(ctx context.Context, c *browseruse.Client) (any, error) {
		return c.UploadBrowserFile(ctx, browserID, browseruse.UploadFileParams{Name: "notes.txt", Body: strings.NewReader("hello")})
	},
}

const browserID = "4a8c2e6f-1b3d-4e5f-8a9b-0c1d2e3f4a5b"

const browserJSON = `{"id":"` + browserID + `","status":"active","liveUrl":"https://live.example/` + browserID + `",
	"cdpUrl":"https://cdp.example","timeoutAt":"2026-01-02T04:04:05.123456Z","startedAt":"2026-01-02T03:04:05.123456Z",
	"finishedAt":null,"proxyUsedMb":"0","proxyCost":"0","browserCost":"0","agentSessionId":null,"recordingUrl":null}`

const profileID = "7d2f4c1a-8e3b-4f5a-9c6d-1e2f3a4b5c6d"

const profileJSON = `{"id":"` + profileID + `","userId":"user-42","name":"Alice","lastUsedAt":null,
	"createdAt":"2026-01-02T03:04:05.123456Z","updatedAt":"2026-01-02T03:04:05.123456Z","cookieDomains":null}`

const accountJSON = `{"name":null,"totalCreditsBalanceUsd":12.5,"monthlyCreditsBalanceUsd":10,"additionalCreditsBalanceUsd":2.5,
	"rateLimit":20,"isFreeTier":false,"projectId":"` + sessionID + `","planInfo":{"planName":"Pro","subscriptionStatus":"active",
	"subscriptionId":"sub_1","subscriptionCurrentPeriodEnd":"2026-02-01T00:00:00Z","subscriptionCanceledAt":null}}`

// specOperations returns the operationIds of openapi.yaml, sorted.
func specOperations(t testing.TB) []string {
	t.Helper()
	spec, err := specval.Load()
	require.NoError(t, err)
	var ids []string
	for _, op := range spec.Operations() {
		ids = append(ids, op.ID)
	}
	return ids
}

func TestEveryOperationHasACall(t *testing.T) {
	ids := specOperations(t)
	for _, id := range ids {
		require.Contains(t, everyCall, id, "openapi.yaml has %s: add it to everyCall", id)
	}
	require.Len(t, everyCall, len(ids), "everyCall names an operation openapi.yaml does not have")
}

// okBodies are valid success bodies of every response model, by
// operationId; routes and the fuzzer's seeds use them.
var okBodies = map[string]string{
	"listSessions":      `{"items":[` + sessionItemJSON + `],"totalItems":1,"pageNumber":1,"pageSize":10}`,
	"createSession":     sessionItemJSON,
	"getSession":        sessionViewJSON,
	"updateSession":     sessionViewJSON,
	"getPublicShare":    shareJSON,
	"createPublicShare": shareJSON,
	"listTasks":         `{"items":[` + taskItemJSON + `],"totalItems":1,"pageNumber":1,"pageSize":10}`,
	"createTask":        `{"id":"` + taskID + `","sessionId":"` + sessionID + `"}`,
	"getTask":           taskViewJSON,
	"updateTask":        taskViewJSON,
	"getTaskStatus":     `{"id":"` + taskID + `","status":"finished","output":"done","isSuccess":true,"cost":"0.01"}`,
	"getTaskLogs":       `{"downloadUrl":"https://logs.example/` + taskID + `"}`,
	"listProfiles":      `{"items":[` + profileJSON + `],"totalItems":1,"pageNumber":1,"pageSize":10}`,
	"createProfile":     profileJSON,
	"getProfile":        profileJSON,
	"updateProfile":     profileJSON,
	"getAccount":        accountJSON,
	// {{host}}: the wire test's server puts its own host there, so that
	// UploadFile's second request (to the storage) reaches it too.
	"createUploadUrl":   `{"url":"http://{{host}}/api/v2/upload","method":"POST","fields":{"key":"uploads/notes.txt","policy":"cG9saWN5","x-amz-signature":"` + fakeSignature + `"},"fileName":"notes.txt","expiresIn":3600}`,
	"getTaskOutputFile": `{"id":"` + fileID + `","fileName":"prices.csv","downloadUrl":"https://storage.example/prices.csv?X-Amz-Signature=` + fakeSignature + `"}`,
	"listBrowsers":      `{"items":[` + browserJSON + `],"totalItems":1,"pageNumber":1,"pageSize":10}`,
	"createBrowser":     browserJSON,
	"getBrowser":        browserJSON,
	"updateBrowser":     browserJSON,
	"listBrowserDownloads": `{"files":[{"path":"report.pdf","size":1234,"lastModified":"2026-01-02T03:05:00Z",` +
		`"url":"https://storage.example/report.pdf?X-Amz-Signature=` + fakeSignature + `"}],"nextCursor":null,"hasMore":false}`,
	"createBrowserUploadUrl": `{"url":"http://{{host}}/api/v2/upload","method":"POST","fields":{"key":"uploads/notes.txt","policy":"cG9saWN5","x-amz-signature":"` + fakeSignature + `"},"fileName":"notes.txt","expiresIn":3600}`,
}

const (
	fileID        = "33333333-3333-4333-8333-333333333333"
	fakeSignature = "0123456789abcdef0123456789abcdef"
)

const taskItemJSON = `{"id":"` + taskID + `","sessionId":"` + sessionID + `","llm":"browser-use-llm","task":"find it",
	"status":"finished","createdAt":"2026-01-02T03:04:06.123456Z","finishedAt":"2026-01-02T03:10:00Z","cost":"0.0125","metadata":{}}`

const taskViewJSON = `{"id":"` + taskID + `","sessionId":"` + sessionID + `","llm":"browser-use-llm","task":"find it",
	"status":"finished","createdAt":"2026-01-02T03:04:06.123456Z","finishedAt":"2026-01-02T03:10:00Z","cost":"0.0125",
	"metadata":{},"steps":[],"outputFiles":[],"output":"done","isSuccess":true}`

// idOf returns the ID field of a returned model, if it has one.
func idOf(v any) (string, bool) {
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Struct {
		return "", false
	}
	f := rv.FieldByName("ID")
	if !f.IsValid() || f.Kind() != reflect.String {
		return "", false
	}
	return f.String(), true
}

// roundTripper answers every request with one fixed response, without a
// network: the fuzzer drives the whole call path of a Client method.
type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
