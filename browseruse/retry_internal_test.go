package browseruse

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	require.Equal(t, 7*time.Second, parseRetryAfter("7", now))
	require.Equal(t, 90*time.Second, parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now))
	require.Zero(t, parseRetryAfter(now.Add(-time.Minute).Format(http.TimeFormat), now), "a date in the past")
	require.Zero(t, parseRetryAfter("-3", now))
	require.Zero(t, parseRetryAfter("soon", now))
	require.Zero(t, parseRetryAfter("", now))
}

func TestBackoffDoublesWithJitterUnderTheCap(t *testing.T) {
	base, limit := 500*time.Millisecond, 8*time.Second
	for n, want := range map[int]time.Duration{1: base, 2: 2 * base, 3: 4 * base, 5: limit, 30: limit} {
		for range 200 {
			d := backoff(base, limit, n)
			require.GreaterOrEqual(t, d, want/2, "attempt %d", n)
			require.LessOrEqual(t, d, want, "attempt %d", n)
		}
	}
}

func TestRetryTableDecisions(t *testing.T) {
	p := DefaultRetryPolicy()
	refused := notSentError{errors.New("connection refused")}
	reset := errors.New("connection reset")
	for _, tc := range []struct {
		op    opIndex
		o     attemptOutcome
		retry bool
	}{
		{opGetSession, attemptOutcome{status: 503}, true},
		{opGetSession, attemptOutcome{status: 408}, true},
		{opGetSession, attemptOutcome{status: 429}, true},
		{opGetSession, attemptOutcome{status: 404}, false},
		{opGetSession, attemptOutcome{status: 501}, false},
		{opGetSession, attemptOutcome{transport: reset, sent: true}, true},
		{opUpdateSession, attemptOutcome{status: 502}, true},
		{opDeletePublicShare, attemptOutcome{status: 504}, true},
		{opCreateSession, attemptOutcome{status: 503}, false},
		{opCreateSession, attemptOutcome{status: 500}, false},
		{opCreateSession, attemptOutcome{status: 429}, false},
		{opCreateSession, attemptOutcome{transport: reset, sent: true}, false},
		{opCreateSession, attemptOutcome{transport: refused, sent: false}, true},
		{opGetSession, attemptOutcome{status: 200, transport: reset, permanent: true}, false},
		{opGetSession, attemptOutcome{status: 429, retryAfter: time.Hour}, false},
	} {
		_, retry := p.next(&operationTable[tc.op], 1, tc.o)
		require.Equal(t, tc.retry, retry, "%s %+v", operationTable[tc.op].method, tc.o)
	}
	get := &operationTable[opGetSession]
	_, retry := p.next(get, 3, attemptOutcome{status: 503})
	require.False(t, retry, "two retries, then stop")
	_, retry = RetryPolicy{}.next(get, 1, attemptOutcome{status: 503})
	require.False(t, retry, "a zero policy disables retries")
	wait, retry := p.next(get, 1, attemptOutcome{status: 429, retryAfter: 3 * time.Second})
	require.True(t, retry)
	require.Equal(t, 3*time.Second, wait)
}

// TestOperationsMissingFromTheTableAreNeverRetried: the zero value of the
// table is fail safe, whatever happened.
func TestOperationsMissingFromTheTableAreNeverRetried(t *testing.T) {
	p := DefaultRetryPolicy()
	var forgotten operationInfo
	for _, o := range []attemptOutcome{
		{status: 503}, {status: 429}, {status: 408},
		{transport: notSentError{errors.New("connection refused")}},
		{transport: errors.New("connection reset"), sent: true},
	} {
		_, retry := p.next(&forgotten, 1, o)
		require.False(t, retry, "%+v", o)
	}
}

// TestEveryOperationIsInTheTable: each row names an operation of the spec
// and a Client method, and says how it retries.
func TestEveryOperationIsInTheTable(t *testing.T) {
	seen := map[string]bool{}
	for i, info := range operationTable {
		require.NotEmpty(t, info.id, "row %d", i)
		require.NotEmpty(t, info.method, info.id)
		require.NotEqual(t, retryNever, info.retry, "%s: say how it retries", info.id)
		require.False(t, seen[info.id], "%s twice", info.id)
		seen[info.id] = true
	}
}

func TestTaskCreateRetriesLikeSessionCreate(t *testing.T) {
	p := DefaultRetryPolicy()
	create := &operationTable[opCreateTask]
	for _, tc := range []struct {
		o     attemptOutcome
		retry bool
	}{
		{attemptOutcome{status: 503}, false},
		{attemptOutcome{status: 429}, false},
		{attemptOutcome{transport: errors.New("connection reset"), sent: true}, false},
		{attemptOutcome{transport: notSentError{errors.New("connection refused")}}, true},
	} {
		_, retry := p.next(create, 1, tc.o)
		require.Equal(t, tc.retry, retry, "%+v", tc.o)
	}
}

// TestEveryRequestFieldHasAGoName: a violation names the Go field the user
// wrote, so every parameter and body field of openapi.yaml must have one;
// this fails when the spec grows a field and goNames does not.
func TestEveryRequestFieldHasAGoName(t *testing.T) {
	spec, err := specval.Load()
	require.NoError(t, err)
	ops, err := resolveOperations(spec)
	require.NoError(t, err)
	userBodies := map[string]bool{"createSession": true, "createTask": true} // the stops' bodies are the client's own
	for _, op := range ops {
		route := op.spec.Route
		for _, list := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
			for _, p := range list {
				require.Contains(t, op.goNames, p.Value.Name, "%s parameter %s", op.method, p.Value.Name)
			}
		}
		if rb := route.Operation.RequestBody; rb != nil && userBodies[op.id] {
			var walk func(ptr string, s *openapi3.Schema)
			walk = func(ptr string, s *openapi3.Schema) {
				for _, ref := range s.AllOf {
					walk(ptr, ref.Value)
				}
				for name, prop := range s.Properties {
					require.Contains(t, op.goNames, ptr+"/"+name, "%s body field %s", op.method, ptr+"/"+name)
					walk(ptr+"/"+name, prop.Value)
				}
			}
			walk("", rb.Value.Content.Get("application/json").Schema.Value)
		}
	}
}
