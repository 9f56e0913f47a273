package bench_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const (
	benchKey  = "bu_bench_key"
	sessionID = "3c90c3cc-0d44-4b50-8888-8dd25736052a"
)

// smallSessionID answers a session with one task; sessionID one with 50.
const smallSessionID = "3c90c3cc-0d44-4b50-8888-000000000001"

// canned answers, built once. They look like the service's: FastAPI sends
// nulls (not absent fields), naive timestamps with microseconds, escaped
// strings and multi-line agent output.
var (
	createAnswer   = []byte(sessionItem(0))
	getSmallAnswer = []byte(sessionWithTasks(smallSessionID, 1))
	getAnswer      = []byte(sessionWithTasks(sessionID, 50))
	listAnswer     = []byte(sessionPage(100))
	statusAnswer   = []byte(`{"id":"` + taskID + `","status":"started","output":null,"finishedAt":null,"isSuccess":null,"cost":"0.0125"}`)
)

// taskID is the task a wait polls.
const taskID = "5b1e8a52-0d44-4b50-8888-000000000001"

func uuidN(prefix string, i int) string { return fmt.Sprintf("%s-0d44-4b50-8888-%012d", prefix, i) }

func sessionItem(i int) string {
	return `{"id":"` + uuidN("3c90c3cc", i) + `","status":"active","liveUrl":"https://live.browser-use.com/?wss=https%3A%2F%2Fx.example%2Fdevtools",` +
		`"recordingUrl":null,"startedAt":"2026-11-27T10:00:00.123456","finishedAt":null,"persistMemory":true,"keepAlive":false,` +
		`"proxyUsedMb":"12.5","proxyCost":"0.0125"}`
}

func sessionWithTasks(id string, n int) string {
	tasks := make([]string, n)
	for i := range tasks {
		tasks[i] = `{"id":"` + uuidN("5b1e8a52", i) + `","sessionId":"` + id + `","llm":"browser-use-llm",` +
			`"task":"Find the cheapest flight from \"Berlin\" to Lisbon next Friday and report the price \u2014 in EUR","status":"finished",` +
			`"createdAt":"2026-11-27T10:00:01.000123","startedAt":"2026-11-27T10:00:02.456789","finishedAt":"2026-11-27T10:05:00.999999",` +
			`"metadata":{"run":"` + strconv.Itoa(i) + `","team":"travel"},` +
			`"output":"Cheapest option:\n- TAP TP 545, departs 07:05, EUR 89.99\n- Ryanair FR 1234, departs 21:40, EUR 94.50\n\nPrices include one cabin bag.",` +
			`"browserUseVersion":"0.9.1","isSuccess":true,"judgement":null,"judgeVerdict":null,"cost":"0.0421","suggestions":null}`
	}
	return `{"id":"` + id + `","status":"active","liveUrl":"https://live.browser-use.com/?wss=https%3A%2F%2Fx.example%2Fdevtools",` +
		`"recordingUrl":null,"startedAt":"2026-11-27T10:00:00.123456","finishedAt":null,"tasks":[` + strings.Join(tasks, ",") + `],` +
		`"publicShareUrl":null,"persistMemory":true,"keepAlive":true,"proxyUsedMb":"12.5","proxyCost":"0.0125"}`
}

func sessionPage(n int) string {
	items := make([]string, n)
	for i := range items {
		items[i] = sessionItem(i)
	}
	return `{"items":[` + strings.Join(items, ",") + `],"totalItems":10000,"pageNumber":1,"pageSize":` + strconv.Itoa(n) + `}`
}

// server is the one loopback server every benchmark calls. conns counts the
// connections it accepted.
var server = sync.OnceValue(func() *benchServer {
	s := &benchServer{}
	ts := httptest.NewUnstartedServer(http.HandlerFunc(s.serve))
	ts.Config.ConnState = func(_ net.Conn, state http.ConnState) {
		if state == http.StateNew {
			s.conns.Add(1)
		}
	}
	ts.Start()
	s.ts = ts
	s.base = ts.URL + "/api/v2"
	return s
})

type benchServer struct {
	ts    *httptest.Server
	base  string
	conns atomic.Int64
}

func (s *benchServer) serve(w http.ResponseWriter, r *http.Request) {
	_, _ = io.Copy(io.Discard, r.Body)
	var status int
	var body []byte
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/api/v2/sessions":
		status, body = http.StatusCreated, createAnswer
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/sessions":
		status, body = http.StatusOK, listAnswer
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/sessions/"+sessionID:
		status, body = http.StatusOK, getAnswer
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/tasks/"+taskID+"/status":
		status, body = http.StatusOK, statusAnswer
	case r.Method == http.MethodGet && r.URL.Path == "/api/v2/sessions/"+smallSessionID:
		status, body = http.StatusOK, getSmallAnswer
	default:
		status, body = http.StatusNotFound, []byte(`{"detail":"Not Found"}`)
	}
	if r.Header.Get("X-Browser-Use-API-Key") != benchKey {
		status, body = http.StatusUnauthorized, []byte(`{"detail":"bad key"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func TestMain(m *testing.M) {
	if os.Getenv(envChild) != "" {
		os.Exit(firstNewClientChild())
	}
	code := m.Run()
	server().ts.Close()
	os.Exit(code)
}
