package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/gen"
	"github.com/browseruse-go/browseruse-go/internal/apitime"
)

// ---- the baseline: hand-written net/http + encoding/json ----

type rawClient struct {
	base string
	hc   *http.Client
}

type rawCreate struct {
	ProxyCountryCode    string `json:"proxyCountryCode"`
	BrowserScreenWidth  int    `json:"browserScreenWidth"`
	BrowserScreenHeight int    `json:"browserScreenHeight"`
	KeepAlive           bool   `json:"keepAlive"`
}

type rawSessionItem struct {
	ID            string        `json:"id"`
	Status        string        `json:"status"`
	StartedAt     apitime.Time  `json:"startedAt"`
	FinishedAt    *apitime.Time `json:"finishedAt"`
	PersistMemory bool          `json:"persistMemory"`
	KeepAlive     bool          `json:"keepAlive"`
	LiveURL       *string       `json:"liveUrl"`
	RecordingURL  *string       `json:"recordingUrl"`
	ProxyUsedMb   string        `json:"proxyUsedMb"`
	ProxyCost     string        `json:"proxyCost"`
}

type rawTask struct {
	ID                string           `json:"id"`
	SessionID         string           `json:"sessionId"`
	LLM               string           `json:"llm"`
	Task              string           `json:"task"`
	Status            string           `json:"status"`
	CreatedAt         apitime.Time     `json:"createdAt"`
	StartedAt         *apitime.Time    `json:"startedAt"`
	FinishedAt        *apitime.Time    `json:"finishedAt"`
	Metadata          map[string]any   `json:"metadata"`
	Output            *string          `json:"output"`
	BrowserUseVersion *string          `json:"browserUseVersion"`
	IsSuccess         *bool            `json:"isSuccess"`
	Judgement         *string          `json:"judgement"`
	JudgeVerdict      *bool            `json:"judgeVerdict"`
	Cost              *string          `json:"cost"`
	Suggestions       []map[string]any `json:"suggestions"`
}

type rawSession struct {
	rawSessionItem
	PublicShareURL *string   `json:"publicShareURL"`
	Tasks          []rawTask `json:"tasks"`
}

type rawPage struct {
	Items      []rawSessionItem `json:"items"`
	TotalItems int              `json:"totalItems"`
	PageNumber int              `json:"pageNumber"`
	PageSize   int              `json:"pageSize"`
}

func newRaw(base string) *rawClient {
	return &rawClient{base: base, hc: &http.Client{Transport: transport()}}
}

// maxIdleConnsPerHost is the facade's default transport's setting.
const maxIdleConnsPerHost = 64

// transport is what the baseline and the generated client use: the same
// idle connection limits as the facade's default.
func transport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = 2*maxIdleConnsPerHost, maxIdleConnsPerHost
	return t
}

func (c *rawClient) do(ctx context.Context, method, path string, body []byte, want int, out any) error {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("X-Browser-Use-API-Key", benchKey)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := readBody(resp)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return json.Unmarshal(data, out)
}

