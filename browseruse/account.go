package browseruse

import (
	"context"

	"github.com/browseruse-go/browseruse-go/gen"
)

// Account returns the account of the API key's project: its credit
// balances in US dollars (TotalCreditsBalanceUSD is the monthly and the
// additional ones together), its rate limit and its plan (PlanInfo).
// The cap that binds in practice, on concurrently active sessions, is not
// part of it: a create past it fails with ErrTooManyConcurrentSessions.
func (c *Client) Account(ctx context.Context) (*Account, error) {
	req, err := gen.NewGetAccountRequest(c.server)
	return do[Account](ctx, c, call{op: opGetAccount}, req, err)
}
