package browseruse_test

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

func itemJSON(i int) string {
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
	return strings.Replace(sessionItemJSON, sessionID, id, 1)
}

// pager serves total sessions; lie lets a test bend the answer.
func pager(total int, calls *atomic.Int32, lie func(page, size int, items []string, totalItems int) (int, []string, int)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		page, _ := strconv.Atoi(r.URL.Query().Get("pageNumber"))
		size, _ := strconv.Atoi(r.URL.Query().Get("pageSize"))
		if size == 0 {
			size = 10
		}
		var items []string
		for i := (page - 1) * size; i < min(page*size, total); i++ {
			items = append(items, itemJSON(i))
		}
		totalItems := total
		if lie != nil {
			page, items, totalItems = lie(page, size, items, totalItems)
		}
		writeJSON(w, 200, fmt.Sprintf(`{"items":[%s],"totalItems":%d,"pageNumber":%d,"pageSize":%d}`,
			strings.Join(items, ","), totalItems, page, size))
	}
}

// firstItems is a full page of the first sessions, whatever page was asked.
func firstItems(size int) []string {
	full := make([]string, size)
	for i := range full {
		full[i] = itemJSON(i)
	}
	return full
}

func collect(t *testing.T, c *browseruse.Client, p browseruse.ListSessionsParams) ([]string, error) {
	t.Helper()
	var ids []string
	for s, err := range c.AllSessions(context.Background(), p) {
		if err != nil {
			return ids, err
		}
		ids = append(ids, s.ID)
	}
	return ids, nil
}

func TestAllSessionsWalksEveryPage(t *testing.T) {
	for _, tc := range []struct {
		total, size, wantCalls int
	}{
		{25, 10, 3}, // ends on the short page
		{20, 10, 2}, // ends on totalItems, no extra empty request
		{0, 10, 1},  // ends on the empty page
		{7, 100, 1},
	} {
		var calls atomic.Int32
		srv := newAPIServer(t, pager(tc.total, &calls, nil))
		ids, err := collect(t, srv.client(t), browseruse.ListSessionsParams{PageSize: browseruse.Ptr(tc.size)})
		require.NoError(t, err)
		require.Len(t, ids, tc.total)
		for i, id := range ids {
			require.Equal(t, fmt.Sprintf("00000000-0000-4000-8000-%012d", i), id)
		}
		require.EqualValues(t, tc.wantCalls, calls.Load(), "total %d size %d", tc.total, tc.size)
	}
}

// TestAllSessionsEndsWhenThePageNumberIsStuck: a server that answers page 1
// whatever is asked would hand out page 1's sessions again.
func TestAllSessionsEndsWhenThePageNumberIsStuck(t *testing.T) {
	var calls atomic.Int32
	srv := newAPIServer(t, pager(0, &calls, func(_, size int, _ []string, _ int) (int, []string, int) {
		return 1, firstItems(size), 1_000_000
	}))
	ids, err := collect(t, srv.client(t), browseruse.ListSessionsParams{PageSize: browseruse.Ptr(2)})
	require.ErrorIs(t, err, browseruse.ErrPagingStuck)
	require.Len(t, ids, 2, "no session is yielded twice")
	require.EqualValues(t, 2, calls.Load())
}

// TestAllSessionsEndsWhenTheServerIgnoresThePageNumber: every page has the
// same full items, the page number is echoed and totalItems is huge, so no
// other rule ends the walk; the repeated items do, with an error.
func TestAllSessionsEndsWhenTheServerIgnoresThePageNumber(t *testing.T) {
	var calls atomic.Int32
	srv := newAPIServer(t, pager(0, &calls, func(page, size int, _ []string, _ int) (int, []string, int) {
		return page, firstItems(size), 1_000_000
	}))
	ids, err := collect(t, srv.client(t), browseruse.ListSessionsParams{PageSize: browseruse.Ptr(3)})
	require.ErrorIs(t, err, browseruse.ErrPagingStuck)
	require.ErrorContains(t, err, "page 2 repeats item")
	require.Len(t, ids, 3, "the first page is yielded, the repeat is not")
	require.EqualValues(t, 2, calls.Load())
}

func TestAllSessionsStopsOnBreakAndYieldsErrors(t *testing.T) {
	var calls atomic.Int32
	srv := newAPIServer(t, pager(100, &calls, nil))
	n := 0
	for range srv.client(t).AllSessions(context.Background(), browseruse.ListSessionsParams{PageSize: browseruse.Ptr(10)}) {
		n++
		if n == 15 {
			break
		}
	}
	require.Equal(t, 15, n)
	require.EqualValues(t, 2, calls.Load())

	srv = newAPIServer(t, answer(500, `{"detail":"down"}`))
	_, err := collect(t, srv.client(t, browseruse.WithRetry(browseruse.RetryPolicy{})), browseruse.ListSessionsParams{})
	require.ErrorIs(t, err, browseruse.ErrServer)

	_, err = collect(t, srv.client(t), browseruse.ListSessionsParams{PageSize: browseruse.Ptr(0)})
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
}

func TestAllSessionsDoesNotChangeTheCallersParams(t *testing.T) {
	var calls atomic.Int32
	srv := newAPIServer(t, pager(30, &calls, nil))
	p := browseruse.ListSessionsParams{PageSize: browseruse.Ptr(10), PageNumber: browseruse.Ptr(2)}
	ids, err := collect(t, srv.client(t), p)
	require.NoError(t, err)
	require.Len(t, ids, 20, "starts at the page asked for")
	require.Equal(t, 2, *p.PageNumber)
}

// TestAllSessionsHoldsOnePageAtATime walks 10,000 sessions in pages of 100
// and samples the live heap as it goes: it must stay near one page (about
// 100 KB decoded), far below the 10,000 sessions (several MB).
func TestAllSessionsHoldsOnePageAtATime(t *testing.T) {
	const total, size = 10_000, 100
	var calls atomic.Int32
	srv := newAPIServer(t, pager(total, &calls, nil))
	c := srv.client(t)
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak uint64
	n := 0
	for _, err := range c.AllSessions(context.Background(), browseruse.ListSessionsParams{PageSize: browseruse.Ptr(size)}) {
		require.NoError(t, err)
		n++
		if n%1000 == 0 {
			var m runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m)
			if m.HeapAlloc > base.HeapAlloc {
				peak = max(peak, m.HeapAlloc-base.HeapAlloc)
			}
		}
	}
	require.Equal(t, total, n)
	require.EqualValues(t, total/size, calls.Load())
	require.Less(t, peak, uint64(1<<20), "live heap grew by %d bytes: pages are being kept", peak)
	t.Logf("live heap above baseline at most %d bytes", peak)
}
