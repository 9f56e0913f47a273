package browseruse_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// routes answers the session operations with a valid body, by method and path.
func routes(w http.ResponseWriter, r *http.Request) {
	base := "/api/v2/sessions"
	one := base + "/" + sessionID
	switch r.Method + " " + r.URL.Path {
	case "POST " + base:
		writeJSON(w, http.StatusCreated, sessionItemJSON)
	case "GET " + base:
		writeJSON(w, http.StatusOK, `{"items":[`+sessionItemJSON+`],"totalItems":1,"pageNumber":1,"pageSize":10}`)
	case "GET " + one, "PATCH " + one:
		writeJSON(w, http.StatusOK, sessionViewJSON)
	case "DELETE " + one, "POST " + one + "/purge", "DELETE " + one + "/public-share":
		w.WriteHeader(http.StatusNoContent)
	case "GET " + one + "/public-share":
		writeJSON(w, http.StatusOK, shareJSON)
	case "POST " + one + "/public-share":
		writeJSON(w, http.StatusCreated, shareJSON)
	default:
		writeJSON(w, http.StatusNotFound, `{"detail":"Not Found"}`)
	}
}

// TestEveryOperationOnTheWire calls every operation through its Client
// method and checks the request the server received: method, path, query,
// body (exact bytes), the key. The success answer comes from okBodies with
// the status openapi.yaml documents, under Strict validation.
func TestEveryOperationOnTheWire(t *testing.T) {
	one, task := "/api/v2/sessions/"+sessionID, "/api/v2/tasks/"+taskID
	cases := map[string]struct{ method, path, query, body string }{
		"listSessions":           {"GET", "/api/v2/sessions", "pageSize=25&pageNumber=3&filterBy=active", ""},
		"createSession":          {"POST", "/api/v2/sessions", "", "{}"},
		"getSession":             {"GET", one, "", ""},
		"updateSession":          {"PATCH", one, "", `{"action":"stop"}`},
		"deleteSession":          {"DELETE", one, "", ""},
		"purgeSession":           {"POST", one + "/purge", "", ""},
		"getPublicShare":         {"GET", one + "/public-share", "", ""},
		"createPublicShare":      {"POST", one + "/public-share", "", ""},
		"deletePublicShare":      {"DELETE", one + "/public-share", "", ""},
		"listTasks":              {"GET", "/api/v2/tasks", "pageSize=5&sessionId=" + sessionID + "&filterBy=finished", ""},
		"createTask":             {"POST", "/api/v2/tasks", "", `{"sessionId":"` + sessionID + `","task":"find it"}`},
		"getTask":                {"GET", task, "", ""},
		"updateTask":             {"PATCH", task, "", `{"action":"stop"}`},
		"getTaskStatus":          {"GET", task + "/status", "", ""},
		"getTaskLogs":            {"GET", task + "/logs", "", ""},
		"listProfiles":           {"GET", "/api/v2/profiles", "pageSize=20&pageNumber=2&query=alice", ""},
		"createProfile":          {"POST", "/api/v2/profiles", "", `{"name":"Alice","userId":"user-42"}`},
		"getProfile":             {"GET", "/api/v2/profiles/" + profileID, "", ""},
		"updateProfile":          {"PATCH", "/api/v2/profiles/" + profileID, "", `{"name":"Alice B."}`},
		"deleteProfile":          {"DELETE", "/api/v2/profiles/" + profileID, "", ""},
		"getAccount":             {"GET", "/api/v2/billing/account", "", ""},
		"createUploadUrl":        {"POST", "/api/v2/files/sessions/" + sessionID + "/presigned-url", "", `{"contentType":"text/plain","fileName":"notes.txt","sizeBytes":5}`},
		"getTaskOutputFile":      {"GET", "/api/v2/files/tasks/" + taskID + "/output-files/" + fileID, "", ""},
		"listBrowsers":           {"GET", "/api/v2/browsers", "pageSize=25&pageNumber=2&filterBy=stopped", ""},
		"createBrowser":          {"POST", "/api/v2/browsers", "", `{"timeout":30}`},
		"getBrowser":             {"GET", "/api/v2/browsers/" + browserID, "", ""},
		"updateBrowser":          {"PATCH", "/api/v2/browsers/" + browserID, "", `{"action":"stop"}`},
		"listBrowserDownloads":   {"GET", "/api/v2/browsers/" + browserID + "/downloads", "limit=10&includeUrls=true", ""},
		"createBrowserUploadUrl": {"POST", "/api/v2/files/browsers/" + browserID + "/presigned-url", "", `{"contentType":"text/plain","fileName":"notes.txt","sizeBytes":5}`},
	}
	spec, err := specval.Load()
	require.NoError(t, err)
	for _, id := range specOperations(t) {
		t.Run(id, func(t *testing.T) {
			tc, ok := cases[id]
			require.True(t, ok, "openapi.yaml has %s: add its request to this test", id)
			success := spec.Operation(id).Success
			srv := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
				if body, ok := okBodies[id]; ok {
					writeJSON(w, success, strings.ReplaceAll(body, "{{host}}", r.Host))
					return
				}
				w.WriteHeader(success)
			})
			_, err := everyCall[id](context.Background(), srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict)))
			require.NoError(t, err)
			got := srv.received()
			if id == "createUploadUrl" || id == "createBrowserUploadUrl" { // then the upload itself, to the storage: never with the key
				require.Len(t, got, 2)
				require.Equal(t, "/api/v2/upload", got[1].Path)
				require.Empty(t, got[1].Header.Get("X-Browser-Use-API-Key"))
				got = got[:1]
			}
			require.Len(t, got, 1)
			require.Equal(t, tc.method, got[0].Method)
			require.Equal(t, tc.path, got[0].Path)
			require.Equal(t, tc.query, got[0].Query)
			require.Equal(t, testKey, got[0].Header.Get("X-Browser-Use-API-Key"))
			if tc.body != "" {
				require.Equal(t, tc.body, got[0].Body, "exact bytes")
				require.Equal(t, "application/json", got[0].Header.Get("Content-Type"))
			} else {
				require.Empty(t, got[0].Body)
			}
		})
	}
	require.Len(t, cases, len(specOperations(t)), "a case for an operation openapi.yaml does not have")
}

