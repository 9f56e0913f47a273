package browseruse_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// onceReader is a reader that cannot be replayed (not an io.Seeker).
type onceReader struct{ r io.Reader }

func (o *onceReader) Read(p []byte) (int, error) { return o.r.Read(p) }

func filesEnv(t *testing.T, fakeOpts []browserusetest.Option, opts ...browseruse.Option) (*browserusetest.Server, *browseruse.Client, string) {
	t.Helper()
	srv := browserusetest.Start(t, fakeOpts...)
	c, err := srv.Client(append([]browseruse.Option{browseruse.WithRetry(fastRetry())}, opts...)...)
	require.NoError(t, err)
	s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	t.Cleanup(func() { _, _ = c.StopSession(context.Background(), s.ID) })
	return srv, c, s.ID
}

// The uploaded file reaches the agent by its name, in tasks of the session;
// the storage, another origin, never sees the key nor the client's headers.
func TestUploadFileReachesTheTaskAndNeverSendsTheKeyToTheStorage(t *testing.T) {
	var seen []browserusetest.File
	var mu sync.Mutex
	runner := browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
		mu.Lock()
		seen = in.Files
		mu.Unlock()
		return browserusetest.TaskResult{Output: "read it"}
	})
	srv, c, sessionID := filesEnv(t, []browserusetest.Option{runner}, browseruse.WithHeader("X-Team", "team-header-value"))
	ctx := context.Background()
	up, err := c.UploadFile(ctx, sessionID, browseruse.UploadFileParams{Name: "report.pdf", Body: bytes.NewReader([]byte("%PDF-1.7 fake"))})
	require.NoError(t, err)
	require.Equal(t, &browseruse.UploadedFile{Name: "report.pdf", ContentType: "application/pdf", Size: 13}, up)
	_, err = c.RunTask(ctx, browseruse.CreateTaskParams{Task: "summarise report.pdf", SessionID: sessionID})
	require.NoError(t, err)
	mu.Lock()
	require.Equal(t, []browserusetest.File{{Name: "report.pdf", Data: []byte("%PDF-1.7 fake")}}, seen)
	mu.Unlock()

	reqs := srv.StorageRequests()
	require.Len(t, reqs, 1)
	require.NotEqual(t, srv.URL, srv.StorageURL)
	require.False(t, reqs[0].SawAPIKey, "the API key reached the storage")
	require.Empty(t, reqs[0].Header.Get("X-Browser-Use-API-Key"))
	require.Empty(t, reqs[0].Header.Get("X-Team"), "the client's headers stay with the API")
	for name, values := range reqs[0].Header {
		for _, v := range values {
			require.NotContains(t, v, srv.APIKey(), name)
		}
	}
}

func TestUploadFilePathAndSameNameReplaces(t *testing.T) {
	srv, c, sessionID := filesEnv(t, nil)
	dir := t.TempDir()
	path := filepath.Join(dir, "notes.md")
	require.NoError(t, os.WriteFile(path, []byte("# one"), 0o600))
	up, err := c.UploadFilePath(context.Background(), sessionID, path)
	require.NoError(t, err)
	require.Equal(t, "text/markdown", up.ContentType)
	require.NoError(t, os.WriteFile(path, []byte("# two!"), 0o600))
	_, err = c.UploadFilePath(context.Background(), sessionID, path)
	require.NoError(t, err)
	require.Equal(t, []browserusetest.File{{Name: "notes.md", Data: []byte("# two!")}}, srv.SessionFiles(sessionID))
}

