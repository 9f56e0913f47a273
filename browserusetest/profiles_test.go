package browserusetest_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// profileIDs lists every profile, newest first.
func profileIDs(t *testing.T, c *browseruse.Client, query string) []string {
	t.Helper()
	var ids []string
	for p, err := range c.AllProfiles(context.Background(), browseruse.ListProfilesParams{Query: query}) {
		require.NoError(t, err)
		ids = append(ids, p.ID)
	}
	return ids
}

// TestWithProfilesFillsTheStore: preloaded profiles are in the store, with
// the fake's clock and timestamp form whatever the order of the options.
func TestWithProfilesFillsTheStore(t *testing.T) {
	a, b := "0b7d4a2e-3f6c-4a8b-9d1e-2c3f4a5b6c7d", "1c8e5b3f-4a7d-4b9c-8e2f-3d4a5b6c7d8e"
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	srv, c := start(t, browserusetest.WithProfiles(a, b), browserusetest.WithClock(func() time.Time { return at }),
		browserusetest.WithNaiveTimestamps())
	require.Equal(t, []string{b, a}, profileIDs(t, c, ""), "newest first")
	p, err := c.GetProfile(context.Background(), a)
	require.NoError(t, err)
	require.Equal(t, at, p.CreatedAt.Time, "WithClock, given after WithProfiles")
	require.Nil(t, p.Name)
	code, body := raw(t, srv, "GET", "/profiles/"+a, "")
	require.Equal(t, 200, code)
	var wire map[string]any
	require.NoError(t, json.Unmarshal([]byte(body), &wire))
	require.Equal(t, "2026-04-01T09:00:00.000000", wire["createdAt"], "WithNaiveTimestamps, given after WithProfiles")
	for _, field := range []string{"name", "userId", "lastUsedAt", "cookieDomains"} {
		require.Contains(t, wire, field, "null is sent, as the service does")
		require.Nil(t, wire[field])
	}

	added := srv.AddProfile("", "carol", "u-3")
	require.Equal(t, []string{added.ID}, profileIDs(t, c, "carol"))
}

func TestMaxProfilesCountsTheStore(t *testing.T) {
	ctx := context.Background()
	a := "0b7d4a2e-3f6c-4a8b-9d1e-2c3f4a5b6c7d"
	srv, c := start(t, browserusetest.WithProfiles(a), browserusetest.WithMaxProfiles(2))
	_, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.NoError(t, err)
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.ErrorIs(t, err, browseruse.ErrProfileLimitReached, "the preloaded one counts")
	require.Len(t, profileIDs(t, c, ""), 2, "the refused one was not stored")
	require.NoError(t, c.DeleteProfile(ctx, a))
	require.NotContains(t, profileIDs(t, c, ""), a, "a deleted profile is not listed")
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.NoError(t, err, "a delete frees a place")
	page, err := c.ListProfiles(ctx, browseruse.ListProfilesParams{})
	require.NoError(t, err)
	require.Equal(t, 2, page.TotalItems)
	require.Equal(t, []int{201, 402}, srv.Statuses(browserusetest.OpCreateProfile))
	require.Equal(t, 3, srv.RequestCount(browserusetest.OpCreateProfile))
	require.NoError(t, c.DeleteProfile(ctx, a), "an unknown profile: 204, as documented")
}

func TestQueryMatchesNameOrUserID(t *testing.T) {
	ctx := context.Background()
	_, c := start(t)
	alice, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "Alice Work", UserID: "u-100"})
	require.NoError(t, err)
	bob, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "Bob", UserID: "alice-shared"})
	require.NoError(t, err)
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.NoError(t, err)
	require.Equal(t, []string{bob.ID, alice.ID}, profileIDs(t, c, "ALICE"), "name or user ID, any case")
	require.Equal(t, []string{alice.ID}, profileIDs(t, c, "u-1"))
	require.Empty(t, profileIDs(t, c, "nobody"))
	page, err := c.ListProfiles(ctx, browseruse.ListProfilesParams{Query: "alice", PageSize: browseruse.Ptr(1), PageNumber: browseruse.Ptr(2)})
	require.NoError(t, err)
	require.Equal(t, 2, page.TotalItems, "totalItems counts the matches")
	require.Equal(t, alice.ID, page.Items[0].ID)
}

// TestLastUsedAtMovesOnlyWhenASessionStarts: a create refused by the
// session cap leaves lastUsedAt as it was.
func TestLastUsedAtMovesOnlyWhenASessionStarts(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	now := at
	_, c := start(t, browserusetest.WithMaxActiveSessions(1), browserusetest.WithClock(func() time.Time { return now }))
	p, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.NoError(t, err)
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	now = at.Add(time.Hour)
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{ProfileID: p.ID})
	require.ErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
	got, err := c.GetProfile(ctx, p.ID)
	require.NoError(t, err)
	require.Nil(t, got.LastUsedAt)
	_, err = c.StopSession(ctx, s.ID)
	require.NoError(t, err)
	s, err = c.CreateSession(ctx, browseruse.CreateSessionParams{ProfileID: p.ID})
	require.NoError(t, err)
	defer c.StopOnExit(ctx, s.ID)
	got, err = c.GetProfile(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, now, got.LastUsedAt.Time)
	require.Equal(t, at, got.UpdatedAt.Time, "using a profile is not changing it")
}

func TestProfileAnswersToBadInputLookLikeFastAPIs(t *testing.T) {
	srv, _ := start(t)
	for _, tc := range []struct{ op, method, path, body string }{
		{browserusetest.OpGetProfile, "GET", "/profiles/not-a-uuid", ""},
		{browserusetest.OpListProfiles, "GET", "/profiles?pageSize=0", ""},
		{browserusetest.OpCreateProfile, "POST", "/profiles", `{"name":7}`},
		{browserusetest.OpUpdateProfile, "PATCH", "/profiles/0b7d4a2e-3f6c-4a8b-9d1e-2c3f4a5b6c7d", `[]`},
		{browserusetest.OpDeleteProfile, "DELETE", "/profiles/x", ""},
	} {
		code, body := raw(t, srv, tc.method, tc.path, tc.body)
		require.Equal(t, 422, code, "%s %s: %s", tc.method, tc.path, body)
		conforms(t, tc.op, body)
	}
	code, _ := raw(t, srv, "PUT", "/profiles", "")
	require.Equal(t, 405, code)
	code, _ = raw(t, srv, "PUT", "/billing/account", "")
	require.Equal(t, 405, code)
}