func TestCreateSessionBodies(t *testing.T) {
	cases := []struct {
		name   string
		params browseruse.CreateSessionParams
		want   string
	}{
		{"empty sends {}", browseruse.CreateSessionParams{}, `{}`},
		{"proxy default is omitted", browseruse.CreateSessionParams{Proxy: browseruse.ProxyDefault()}, `{}`},
		{"proxy off sends null", browseruse.CreateSessionParams{Proxy: browseruse.ProxyOff()}, `{"proxyCountryCode":null}`},
		{"proxy country is lowercased", browseruse.CreateSessionParams{Proxy: browseruse.ProxyIn("DE")}, `{"proxyCountryCode":"de"}`},
		{"false is sent as false", browseruse.CreateSessionParams{
			KeepAlive: browseruse.Ptr(false), PersistMemory: browseruse.Ptr(false), EnableRecording: browseruse.Ptr(false),
		}, `{"enableRecording":false,"keepAlive":false,"persistMemory":false}`},
		{"every field", browseruse.CreateSessionParams{
			ProfileID:       taskID,
			Proxy:           browseruse.ProxyIn("jp"),
			StartURL:        "https://example.com",
			ScreenWidth:     browseruse.Ptr(1920),
			ScreenHeight:    browseruse.Ptr(1080),
			PersistMemory:   browseruse.Ptr(true),
			KeepAlive:       browseruse.Ptr(true),
			EnableRecording: browseruse.Ptr(true),
			CustomProxy:     &browseruse.CustomProxy{Host: "proxy.example", Port: 3128, Username: "u", Password: "p4ss", IgnoreCertErrors: true},
		}, `{"browserScreenHeight":1080,"browserScreenWidth":1920,` +
			`"customProxy":{"host":"proxy.example","ignoreCertErrors":true,"password":"p4ss","port":3128,"username":"u"},` +
			`"enableRecording":true,"keepAlive":true,"persistMemory":true,"profileId":"` + taskID + `",` +
			`"proxyCountryCode":"jp","startUrl":"https://example.com"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t, routes)
			s, err := srv.client(t).CreateSession(context.Background(), tc.params)
			require.NoError(t, err)
			require.Equal(t, sessionID, s.ID)
			require.Equal(t, tc.want, srv.received()[0].Body)
		})
	}
}

func TestResponsesDecodeIntoTheGeneratedModels(t *testing.T) {
	srv := newAPIServer(t, routes)
	c := srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict))
	s, err := c.GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	require.Equal(t, browseruse.StatusStopped, s.Status)
	require.Len(t, s.Tasks, 1)
	task := s.Tasks[0]
	require.Equal(t, browseruse.TaskFinished, task.Status)
	// Naive timestamps (no zone offset) are read as UTC.
	require.Equal(t, time.Date(2026, 1, 2, 3, 4, 6, 123456000, time.UTC), task.CreatedAt.Time)
	require.NotNil(t, task.FinishedAt)
	require.Equal(t, time.Date(2026, 1, 2, 3, 10, 0, 0, time.UTC), task.FinishedAt.Time)
	require.Equal(t, "0.0125", browseruse.Deref(task.Cost).String())
	require.Nil(t, s.PublicShareURL, "null")
	require.Nil(t, s.RecordingURL, "absent")
}
