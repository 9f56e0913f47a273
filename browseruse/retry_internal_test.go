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

// TestEveryOperationIsInTheTable: the table and openapi.yaml list the
// same operations, each row names a Client method, says how it retries,
// and, for a create, what it starts.
func TestEveryOperationIsInTheTable(t *testing.T) {
	spec, err := specval.Load()
	require.NoError(t, err)
	inTable := map[string]bool{}
	for i, info := range operationTable {
		require.NotEmpty(t, info.id, "row %d", i)
		require.NotNil(t, spec.Operation(info.id), "row %d names %q, which openapi.yaml does not have", i, info.id)
		require.NotEmpty(t, info.method, info.id)
		require.NotEqual(t, retryNever, info.retry, "%s: say how it retries", info.id)
		require.Equal(t, info.retry == retryUnsent, info.creates != "", "%s: a create retries only what was never sent", info.id)
		require.False(t, inTable[info.id], "%s twice", info.id)
		inTable[info.id] = true
	}
	for _, op := range spec.Operations() {
		require.True(t, inTable[op.ID], "openapi.yaml has %s: add a row to operationTable", op.ID)
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
// wrote, so every parameter and body field of openapi.yaml that a params
// type fills must have one (from its `wire` tag), and every `wire` tag must
// name a field the spec has. It fails when the spec grows a field the
// params type does not tag, or a tag is misspelt.
func TestEveryRequestFieldHasAGoName(t *testing.T) {
	spec, err := specval.Load()
	require.NoError(t, err)
	ops, err := resolveOperations(spec)
	require.NoError(t, err)
	for _, op := range ops {
		wire := map[string]bool{}
		route := op.spec.Route
		for _, list := range []openapi3.Parameters{route.PathItem.Parameters, route.Operation.Parameters} {
			for _, p := range list {
				wire[p.Value.Name] = true
			}
		}
		if rb := route.Operation.RequestBody; rb != nil && op.params != nil {
			var walk func(ptr string, s *openapi3.Schema)
			walk = func(ptr string, s *openapi3.Schema) {
				for _, ref := range s.AllOf {
					walk(ptr, ref.Value)
				}
				for name, prop := range s.Properties {
					wire[ptr+"/"+name] = true
					walk(ptr+"/"+name, prop.Value)
				}
			}
			walk("", rb.Value.Content.Get("application/json").Schema.Value)
		}
		for name := range wire {
			require.Contains(t, op.goNames, name, "%s: %s has no Go name", op.method, name)
		}
		for name := range op.goNames {
			require.True(t, wire[name], "%s: the Go name of %s names no field of openapi.yaml", op.method, name)
		}
	}
	require.Equal(t, "sessionID", ops[opGetSession].goNames["session_id"])
	require.Equal(t, "CustomProxy.Port", ops[opCreateSession].goNames["/customProxy/port"])
	require.Equal(t, "SessionSettings.Proxy", ops[opCreateTask].goNames["/sessionSettings/proxyCountryCode"])
	require.Equal(t, "Status", ops[opListTasks].goNames["filterBy"])
}

// TestThePollSchedule pins the default schedule bench/README.md measured:
// 1.5 s for 40 waits, then each 1.5 times the one before, up to 5 s.
func TestThePollSchedule(t *testing.T) {
	cfg := waitConfig{first: DefaultPollFirst, max: DefaultPollMax}
	require.Equal(t, 1500*time.Millisecond, DefaultPollFirst)
	require.Equal(t, 5*time.Second, DefaultPollMax)
	delay := cfg.first
	var waits []time.Duration
	for polls := 1; polls <= 46; polls++ {
		waits = append(waits, delay)
		delay = cfg.next(polls, delay)
	}
	for i := range 40 {
		require.Equal(t, 1500*time.Millisecond, waits[i], "wait %d", i+1)
	}
	require.Equal(t, []time.Duration{2250 * time.Millisecond, 3375 * time.Millisecond, 5 * time.Second,
		5 * time.Second, 5 * time.Second, 5 * time.Second}, waits[40:])
}
