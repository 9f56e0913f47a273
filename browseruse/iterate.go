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
	return allPages(p.PageNumber, p.PageSize, func(number int) (listPage[SessionItem], error) {
		params := p // a copy: the caller's value is never changed
		params.PageNumber = &number
		r, err := c.ListSessions(ctx, params)
		if err != nil {
			return listPage[SessionItem]{}, err
		}
		return listPage[SessionItem]{r.Items, r.TotalItems, r.PageNumber, r.PageSize}, nil
	}, func(s SessionItem) string { return s.ID })
}

// AllTasks iterates over every task matching p, page by page, with the
// ending rules of AllSessions.
func (c *Client) AllTasks(ctx context.Context, p ListTasksParams) iter.Seq2[TaskItem, error] {
	return allPages(p.PageNumber, p.PageSize, func(number int) (listPage[TaskItem], error) {
		params := p
		params.PageNumber = &number
		r, err := c.ListTasks(ctx, params)
		if err != nil {
			return listPage[TaskItem]{}, err
		}
		return listPage[TaskItem]{r.Items, r.TotalItems, r.PageNumber, r.PageSize}, nil
	}, func(t TaskItem) string { return t.ID })
}

// listPage is one page of a list.
type listPage[T any] struct {
	items               []T
	total, number, size int
}

// allPages walks the pages fetch returns from page first (nil: 1) of size
// asked (nil: the server's), and always ends (see AllSessions).
func allPages[T any](first, asked *int, fetch func(number int) (listPage[T], error), id func(T) string) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		number := 1
		if first != nil {
			number = *first
		}
		var previous map[string]bool // ids of the page before
		for {
			page, err := fetch(number)
			if err != nil {
				yield(zero, err)
				return
			}
			seen := make(map[string]bool, len(page.items))
			for _, item := range page.items {
				if previous[id(item)] {
					yield(zero, fmt.Errorf("%w: page %d repeats item %s of page %d; stopped", ErrPagingStuck, number, id(item), number-1))
					return
				}
				seen[id(item)] = true
			}
			for _, item := range page.items {
				if !yield(item, nil) {
					return
				}
			}
			size := page.size
			if asked != nil {
				size = *asked
			}
			switch {
			case len(page.items) == 0, // empty page
				len(page.items) < size, // short page
				size <= 0,              // a page size that cannot advance
				(number-1)*size+len(page.items) >= page.total, // all items seen
				page.number != number:                         // the server did not go to the page asked for
				return
			}
			previous = seen
			number++
		}
	}
}
