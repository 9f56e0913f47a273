package browserusetest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Fault replaces the fake's answer to one call. Inject queues faults per
// operation; each call of that operation takes the next one.
type Fault struct {
	// Status and Header are sent instead of the normal answer, with Body
	// (sent as is; set Content-Type in Header when it matters).
	Status int
	Header http.Header
	Body   string
	// Delay waits before answering (or before dropping). A delay longer than
	// the client's timeout means headers that never come.
	Delay time.Duration
	// Drop closes the connection without any answer.
	Drop bool
	// CutAfter, when > 0, announces the whole body but sends only its first
	// CutAfter bytes, then closes the connection (a reset mid-body).
	CutAfter int
	// AfterApplying lets the operation take effect first (a session is
	// created, say) and only then sends the fault: the work is done but the
	// answer is lost. With Status 0 the normal answer is kept, so Drop or
	// CutAfter apply to it.
	AfterApplying bool
}

// Format prints the fault's shape (headers and body are the test's own).
func (f Fault) Format(s fmt.State, _ rune) {
	fmt.Fprintf(s, "Fault{Status: %d, Delay: %s, Drop: %t, CutAfter: %d, AfterApplying: %t}",
		f.Status, f.Delay, f.Drop, f.CutAfter, f.AfterApplying)
}

// Inject makes the next n calls of the operation (an Op constant) answer
// with fault instead of normally.
func (f *Fake) Inject(operation string, n int, fault Fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.faults[operation] = append(f.faults[operation], fault)
	}
}

// SetLatency changes the delay added to every answer.
func (f *Fake) SetLatency(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.latency = d
}

// Request is one request the fake received.
type Request struct {
	// Operation is the operationId (an Op constant), or "" for a path the
	// API does not have.
	Operation string
	Method    string // GET, POST, ...
	Path      string // the URL's path, BasePath included
	Query     string // the URL's raw query, without "?"
	// Header holds the request's headers, with the API key's value masked.
	Header http.Header
	// Body is the request's body, with the values of task secrets and of a
	// custom proxy's password masked.
	Body string
}

// Requests returns the requests received so far, oldest first.
func (f *Fake) Requests() []Request {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]Request(nil), f.requests...)
}

// RequestCount returns how many requests of the operation were received
// ("" counts all).
func (f *Fake) RequestCount(operation string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, r := range f.requests {
		if operation == "" || r.Operation == operation {
			n++
		}
	}
	return n
}

// ResetRequests forgets the requests received so far.
func (f *Fake) ResetRequests() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = nil
}

func (f *Fake) record(op string, r *http.Request, body []byte) {
	h := r.Header.Clone()
	if h.Get(apiKeyHeader) != "" {
		h.Set(apiKeyHeader, "[REDACTED]")
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.keepHistory <= 0 {
		return
	}
	if len(f.requests) >= f.keepHistory {
		f.requests = f.requests[1:]
	}
	f.requests = append(f.requests, Request{Operation: op, Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: h, Body: maskSecrets(body)})
}

// maskSecrets masks, in a request body kept in the log, the values of a
// task's secrets and of a custom proxy's password, as the client masks
// them in its errors and logs.
func maskSecrets(body []byte) string {
	var value any
	if json.Unmarshal(body, &value) != nil {
		return string(body)
	}
	out := string(body)
	var walk func(key string, v any, secret bool)
	walk = func(key string, v any, secret bool) {
		switch v := v.(type) {
		case map[string]any:
			for k, inner := range v {
				walk(k, inner, secret || key == "secrets")
			}
		case []any:
			for _, inner := range v {
				walk(key, inner, secret)
			}
		case string:
			if v != "" && (secret || key == "password") {
				quoted, _ := json.Marshal(v) // a string always encodes
				out = strings.ReplaceAll(out, string(quoted[1:len(quoted)-1]), "[REDACTED]")
			}
		}
	}
	walk("", value, false)
	return out
}

// takeFault pops the next fault of op, if any, and returns the latency.
func (f *Fake) takeFault(op string) (*Fault, time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	queue := f.faults[op]
	if len(queue) == 0 {
		return nil, f.latency
	}
	fault := queue[0]
	f.faults[op] = queue[1:]
	return &fault, f.latency
}

// sleep waits d or until the request is gone.
func sleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// serveFault sends fault; normal, when set, is the answer the operation produced.
func serveFault(w http.ResponseWriter, fault *Fault, normal *httptest.ResponseRecorder) {
	status, header, body := fault.Status, fault.Header, []byte(fault.Body)
	if status == 0 && normal != nil {
		status, header, body = normal.Code, normal.Header(), normal.Body.Bytes()
	}
	if fault.Drop {
		panic(http.ErrAbortHandler) // closes the connection without a response
	}
	for k, v := range header {
		w.Header()[k] = v
	}
	if fault.CutAfter > 0 && fault.CutAfter < len(body) {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body[:fault.CutAfter])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	}
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.Copy(w, bytes.NewReader(body))
}

// Statuses returns the distinct statuses the operation has answered, in the
// order first seen (a dropped connection answers none).
func (f *Fake) Statuses(operation string) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]int(nil), f.statuses[operation]...)
}

func (f *Fake) answered(op string, status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !slices.Contains(f.statuses[op], status) {
		f.statuses[op] = append(f.statuses[op], status)
	}
}

// statusWriter reports the status an answer is sent with.
type statusWriter struct {
	http.ResponseWriter
	onStatus func(int)
	wrote    bool
}

// WriteHeader reports the status, then sends it.
func (w *statusWriter) WriteHeader(status int) {
	if !w.wrote {
		w.wrote = true
		w.onStatus(status)
	}
	w.ResponseWriter.WriteHeader(status)
}

// Write sends body bytes, reporting 200 if no status was sent.
func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.wrote {
		w.WriteHeader(http.StatusOK)
	}
	return w.ResponseWriter.Write(p)
}

// Flush lets a cut body reach the client before the connection closes.
func (w *statusWriter) Flush() {
	if fl, ok := w.ResponseWriter.(http.Flusher); ok {
		fl.Flush()
	}
}