// Checked before anything is sent: name, content type, size.
func TestUploadFileRefusesBeforeSending(t *testing.T) {
	srv, c, sessionID := filesEnv(t, nil)
	big := bytes.NewReader(make([]byte, browseruse.MaxUploadBytes+1))
	cases := map[string]struct {
		p    browseruse.UploadFileParams
		want string
	}{
		"empty name":           {browseruse.UploadFileParams{Body: strings.NewReader("x"), ContentType: "text/plain"}, "Name (fileName): must not be empty"},
		"long name":            {browseruse.UploadFileParams{Name: strings.Repeat("a", 252) + ".txt", Body: strings.NewReader("x")}, "at most 255"},
		"path in name":         {browseruse.UploadFileParams{Name: "../x.txt", Body: strings.NewReader("x")}, "path separators"},
		"windows path":         {browseruse.UploadFileParams{Name: `a\x.txt`, Body: strings.NewReader("x")}, "path separators"},
		"NUL":                  {browseruse.UploadFileParams{Name: "a\x00.txt", Body: strings.NewReader("x")}, "NUL"},
		"unknown extension":    {browseruse.UploadFileParams{Name: "a.zip", Body: strings.NewReader("x")}, "cannot be told from the name's extension"},
		"unsupported type":     {browseruse.UploadFileParams{Name: "a.txt", ContentType: "application/zip", Body: strings.NewReader("x")}, "must be one of the 14 types"},
		"over 10 MiB":          {browseruse.UploadFileParams{Name: "a.txt", Body: big}, "must be <= 10485760"},
		"over 10 MiB declared": {browseruse.UploadFileParams{Name: "a.txt", Size: browseruse.MaxUploadBytes + 1, Body: &onceReader{strings.NewReader("x")}}, "must be <= 10485760"},
		"size mismatch":        {browseruse.UploadFileParams{Name: "a.txt", Size: 3, Body: strings.NewReader("x")}, "is 3 but Body holds 1 bytes"},
		"empty file":           {browseruse.UploadFileParams{Name: "a.txt", Body: strings.NewReader("")}, "must be >= 1"},
		"no size, not seeker":  {browseruse.UploadFileParams{Name: "a.txt", Body: &onceReader{strings.NewReader("x")}}, "must be >= 1"},
		"nil body":             {browseruse.UploadFileParams{Name: "a.txt", Size: 1}, "Body: must not be nil"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := c.UploadFile(context.Background(), sessionID, tc.p)
			var rv *browseruse.RequestValidationError
			require.ErrorAs(t, err, &rv)
			require.ErrorIs(t, err, browseruse.ErrInvalidParams)
			require.Contains(t, err.Error(), tc.want)
		})
	}
	require.Zero(t, srv.RequestCount(browserusetest.OpUploadFile), "nothing was sent")
	require.Empty(t, srv.StorageRequests())
}

// A short body is refused, and never stored.
func TestUploadFileShortBody(t *testing.T) {
	srv, c, sessionID := filesEnv(t, nil)
	_, err := c.UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.txt", Size: 10, Body: &onceReader{strings.NewReader("short")}})
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.Contains(t, err.Error(), "ended before Size (10) bytes")
	require.Empty(t, srv.SessionFiles(sessionID))
}

// Retried only with a body that can be replayed.
func TestUploadFileRetriesOnlyAReplayableBody(t *testing.T) {
	t.Run("seeker: retried", func(t *testing.T) {
		srv, c, sessionID := filesEnv(t, nil)
		srv.FailStorage(1, http.StatusServiceUnavailable)
		_, err := c.UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.csv", Body: strings.NewReader("a,b\n")})
		require.NoError(t, err)
		require.Len(t, srv.StorageRequests(), 2)
		require.Equal(t, []browserusetest.File{{Name: "a.csv", Data: []byte("a,b\n")}}, srv.SessionFiles(sessionID), "the retry sent the whole body again")
	})
	t.Run("plain reader: sent once", func(t *testing.T) {
		srv, c, sessionID := filesEnv(t, nil)
		srv.FailStorage(1, http.StatusServiceUnavailable)
		_, err := c.UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.csv", Size: 4, Body: &onceReader{strings.NewReader("a,b\n")}})
		var se *browseruse.StorageError
		require.ErrorAs(t, err, &se)
		require.Equal(t, http.StatusServiceUnavailable, se.StatusCode)
		require.Len(t, srv.StorageRequests(), 1, "a consumed body is not replayed")
		require.Empty(t, srv.SessionFiles(sessionID))
	})
	t.Run("retries follow the policy", func(t *testing.T) {
		srv, c, sessionID := filesEnv(t, nil, browseruse.WithRetry(browseruse.RetryPolicy{}))
		srv.FailStorage(1, http.StatusServiceUnavailable)
		_, err := c.UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.csv", Body: strings.NewReader("a,b\n")})
		require.ErrorIs(t, err, browseruse.ErrStorage)
		require.ErrorIs(t, err, browseruse.ErrServer)
		require.Len(t, srv.StorageRequests(), 1)
	})
}

