package browserusego_test

import (
	"bytes"
	"errors"
	"net/http"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// fileConformanceCases cover the files operations (UploadFile's presigned
// URL, a task's output file link), one per documented status.
func fileConformanceCases() []conformanceCase {
	ok := func(e *env, err error) { e.t.Helper(); require.NoError(e.t, err) }
	apiStatus := func(e *env, err error, status int) {
		e.t.Helper()
		var apiErr *browseruse.APIError
		require.ErrorAs(e.t, err, &apiErr)
		require.Equal(e.t, status, apiErr.StatusCode)
		require.NotErrorIs(e.t, err, browseruse.ErrInvalidResponse, "the error body conforms to openapi.yaml")
	}
	inject := func(e *env, op string, status int, detail string) {
		e.fake.Inject(op, 1, browserusetest.Fault{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"detail":"` + detail + `"}`})
	}
	upload := func(e *env, sessionID string) (*browseruse.UploadedFile, error) {
		return e.client.UploadFile(e.ctx, sessionID, browseruse.UploadFileParams{Name: "notes.txt", Body: strings.NewReader("hello")})
	}
	withOutput := browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: "saved", OutputFiles: []browserusetest.File{{Name: "prices.csv", Data: []byte("a,b\n1,2\n")}}}
	})
	return []conformanceCase{
		{op: "createUploadUrl", status: 200, run: func(e *env) {
			id := e.session()
			f, err := upload(e, id)
			ok(e, err)
			require.Equal(e.t, "notes.txt", f.Name)
			require.Equal(e.t, []browserusetest.File{{Name: "notes.txt", Data: []byte("hello")}}, e.fake.SessionFiles(id))
			_, err = e.client.StopSession(e.ctx, id)
			ok(e, err)
		}},
		{op: "createUploadUrl", status: 400, run: func(e *env) {
			inject(e, browserusetest.OpUploadFile, 400, "Unsupported content type")
			_, err := upload(e, missingID)
			apiStatus(e, err, 400)
		}},
		{op: "createUploadUrl", status: 404, live: true, run: func(e *env) {
			_, err := upload(e, missingID)
			require.ErrorIs(e.t, err, browseruse.ErrSessionNotFound)
			apiStatus(e, err, 404)
		}},
		{op: "createUploadUrl", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpUploadFile)
			_, err := upload(e, missingID)
			require.ErrorIs(e.t, err, browseruse.ErrRejected)
			apiStatus(e, err, 422)
		}},
		{op: "createUploadUrl", status: 500, run: func(e *env) {
			inject(e, browserusetest.OpUploadFile, 500, "An internal server error occurred")
			_, err := upload(e, missingID)
			require.ErrorIs(e.t, err, browseruse.ErrServer)
			apiStatus(e, err, 500)
		}},
		{op: "getTaskOutputFile", status: 200, opts: []browserusetest.Option{withOutput}, run: func(e *env) {
			id := e.session()
			task, err := e.client.RunTask(e.ctx, browseruse.CreateTaskParams{Task: "save prices", SessionID: id})
			ok(e, err)
			require.Len(e.t, task.OutputFiles, 1)
			url, err := e.client.OutputFileURL(e.ctx, task.ID, task.OutputFiles[0].ID)
			ok(e, err)
			require.True(e.t, strings.HasPrefix(url, e.fake.StorageURL+"/"), "the storage's origin, not the API's")
			var buf bytes.Buffer
			n, err := e.client.DownloadOutputFile(e.ctx, task.ID, task.OutputFiles[0].ID, &buf)
			ok(e, err)
			require.Equal(e.t, int64(8), n)
			require.Equal(e.t, "a,b\n1,2\n", buf.String())
			_, err = e.client.StopSession(e.ctx, id)
			ok(e, err)
		}},
		{op: "getTaskOutputFile", status: 404, live: true, run: func(e *env) {
			_, err := e.client.OutputFileURL(e.ctx, missingID, missingID)
			require.ErrorIs(e.t, err, browseruse.ErrTaskNotFound)
			require.NotErrorIs(e.t, err, browseruse.ErrOutputFileNotFound)
			apiStatus(e, err, 404)
			if e.fake == nil {
				return
			}
			id := e.session()
			task, err := e.client.RunTask(e.ctx, browseruse.CreateTaskParams{Task: "t", SessionID: id})
			ok(e, err)
			_, err = e.client.OutputFileURL(e.ctx, task.ID, missingID)
			require.ErrorIs(e.t, err, browseruse.ErrOutputFileNotFound)
			require.False(e.t, errors.Is(err, browseruse.ErrTaskNotFound), "the task exists")
			_, err = e.client.StopSession(e.ctx, id)
			ok(e, err)
		}},
		{op: "getTaskOutputFile", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpOutputFileURL)
			_, err := e.client.OutputFileURL(e.ctx, missingID, missingID)
			require.ErrorIs(e.t, err, browseruse.ErrRejected)
		}},
		{op: "getTaskOutputFile", status: 500, run: func(e *env) {
			inject(e, browserusetest.OpOutputFileURL, 500, "Failed to generate download URL")
			_, err := e.client.OutputFileURL(e.ctx, missingID, missingID)
			require.ErrorIs(e.t, err, browseruse.ErrServer)
			apiStatus(e, err, 500)
		}},
	}
}
