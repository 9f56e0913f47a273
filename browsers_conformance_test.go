package browserusego_test

import (
	"net/http"
	"strings"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// browser starts a browser on the fake (a real Chromium: the case skips
// without one, or fails with BROWSERUSE_REQUIRE_CHROMIUM=1) and stops it
// when the case ends.
func (e *env) browser() *browseruse.Browser {
	e.t.Helper()
	browserusetest.SkipWithoutChromium(e.t)
	b, err := e.client.CreateBrowser(e.ctx, browseruse.CreateBrowserParams{})
	require.NoError(e.t, err)
	e.t.Cleanup(func() { _ = e.client.StopBrowserOnExit(e.ctx, b.ID) })
	return b
}

// browserConformanceCases cover the browser operations, one per
// documented status.
func browserConformanceCases() []conformanceCase {
	ok := func(e *env, err error) { e.t.Helper(); require.NoError(e.t, err) }
	is := func(e *env, err, want error) {
		e.t.Helper()
		require.ErrorIs(e.t, err, want)
		require.NotErrorIs(e.t, err, browseruse.ErrInvalidResponse, "the error body conforms to openapi.yaml")
	}
	inject := func(e *env, op string, status int, detail string) {
		e.fake.Inject(op, 1, browserusetest.Fault{Status: status, Header: http.Header{"Content-Type": {"application/json"}}, Body: `{"detail":"` + detail + `"}`})
	}
	upload := func(e *env, id string) (*browseruse.UploadedFile, error) {
		return e.client.UploadBrowserFile(e.ctx, id, browseruse.UploadFileParams{Name: "notes.txt", Body: strings.NewReader("hello")})
	}
	return []conformanceCase{
		{op: "listBrowsers", status: 200, run: func(e *env) {
			b := e.browser()
			page, err := e.client.ListBrowsers(e.ctx, browseruse.ListBrowsersParams{PageSize: browseruse.Ptr(5), Status: browseruse.BrowserActive})
			ok(e, err)
			require.Equal(e.t, 1, page.TotalItems)
			require.Equal(e.t, b.ID, page.Items[0].ID)
		}},
		{op: "listBrowsers", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpListBrowsers)
			_, err := e.client.ListBrowsers(e.ctx, browseruse.ListBrowsersParams{})
			is(e, err, browseruse.ErrRejected)
		}},
		{op: "createBrowser", status: 201, run: func(e *env) {
			b := e.browser()
			require.True(e.t, specval.IsUUID(b.ID))
			require.Equal(e.t, browseruse.BrowserActive, b.Status)
			require.Equal(e.t, 60*60.0, b.TimeoutAt.Sub(b.StartedAt.Time).Seconds(), "the default timeout, 60 minutes")
		}},
		{op: "createBrowser", status: 403, run: func(e *env) {
			_, err := e.client.CreateBrowser(e.ctx, browseruse.CreateBrowserParams{TimeoutMinutes: browseruse.MaxBrowserTimeoutMinutes + 1})
			is(e, err, browseruse.ErrBrowserTimeoutTooLong)
			require.NotErrorIs(e.t, err, browseruse.ErrUnauthorized)
			require.NotErrorIs(e.t, err, browseruse.ErrOutcomeUnknown, "a 403 started nothing")
		}},
		{op: "createBrowser", status: 404, run: func(e *env) {
			_, err := e.client.CreateBrowser(e.ctx, browseruse.CreateBrowserParams{ProfileID: missingID})
			is(e, err, browseruse.ErrProfileNotFound)
		}},
		{op: "createBrowser", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpCreateBrowser)
			_, err := e.client.CreateBrowser(e.ctx, browseruse.CreateBrowserParams{})
			is(e, err, browseruse.ErrRejected)
		}},
		{op: "createBrowser", status: 429, opts: []browserusetest.Option{browserusetest.WithMaxActiveSessions(1)}, run: func(e *env) {
			e.session() // a session and a browser count toward one cap
			_, err := e.client.CreateBrowser(e.ctx, browseruse.CreateBrowserParams{})
			is(e, err, browseruse.ErrTooManyConcurrentSessions)
			require.NotErrorIs(e.t, err, browseruse.ErrRateLimited)
		}},
		{op: "getBrowser", status: 200, run: func(e *env) {
			b := e.browser()
			got, err := e.client.GetBrowser(e.ctx, b.ID)
			ok(e, err)
			require.Equal(e.t, b.ID, got.ID)
			require.NotEmpty(e.t, browseruse.Deref(got.CdpURL))
		}},
		{op: "getBrowser", status: 404, run: func(e *env) {
			_, err := e.client.GetBrowser(e.ctx, missingID)
			is(e, err, browseruse.ErrBrowserNotFound)
		}},
		{op: "getBrowser", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpGetBrowser)
			_, err := e.client.GetBrowser(e.ctx, missingID)
			is(e, err, browseruse.ErrRejected)
		}},
		{op: "updateBrowser", status: 200, run: func(e *env) {
			b := e.browser()
			got, err := e.client.StopBrowser(e.ctx, b.ID)
			ok(e, err)
			require.Equal(e.t, browseruse.BrowserStopped, got.Status)
			require.NotNil(e.t, got.FinishedAt)
			require.Nil(e.t, got.CdpURL, "a stopped browser has no CDP endpoint")
		}},
		{op: "updateBrowser", status: 404, run: func(e *env) {
			_, err := e.client.StopBrowser(e.ctx, missingID)
			is(e, err, browseruse.ErrBrowserNotFound)
		}},
		{op: "updateBrowser", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpStopBrowser)
			_, err := e.client.StopBrowser(e.ctx, missingID)
			is(e, err, browseruse.ErrRejected)
		}},
		{op: "listBrowserDownloads", status: 200, run: func(e *env) {
			b := e.browser()
			n := 0
			for _, err := range e.client.BrowserDownloads(e.ctx, b.ID, browseruse.BrowserDownloadsParams{}) {
				ok(e, err)
				n++
			}
			require.Zero(e.t, n, "a new browser has downloaded nothing")
		}},
		{op: "listBrowserDownloads", status: 404, run: func(e *env) {
			var err error
			for _, err = range e.client.BrowserDownloads(e.ctx, missingID, browseruse.BrowserDownloadsParams{}) {
			}
			is(e, err, browseruse.ErrBrowserNotFound) // nil if the iterator yielded nothing
		}},
		{op: "listBrowserDownloads", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpBrowserDownloads)
			var err error
			for _, err = range e.client.BrowserDownloads(e.ctx, missingID, browseruse.BrowserDownloadsParams{}) {
			}
			is(e, err, browseruse.ErrRejected) // nil if the iterator yielded nothing
		}},
		{op: "createBrowserUploadUrl", status: 200, run: func(e *env) {
			b := e.browser()
			f, err := upload(e, b.ID)
			ok(e, err)
			require.Equal(e.t, "notes.txt", f.Name)
			require.Equal(e.t, []browserusetest.File{{Name: "notes.txt", Data: []byte("hello")}}, e.fake.BrowserFiles(b.ID))
		}},
		{op: "createBrowserUploadUrl", status: 400, run: func(e *env) {
			inject(e, browserusetest.OpUploadBrowserFile, 400, "Unsupported content type")
			_, err := upload(e, missingID)
			var apiErr *browseruse.APIError
			require.ErrorAs(e.t, err, &apiErr)
			require.Equal(e.t, 400, apiErr.StatusCode)
			require.NotErrorIs(e.t, err, browseruse.ErrInvalidResponse)
		}},
		{op: "createBrowserUploadUrl", status: 404, run: func(e *env) {
			_, err := upload(e, missingID)
			is(e, err, browseruse.ErrBrowserNotFound)
		}},
		{op: "createBrowserUploadUrl", status: 422, run: func(e *env) {
			e.reject422(browserusetest.OpUploadBrowserFile)
			_, err := upload(e, missingID)
			is(e, err, browseruse.ErrRejected)
		}},
		{op: "createBrowserUploadUrl", status: 500, run: func(e *env) {
			inject(e, browserusetest.OpUploadBrowserFile, 500, "An internal server error occurred")
			_, err := upload(e, missingID)
			is(e, err, browseruse.ErrServer)
		}},
	}
}