// The storage's XML error is a *StorageError with S3's code and message.
func TestUploadFileStorageErrorIsTyped(t *testing.T) {
	srv, c, sessionID := filesEnv(t, nil)
	srv.FailStorage(1, http.StatusForbidden)
	_, err := c.UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.txt", Body: strings.NewReader("x")})
	var se *browseruse.StorageError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, browseruse.ErrStorage)
	require.NotErrorIs(t, err, browseruse.ErrServer)
	require.Equal(t, "UploadFile", se.Operation)
	require.Equal(t, http.StatusForbidden, se.StatusCode)
	require.Equal(t, "AccessDenied", se.Code)
	require.Equal(t, "fake: injected failure", se.Message)
	require.NotEmpty(t, se.RequestID)
	require.Equal(t, 1, se.Attempts, "403 is not retried")
}

// presignStub is an API answering createUploadUrl with fields in a given
// order, and a storage that parses the form with mime/multipart and
// answers with answer (nil: 204).
type presignStub struct {
	api, storage *httptest.Server
	mu           sync.Mutex
	parts        []string // form part names, in order
	fileName     string
	fileType     string
	headers      []http.Header
}

func newPresignStub(t *testing.T, fields string, answer http.HandlerFunc) *presignStub {
	t.Helper()
	s := &presignStub{}
	s.storage = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
		require.NoError(t, err)
		mr := multipart.NewReader(r.Body, params["boundary"])
		s.mu.Lock()
		s.headers = append(s.headers, r.Header.Clone())
		for {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			s.parts = append(s.parts, p.FormName())
			if p.FormName() == "file" {
				s.fileName, s.fileType = p.FileName(), p.Header.Get("Content-Type")
			}
		}
		s.mu.Unlock()
		if answer != nil {
			answer(w, r)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(s.storage.Close)
	s.api = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"url":"`+s.storage.URL+`/bucket","method":"POST","fields":`+fields+`,"fileName":"a.txt","expiresIn":60}`)
	}))
	t.Cleanup(s.api.Close)
	return s
}

func (s *presignStub) client(t *testing.T, opts ...browseruse.Option) *browseruse.Client {
	c, err := browseruse.NewClient(append([]browseruse.Option{browseruse.WithAPIKey(testKey), browseruse.WithBaseURL(s.api.URL + "/api/v2"),
		browseruse.WithRetry(fastRetry())}, opts...)...)
	require.NoError(t, err)
	return c
}

// Every field, in the order given (not sorted), then the file, last.
func TestUploadFileSendsTheFieldsInOrderAndTheFileLast(t *testing.T) {
	s := newPresignStub(t, `{"zeta":"1","key":"uploads/a.txt","alpha":"2","policy":"cG9saWN5","x-amz-signature":"sig"}`, nil)
	_, err := s.client(t).UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.txt", Body: strings.NewReader("hi")})
	require.NoError(t, err)
	require.Equal(t, []string{"zeta", "key", "alpha", "policy", "x-amz-signature", "file"}, s.parts)
	require.Equal(t, "a.txt", s.fileName)
	require.Equal(t, "text/plain", s.fileType)
	require.Empty(t, s.headers[0].Get("X-Browser-Use-API-Key"))
}

// The presigned URL and fields are credentials: an S3 error that quotes
// them (SignatureDoesNotMatch does) and a connection error that names the
// URL leak neither into errors nor logs. A fault case of TestFaultCases.
func faultPresignedCredentialsStaySecret(t *testing.T, sink *secretSink) {
	const echo = `<?xml version="1.0"?><Error><Code>SignatureDoesNotMatch</Code><Message>signature ` + presignSignature +
		` does not match policy ` + presignPolicy + `</Message><StringToSign>` + presignPolicy + `</StringToSign><SignatureProvided>` +
		presignSignature + `</SignatureProvided><RequestId>R1</RequestId></Error>`
	s := newPresignStub(t, `{"key":"uploads/a.txt","policy":"`+presignPolicy+`","x-amz-signature":"`+presignSignature+`"}`,
		func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, echo)
		})
	c := s.client(t, sink.option())
	_, err := c.UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.txt", Body: strings.NewReader("hi")})
	var se *browseruse.StorageError
	require.ErrorAs(t, err, &se)
	require.Equal(t, "SignatureDoesNotMatch", se.Code)
	sink.add(err)
	sink.mu.Lock()
	sink.texts = append(sink.texts, string(se.RawBody), se.Message, fmt.Sprintf("%+v", *se))
	sink.mu.Unlock()

	// A download link whose host does not answer: the error names the host only.
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	api := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"`+fileID+`","fileName":"a.csv","downloadUrl":"`+deadURL+`/f.csv?X-Amz-Signature=`+presignSignature+`"}`)
	})
	_, err = api.client(t, sink.option()).DownloadOutputFile(context.Background(), taskID, fileID, io.Discard)
	var te *browseruse.TransportError
	require.ErrorAs(t, err, &te)
	var ue *url.Error
	require.ErrorAs(t, err, &ue)
	require.NotContains(t, ue.URL, presignSignature, "the unwrapped *url.Error too")
	sink.add(err)

	// An unusable presigned answer (Strict: method must be POST) keeps no body.
	bad := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"url":"https://s3.example/b","method":"PUT","fields":{"policy":"`+presignPolicy+`"},"fileName":"a.txt","expiresIn":60}`)
	})
	_, err = bad.client(t, sink.option(), browseruse.WithValidation(browseruse.ValidationStrict)).
		UploadFile(context.Background(), sessionID, browseruse.UploadFileParams{Name: "a.txt", Body: strings.NewReader("hi")})
	require.ErrorIs(t, err, browseruse.ErrInvalidResponse)
	sink.add(err)
}

const (
	presignPolicy    = "eyJwb2xpY3kiOiJkby1ub3QtbGVhayJ9"
	presignSignature = "5ec7e7516a7u4e0f0f0f0f0f0f0f0f0f"
)

// A redirect of a download to another origin is refused; the other origin
// sees nothing.
func TestDownloadRefusesACrossOriginRedirect(t *testing.T) {
	var other sync.Map
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { other.Store(r.URL.Path, true) }))
	t.Cleanup(elsewhere.Close)
	storage := httptest.NewServer(http.RedirectHandler(elsewhere.URL+"/stolen", http.StatusFound))
	t.Cleanup(storage.Close)
	api := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"`+fileID+`","fileName":"a.csv","downloadUrl":"`+storage.URL+`/f.csv"}`)
	})
	_, err := api.client(t).DownloadOutputFile(context.Background(), taskID, fileID, io.Discard)
	require.ErrorIs(t, err, browseruse.ErrCrossOriginRedirect)
	_, reached := other.Load("/stolen")
	require.False(t, reached)
}