// readBody reads a body the way the facade does: into one buffer sized
// from Content-Length, capped (io.ReadAll would grow it step by step).
func readBody(resp *http.Response) ([]byte, error) {
	const max = 8 << 20
	if resp.ContentLength > max {
		return nil, fmt.Errorf("body of %d bytes", resp.ContentLength)
	}
	size := int64(4 << 10)
	if resp.ContentLength >= 0 {
		size = resp.ContentLength + 1
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	_, err := buf.ReadFrom(io.LimitReader(resp.Body, max+1))
	if buf.Len() > max {
		return nil, fmt.Errorf("body over %d bytes", max)
	}
	return buf.Bytes(), err
}

func (c *rawClient) create(ctx context.Context) error {
	body, err := json.Marshal(rawCreate{ProxyCountryCode: "de", BrowserScreenWidth: 1280, BrowserScreenHeight: 800, KeepAlive: false})
	if err != nil {
		return err
	}
	var out rawSessionItem
	return c.do(ctx, http.MethodPost, "/sessions", body, http.StatusCreated, &out)
}

func (c *rawClient) get(ctx context.Context) error {
	var out rawSession
	return c.do(ctx, http.MethodGet, "/sessions/"+sessionID, nil, http.StatusOK, &out)
}

func (c *rawClient) getSmall(ctx context.Context) error {
	var out rawSession
	return c.do(ctx, http.MethodGet, "/sessions/"+smallSessionID, nil, http.StatusOK, &out)
}

type rawTaskStatus struct {
	ID         string        `json:"id"`
	Status     string        `json:"status"`
	Output     *string       `json:"output"`
	FinishedAt *apitime.Time `json:"finishedAt"`
	IsSuccess  *bool         `json:"isSuccess"`
	Cost       *string       `json:"cost"`
}

func (c *rawClient) status(ctx context.Context) error {
	var out rawTaskStatus
	return c.do(ctx, http.MethodGet, "/tasks/"+taskID+"/status", nil, http.StatusOK, &out)
}

func (c *rawClient) list(ctx context.Context) error {
	var out rawPage
	return c.do(ctx, http.MethodGet, "/sessions?pageSize=100&pageNumber=1", nil, http.StatusOK, &out)
}

// ---- the generated client alone ----

type genClient struct{ c *gen.ClientWithResponses }

func newGen(base string) *genClient {
	c, err := gen.NewClientWithResponses(base, gen.WithHTTPClient(&http.Client{Transport: transport()}),
		gen.WithRequestEditorFn(func(_ context.Context, req *http.Request) error {
			req.Header.Set("X-Browser-Use-API-Key", benchKey)
			return nil
		}))
	if err != nil {
		panic(err)
	}
	return &genClient{c}
}

func (g *genClient) create(ctx context.Context) error {
	body := gen.CreateSessionRequest{BrowserScreenWidth: browseruse.Ptr(1280), BrowserScreenHeight: browseruse.Ptr(800), KeepAlive: browseruse.Ptr(false)}
	body.ProxyCountryCode.Set(gen.ProxyCountryCodeDe)
	resp, err := g.c.CreateSessionWithResponse(ctx, body)
	if err == nil && resp.JSON201 == nil {
		err = fmt.Errorf("status %d", resp.StatusCode())
	}
	return err
}

func (g *genClient) get(ctx context.Context) error {
	resp, err := g.c.GetSessionWithResponse(ctx, sessionID)
	if err == nil && resp.JSON200 == nil {
		err = fmt.Errorf("status %d", resp.StatusCode())
	}
	return err
}

func (g *genClient) getSmall(ctx context.Context) error {
	resp, err := g.c.GetSessionWithResponse(ctx, smallSessionID)
	if err == nil && resp.JSON200 == nil {
		err = fmt.Errorf("status %d", resp.StatusCode())
	}
	return err
}

func (g *genClient) status(ctx context.Context) error {
	resp, err := g.c.GetTaskStatusWithResponse(ctx, taskID)
	if err == nil && resp.JSON200 == nil {
		err = fmt.Errorf("status %d", resp.StatusCode())
	}
	return err
}

func (g *genClient) list(ctx context.Context) error {
	resp, err := g.c.ListSessionsWithResponse(ctx, &gen.ListSessionsParams{PageSize: browseruse.Ptr(100), PageNumber: browseruse.Ptr(1)})
	if err == nil && resp.JSON200 == nil {
		err = fmt.Errorf("status %d", resp.StatusCode())
	}
	return err
}

// ---- the facade ----

type facade struct{ c *browseruse.Client }

var createParams = browseruse.CreateSessionParams{
	Proxy: browseruse.ProxyIn("de"), ScreenWidth: browseruse.Ptr(1280), ScreenHeight: browseruse.Ptr(800), KeepAlive: browseruse.Ptr(false),
}

func newFacade(base string, mode browseruse.ValidationMode) *facade {
	c, err := browseruse.NewClient(browseruse.WithAPIKey(benchKey), browseruse.WithBaseURL(base), browseruse.WithValidation(mode))
	if err != nil {
		panic(err)
	}
	return &facade{c}
}

func (f *facade) create(ctx context.Context) error {
	_, err := f.c.CreateSession(ctx, createParams)
	return err
}

func (f *facade) get(ctx context.Context) error {
	_, err := f.c.GetSession(ctx, sessionID)
	return err
}

func (f *facade) getSmall(ctx context.Context) error {
	_, err := f.c.GetSession(ctx, smallSessionID)
	return err
}

func (f *facade) status(ctx context.Context) error {
	_, err := f.c.GetTaskStatus(ctx, taskID)
	return err
}

func (f *facade) list(ctx context.Context) error {
	_, err := f.c.ListSessions(ctx, browseruse.ListSessionsParams{PageSize: browseruse.Ptr(100), PageNumber: browseruse.Ptr(1)})
	return err
}

// caller is what each benchmarked client offers.
type caller interface {
	create(context.Context) error
	get(context.Context) error
	getSmall(context.Context) error
	list(context.Context) error
	status(context.Context) error
}

// variants are the clients compared, the baseline first.
func variants(base string) []struct {
	name string
	c    caller
} {
	return []struct {
		name string
		c    caller
	}{
		{"raw", newRaw(base)},
		{"generated", newGen(base)},
		{"facade-off", newFacade(base, browseruse.ValidationOff)},
		{"facade-default", newFacade(base, browseruse.ValidationCompatible)},
		{"facade-strict", newFacade(base, browseruse.ValidationStrict)},
	}
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
