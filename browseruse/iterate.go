package browseruse

import (
	"context"
	"fmt"
	"iter"
)

// AllSessions iterates over every session matching p, page by page, from
// p.PageNumber (default 1). Only one page is held in memory at a time.
//
// The iteration always ends: on an empty page, on a page shorter than its
// page size, once totalItems sessions were seen, on a page number that does
// not advance, on a page that repeats items of the page before (an error
// matching ErrPagingStuck: the server may ignore pageNumber), or on the
// first error, which is yielded with a zero item.
func (c *Client) AllSessions(ctx context.Context, p ListSessionsParams) iter.Seq2[SessionItem, error] {
	return func(yield func(SessionItem, error) bool) {
		page := 1
		if p.PageNumber != nil {
			page = *p.PageNumber
		}
		var previous map[string]bool // ids of the page before
		for {
			params := p // a copy: the caller's value is never changed
			params.PageNumber = Ptr(page)
			resp, err := c.ListSessions(ctx, params)
			if err != nil {
				yield(SessionItem{}, err)
				return
			}
			seen := make(map[string]bool, len(resp.Items))
			for _, item := range resp.Items {
				if previous[item.ID] {
					yield(SessionItem{}, fmt.Errorf("%w: page %d repeats session %s of page %d; stopped", ErrPagingStuck, page, item.ID, page-1))
					return
				}
				seen[item.ID] = true
			}
			for _, item := range resp.Items {
				if !yield(item, nil) {
					return
				}
			}
			size := resp.PageSize
			if p.PageSize != nil {
				size = *p.PageSize
			}
			switch {
			case len(resp.Items) == 0, // empty page
				len(resp.Items) < size, // short page
				size <= 0,              // a page size that cannot advance
				(page-1)*size+len(resp.Items) >= resp.TotalItems, // all items seen
				resp.PageNumber != page:                          // the server did not go to the page asked for
				return
			}
			previous = seen
			page++
		}
	}
}