func outputEnv(t *testing.T, files []browserusetest.File, opts ...browseruse.Option) (*browserusetest.Server, *browseruse.Client, *browseruse.Task) {
	t.Helper()
	runner := browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: "done", OutputFiles: files}
	})
	srv, c, sessionID := filesEnv(t, []browserusetest.Option{runner}, opts...)
	task, err := c.RunTask(context.Background(), browseruse.CreateTaskParams{Task: "make files", SessionID: sessionID})
	require.NoError(t, err)
	require.Len(t, task.OutputFiles, len(files))
	return srv, c, task
}

func TestDownloadOutputFileStreamsWithoutTheKey(t *testing.T) {
	srv, c, task := outputEnv(t, []browserusetest.File{{Name: "prices.csv", Data: []byte("a,b\n1,2\n")}})
	var buf bytes.Buffer
	n, err := c.DownloadOutputFile(context.Background(), task.ID, task.OutputFiles[0].ID, &buf)
	require.NoError(t, err)
	require.Equal(t, int64(8), n)
	require.Equal(t, "a,b\n1,2\n", buf.String())
	reqs := srv.StorageRequests()
	require.Len(t, reqs, 1)
	require.Equal(t, http.MethodGet, reqs[0].Method)
	require.False(t, reqs[0].SawAPIKey, "the API key reached the storage")
}

