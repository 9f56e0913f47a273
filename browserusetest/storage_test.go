package browserusetest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// movableClock is a fake clock a test moves on.
type movableClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movableClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *movableClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type presigned struct {
	URL    string          `json:"url"`
	Method string          `json:"method"`
	Fields json.RawMessage `json:"fields"`
}

// presign asks the fake for a presigned POST with a raw request.
func presign(t *testing.T, srv *browserusetest.Server, sessionID, body string) (presigned, [][2]string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/files/sessions/"+sessionID+"/presigned-url", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("X-Browser-Use-API-Key", srv.APIKey())
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var p presigned
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&p))
	dec := json.NewDecoder(bytes.NewReader(p.Fields))
	_, _ = dec.Token()
	var fields [][2]string
	for dec.More() {
		k, _ := dec.Token()
		v, _ := dec.Token()
		fields = append(fields, [2]string{k.(string), v.(string)})
	}
	require.Equal(t, "POST", p.Method)
	require.False(t, strings.HasPrefix(p.URL, srv.URL), "another origin than the API's")
	return p, fields
}

// post sends a form: fields in order, then the file, then after.
func post(t *testing.T, url string, fields [][2]string, file []byte, after ...[2]string) (int, string, string) {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for _, f := range fields {
		require.NoError(t, w.WriteField(f[0], f[1]))
	}
	fw, err := w.CreateFormFile("file", "x")
	require.NoError(t, err)
	_, _ = fw.Write(file)
	for _, f := range after {
		require.NoError(t, w.WriteField(f[0], f[1]))
	}
	require.NoError(t, w.Close())
	resp, err := http.Post(url, w.FormDataContentType(), &buf)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	var x struct{ Code string }
	_ = xml.Unmarshal(body, &x)
	return resp.StatusCode, x.Code, resp.Header.Get("Content-Type")
}

func with(fields [][2]string, name, value string) [][2]string {
	out := append([][2]string(nil), fields...)
	for i := range out {
		if out[i][0] == name {
			out[i][1] = value
		}
	}
	return out
}

func TestStorageChecksThePresignedPost(t *testing.T) {
	clock := &movableClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	srv, c := start(t, browserusetest.WithClock(clock.Now))
	s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	defer func() { _, _ = c.StopSession(context.Background(), s.ID) }()
	p, fields := presign(t, srv, s.ID, `{"fileName":"a.txt","contentType":"text/plain","sizeBytes":5}`)
	var names []string
	for _, f := range fields {
		names = append(names, f[0])
	}
	require.Equal(t, []string{"key", "Content-Type", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature"}, names, "S3's order")

	for name, tc := range map[string]struct {
		fields [][2]string
		file   string
		after  [][2]string
		status int
		code   string
	}{
		"bad signature":      {with(fields, "x-amz-signature", "00"), "hello", nil, 403, "SignatureDoesNotMatch"},
		"other key":          {with(fields, "key", "uploads/elsewhere"), "hello", nil, 403, "AccessDenied"},
		"other content type": {with(fields, "Content-Type", "image/png"), "hello", nil, 403, "AccessDenied"},
		"larger than said":   {fields, "hello!", nil, 400, "EntityTooLarge"},
		"smaller than said":  {fields, "hell", nil, 400, "EntityTooSmall"},
		"a field after file": {fields, "hello", [][2]string{{"x-extra", "1"}}, 400, "InvalidArgument"},
		"a field missing":    {fields[1:], "hello", nil, 400, "InvalidArgument"},
	} {
		t.Run(name, func(t *testing.T) {
			status, code, ct := post(t, p.URL, tc.fields, []byte(tc.file), tc.after...)
			require.Equal(t, tc.status, status)
			require.Equal(t, tc.code, code)
			require.Equal(t, "application/xml", ct)
		})
	}
	require.Empty(t, srv.SessionFiles(s.ID), "nothing refused was stored")

	status, _, _ := post(t, p.URL, fields, []byte("hello"))
	require.Equal(t, http.StatusNoContent, status, "as S3 answers")
	require.Equal(t, []browserusetest.File{{Name: "a.txt", Data: []byte("hello")}}, srv.SessionFiles(s.ID))

	clock.Add(time.Hour) // the policy expires on the fake's clock
	status, code, _ := post(t, p.URL, fields, []byte("hello"))
	require.Equal(t, http.StatusForbidden, status)
	require.Equal(t, "AccessDenied", code)
}

func TestStorageDownloadLinksExpire(t *testing.T) {
	clock := &movableClock{now: time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)}
	srv, c := start(t, browserusetest.WithClock(clock.Now), browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{OutputFiles: []browserusetest.File{{Name: "out.csv", Data: []byte("1,2")}}}
	}))
	s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	defer func() { _, _ = c.StopSession(context.Background(), s.ID) }()
	created, err := c.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "t", SessionID: s.ID})
	require.NoError(t, err)
	require.NoError(t, srv.FinishTask(created.ID, "done"))
	task, err := c.GetTask(context.Background(), created.ID)
	require.NoError(t, err)
	require.Len(t, task.OutputFiles, 1)
	u, err := c.OutputFileURL(context.Background(), task.ID, task.OutputFiles[0].ID)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(u, srv.StorageURL+"/"))

	get := func(u string) (int, string) {
		resp, err := http.Get(u)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	status, body := get(u)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "1,2", body)
	status, _ = get(strings.Replace(u, "X-Amz-Signature=", "X-Amz-Signature=0", 1))
	require.Equal(t, http.StatusForbidden, status, "a tampered link")
	clock.Add(10 * time.Minute)
	status, body = get(u)
	require.Equal(t, http.StatusForbidden, status)
	require.Contains(t, body, "Request has expired")
}

func TestCloseClosesTheStorage(t *testing.T) {
	srv := browserusetest.NewServer()
	storage := srv.StorageURL
	srv.Close()
	_, err := http.Get(storage + "/download/x")
	require.Error(t, err, "the second listener is closed too")
}

// The storage notices the API key wherever it is sent: a test relies on it.
func TestStorageNoticesTheAPIKey(t *testing.T) {
	srv, _ := start(t)
	for _, send := range []func(*http.Request){
		func(r *http.Request) { r.Header.Set("X-Browser-Use-API-Key", srv.APIKey()) },
		func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+srv.APIKey()) },
		func(r *http.Request) { r.URL.RawQuery = "k=" + srv.APIKey() },
	} {
		req, err := http.NewRequest(http.MethodGet, srv.StorageURL+"/download/x", nil)
		require.NoError(t, err)
		send(req)
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	resp, err := http.Post(srv.StorageURL+"/upload", "text/plain", strings.NewReader("key="+srv.APIKey()))
	require.NoError(t, err)
	resp.Body.Close()
	reqs := srv.StorageRequests()
	require.Len(t, reqs, 4)
	for _, r := range reqs {
		require.True(t, r.SawAPIKey, "%s %s", r.Method, r.Path)
	}
}