func TestDownloadOutputFileIsCapped(t *testing.T) {
	t.Run("declared length", func(t *testing.T) {
		_, c, task := outputEnv(t, []browserusetest.File{{Name: "big.bin", Data: make([]byte, 64)}}, browseruse.WithMaxDownloadBytes(16))
		var buf bytes.Buffer
		_, err := c.DownloadOutputFile(context.Background(), task.ID, task.OutputFiles[0].ID, &buf)
		require.ErrorIs(t, err, browseruse.ErrResponseTooLarge)
		require.Zero(t, buf.Len(), "refused before reading")
	})
	t.Run("undeclared length", func(t *testing.T) {
		storage := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			for range 8 { // chunked: no Content-Length
				_, _ = w.Write(make([]byte, 8))
				w.(http.Flusher).Flush()
			}
		}))
		t.Cleanup(storage.Close)
		api := newAPIServer(t, func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, `{"id":"`+fileID+`","fileName":"a.bin","downloadUrl":"`+storage.URL+`/a.bin"}`)
		})
		var buf bytes.Buffer
		_, err := api.client(t, browseruse.WithMaxDownloadBytes(20)).DownloadOutputFile(context.Background(), taskID, fileID, &buf)
		require.ErrorIs(t, err, browseruse.ErrResponseTooLarge)
		require.LessOrEqual(t, buf.Len(), 20, "never more than the cap")
	})
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{
		"report.pdf":                      "report.pdf",
		"../../etc/passwd":                "passwd",
		"/etc/passwd":                     "passwd",
		`..\..\Windows\win.ini`:           "win.ini",
		`C:\temp\x.txt`:                   "x.txt",
		"a\x00b.txt":                      "ab.txt",
		"":                                "file-id-1",
		".":                               "file-id-1",
		"..":                              "file-id-1",
		"../":                             "file-id-1",
		"dir/..":                          "file-id-1",
		"CON":                             "_CON",
		"nul.txt":                         "_nul.txt",
		"a:b?.txt":                        "a_b_.txt",
		"trailing. ":                      "trailing",
		"\xff\xfe.txt":                    "_.txt",
		strings.Repeat("é", 200) + ".csv": strings.Repeat("é", 125) + ".csv",
	} {
		got := browseruse.SafeFileName(in, "id-1")
		require.Equal(t, want, got, "%q", in)
		require.LessOrEqual(t, len(got), 255)
		require.Equal(t, got, filepath.Base(got), "one element")
	}
	require.Equal(t, "file-etcpasswd", browseruse.SafeFileName("", "../etc/passwd"), "the fallback is made safe too")
}

// A name from the server never escapes the directory, and an existing
// file is never replaced.
func TestSaveOutputFilesStaysInTheDirectory(t *testing.T) {
	names := []string{"../../escape.txt", "/abs/path.txt", `..\..\win.txt`, "a\x00b.txt", "", ".", "..", "dup.txt", "dup.txt", "kept.txt"}
	var files []browserusetest.File
	for i, n := range names {
		files = append(files, browserusetest.File{Name: n, Data: []byte(fmt.Sprintf("file %d", i))})
	}
	_, c, task := outputEnv(t, files)
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	require.NoError(t, os.Mkdir(dir, 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kept.txt"), []byte("mine"), 0o600))

	paths, err := c.SaveOutputFiles(context.Background(), task.ID, dir)
	require.NoError(t, err)
	require.Len(t, paths, len(names))
	for _, p := range paths {
		require.Equal(t, dir, filepath.Dir(p), "inside the directory: %s", p)
	}
	kept, err := os.ReadFile(filepath.Join(dir, "kept.txt"))
	require.NoError(t, err)
	require.Equal(t, "mine", string(kept), "an existing file is not replaced")
	got, err := os.ReadFile(filepath.Join(dir, "kept (2).txt"))
	require.NoError(t, err)
	require.Equal(t, "file 9", string(got))
	dup2, err := os.ReadFile(filepath.Join(dir, "dup (2).txt"))
	require.NoError(t, err)
	require.Equal(t, "file 8", string(dup2), "two files of one name are both kept")

	var outside []string
	require.NoError(t, filepath.WalkDir(parent, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Dir(p) != dir {
			outside = append(outside, p)
		}
		return err
	}))
	require.Empty(t, outside)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var got2 []string
	for _, e := range entries {
		got2 = append(got2, e.Name())
	}
	slices.Sort(got2)
	want := []string{"ab.txt", "dup (2).txt", "dup.txt", "escape.txt", "file-" + task.OutputFiles[4].ID, "file-" + task.OutputFiles[5].ID,
		"file-" + task.OutputFiles[6].ID, "kept (2).txt", "kept.txt", "path.txt", "win.txt"}
	slices.Sort(want)
	require.Equal(t, want, got2)
}

// A symlink planted in the directory cannot lead a write outside it.
func TestSaveOutputFilesDoesNotFollowASymlinkOut(t *testing.T) {
	_, c, task := outputEnv(t, []browserusetest.File{{Name: "link.txt", Data: []byte("evil")}})
	parent := t.TempDir()
	dir := filepath.Join(parent, "out")
	require.NoError(t, os.Mkdir(dir, 0o755))
	target := filepath.Join(parent, "target.txt")
	if err := os.Symlink(target, filepath.Join(dir, "link.txt")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	paths, err := c.SaveOutputFiles(context.Background(), task.ID, dir)
	require.NoError(t, err)
	require.Equal(t, []string{filepath.Join(dir, "link (2).txt")}, paths)
	_, err = os.Stat(target)
	require.True(t, errors.Is(err, os.ErrNotExist), "nothing written through the link")
}

// A file that fails is removed; the error says which.
func TestSaveOutputFilesRemovesAFailedFile(t *testing.T) {
	_, c, task := outputEnv(t, []browserusetest.File{{Name: "big.bin", Data: make([]byte, 64)}, {Name: "small.txt", Data: []byte("ok")}},
		browseruse.WithMaxDownloadBytes(16))
	dir := t.TempDir()
	paths, err := c.SaveOutputFiles(context.Background(), task.ID, dir)
	require.ErrorIs(t, err, browseruse.ErrResponseTooLarge)
	require.Contains(t, err.Error(), task.OutputFiles[0].ID)
	require.Equal(t, []string{filepath.Join(dir, "small.txt")}, paths)
	_, statErr := os.Stat(filepath.Join(dir, "big.bin"))
	require.True(t, errors.Is(statErr, os.ErrNotExist))
}

// FuzzSafeFileName: whatever the server names a file, the name is one
// element that stays in its directory.
func FuzzSafeFileName(f *testing.F) {
	for _, s := range []string{"../../etc/passwd", "/abs", `..\x`, "a\x00b", "", ".", "..", "CON", "\xff", strings.Repeat("é", 300)} {
		f.Add(s, "id")
	}
	f.Fuzz(func(t *testing.T, name, fallback string) {
		got := browseruse.SafeFileName(name, fallback)
		if got == "" || got == "." || got == ".." || strings.ContainsAny(got, "/\\\x00") || len(got) > 255 || !utf8.ValidString(got) {
			t.Fatalf("SafeFileName(%q, %q) = %q", name, fallback, got)
		}
		if filepath.Base(got) != got || !filepath.IsLocal(got) {
			t.Fatalf("SafeFileName(%q) = %q is not local", name, got)
		}
	})
}
