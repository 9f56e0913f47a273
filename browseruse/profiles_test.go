package browseruse_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// profileFake is a fake server and a Strict client for it.
func profileFake(t *testing.T, opts ...browserusetest.Option) (*browserusetest.Server, *browseruse.Client) {
	t.Helper()
	srv := browserusetest.Start(t, opts...)
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict))
	require.NoError(t, err)
	return srv, c
}

func TestAllProfilesWalksEveryPageOnce(t *testing.T) {
	ctx := context.Background()
	srv, c := profileFake(t)
	var want []string
	for i := range 25 {
		p, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: fmt.Sprintf("user %02d", i)})
		require.NoError(t, err)
		want = append([]string{p.ID}, want...) // newest first
	}
	params := browseruse.ListProfilesParams{PageSize: browseruse.Ptr(10)}
	var got []string
	for p, err := range c.AllProfiles(ctx, params) {
		require.NoError(t, err)
		got = append(got, p.ID)
	}
	require.Equal(t, want, got)
	require.Equal(t, 3, srv.RequestCount(browserusetest.OpListProfiles), "pages of 10, 10 and 5, then the short page ends it")
	require.Nil(t, params.PageNumber, "the caller's params are not changed")

	// From a later page, and with a query.
	got = got[:0]
	for p, err := range c.AllProfiles(ctx, browseruse.ListProfilesParams{PageSize: browseruse.Ptr(10), PageNumber: browseruse.Ptr(3)}) {
		require.NoError(t, err)
		got = append(got, p.ID)
	}
	require.Equal(t, want[20:], got)
	n := 0
	for p, err := range c.AllProfiles(ctx, browseruse.ListProfilesParams{Query: "USER 1"}) {
		require.NoError(t, err)
		require.True(t, strings.HasPrefix(browseruse.Deref(p.Name), "user 1"), browseruse.Deref(p.Name))
		n++
	}
	require.Equal(t, 10, n, "user 10..19, case-insensitive")
}

func TestAllProfilesEndsOnAnErrorAndOnAStuckServer(t *testing.T) {
	ctx := context.Background()
	srv, c := profileFake(t)
	for range 3 {
		_, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{})
		require.NoError(t, err)
	}
	// Page 2 fails with an error retrying cannot cure: it is yielded, then the end.
	srv.Inject(browserusetest.OpListProfiles, 1, browserusetest.Fault{AfterApplying: true}) // page 1 as it is
	srv.Inject(browserusetest.OpListProfiles, 1, browserusetest.Fault{Status: 404, Body: `{"detail":"Not Found"}`,
		Header: http.Header{"Content-Type": {"application/json"}}})
	var items, errs int
	for _, err := range c.AllProfiles(ctx, browseruse.ListProfilesParams{PageSize: browseruse.Ptr(2)}) {
		if err != nil {
			errs++
			continue
		}
		items++
	}
	require.Equal(t, [2]int{2, 1}, [2]int{items, errs})
	require.Equal(t, 2, srv.RequestCount(browserusetest.OpListProfiles), "no page 3")

	// A server that ignores pageNumber answers page 1 again: ErrPagingStuck, not a loop.
	page := `{"items":[` + profileJSON + `],"totalItems":5,"pageNumber":%d,"pageSize":1}`
	var n int
	stuck := newAPIServer(t, func(w http.ResponseWriter, r *http.Request) {
		n++
		writeJSON(w, 200, fmt.Sprintf(page, n))
	})
	var last error
	count := 0
	for _, err := range stuck.client(t).AllProfiles(ctx, browseruse.ListProfilesParams{PageSize: browseruse.Ptr(1)}) {
		count++
		last = err
	}
	require.Equal(t, 2, count)
	require.ErrorIs(t, last, browseruse.ErrPagingStuck)
}

func TestProfileNotFoundIsItsOwnSentinel(t *testing.T) {
	ctx := context.Background()
	_, c := profileFake(t)
	_, err := c.GetProfile(ctx, unknownUUID)
	require.ErrorIs(t, err, browseruse.ErrProfileNotFound)
	require.NotErrorIs(t, err, browseruse.ErrSessionNotFound)
	require.ErrorContains(t, err, "GetProfile: 404")
	_, err = c.UpdateProfile(ctx, unknownUUID, browseruse.UpdateProfileParams{Name: browseruse.Ptr("x")})
	require.ErrorIs(t, err, browseruse.ErrProfileNotFound)
	require.ErrorContains(t, err, "UpdateProfile: 404")
	// The API's bare 404 (a wrong base URL) matches no sentinel.
	bare := newAPIServer(t, answer(404, `{"detail":"Not Found"}`))
	_, err = bare.client(t).GetProfile(ctx, unknownUUID)
	require.NotErrorIs(t, err, browseruse.ErrProfileNotFound)
	require.ErrorContains(t, err, "check the base URL")
}

const unknownUUID = "00000000-0000-4000-8000-0000000000aa"

func TestUpdateProfileChangesOnlyWhatIsSent(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	now := start
	_, c := profileFake(t, browserusetest.WithClock(func() time.Time { return now }))
	p, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "alice", UserID: "u-1"})
	require.NoError(t, err)
	require.Equal(t, start, p.CreatedAt.Time)
	now = start.Add(time.Hour)
	p, err = c.UpdateProfile(ctx, p.ID, browseruse.UpdateProfileParams{UserID: browseruse.Ptr("u-2")})
	require.NoError(t, err)
	require.Equal(t, "alice", browseruse.Deref(p.Name), "not sent, kept")
	require.Equal(t, "u-2", browseruse.Deref(p.UserID))
	require.Equal(t, start, p.CreatedAt.Time)
	require.Equal(t, now, p.UpdatedAt.Time)
	got, err := c.GetProfile(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, *p, *got, "the change is stored")
}

func TestCreateProfileErrors(t *testing.T) {
	ctx := context.Background()
	_, c := profileFake(t, browserusetest.WithMaxProfiles(1))
	_, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.NoError(t, err)
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.ErrorIs(t, err, browseruse.ErrProfileLimitReached)
	require.NotErrorIs(t, err, browseruse.ErrInsufficientCredits)
	require.ErrorContains(t, err, "Subscription required for additional profiles")

	// A 402 of CreateSession is still the credits.
	_, c2 := profileFake(t, browserusetest.WithInsufficientCredits())
	_, err = c2.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, browseruse.ErrInsufficientCredits)
	require.NotErrorIs(t, err, browseruse.ErrProfileLimitReached)

	// The client refuses what openapi.yaml forbids, naming the Go field.
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: strings.Repeat("n", 101)})
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.ErrorContains(t, err, "Name (name)")
	_, err = c.UpdateProfile(ctx, unknownUUID, browseruse.UpdateProfileParams{UserID: browseruse.Ptr(strings.Repeat("u", 256))})
	require.ErrorContains(t, err, "UserID (userId)")
	_, err = c.ListProfiles(ctx, browseruse.ListProfilesParams{Query: strings.Repeat("q", 201)})
	require.ErrorContains(t, err, "Query (query)")
	_, err = c.GetProfile(ctx, "my-profile")
	require.ErrorIs(t, err, browseruse.ErrInvalidParams)
	require.ErrorContains(t, err, "profileID (profile_id)")
}

// TestCreateProfileIsNotRetriedOnceSent: a retry after a 5xx could make a
// second profile, which counts against the plan; a 429 is a rate limit
// here, not the session cap.
func TestCreateProfileIsNotRetriedOnceSent(t *testing.T) {
	ctx := context.Background()
	srv, c := profileFake(t)
	srv.Inject(browserusetest.OpCreateProfile, 1, browserusetest.Fault{Status: 503})
	_, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.ErrorIs(t, err, browseruse.ErrOutcomeUnknown)
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.ErrorContains(t, err, "a profile may have been created")
	require.ErrorContains(t, err, "ListProfiles")
	require.Equal(t, 1, srv.RequestCount(browserusetest.OpCreateProfile), "not retried")

	srv.Inject(browserusetest.OpCreateProfile, 1, browserusetest.Fault{Status: 429})
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.ErrorIs(t, err, browseruse.ErrRateLimited)
	require.NotErrorIs(t, err, browseruse.ErrTooManyConcurrentSessions)
	require.NotContains(t, err.Error(), "concurrently active sessions")

	// Idempotent reads and updates ride a 503 out.
	p, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.NoError(t, err)
	srv.Inject(browserusetest.OpGetProfile, 1, browserusetest.Fault{Status: 503})
	_, err = c.GetProfile(ctx, p.ID)
	require.NoError(t, err)
	srv.Inject(browserusetest.OpUpdateProfile, 1, browserusetest.Fault{Status: 503})
	_, err = c.UpdateProfile(ctx, p.ID, browseruse.UpdateProfileParams{Name: browseruse.Ptr("n")})
	require.NoError(t, err)
}

// TestASessionUsesItsProfile: lastUsedAt moves when a session loads the
// profile, through CreateSession and through a task's own session.
func TestASessionUsesItsProfile(t *testing.T) {
	ctx := context.Background()
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	now := start
	_, c := profileFake(t, browserusetest.WithClock(func() time.Time { return now }))
	p, err := c.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "alice"})
	require.NoError(t, err)
	require.Nil(t, p.LastUsedAt)

	now = start.Add(time.Minute)
	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{ProfileID: p.ID})
	require.NoError(t, err)
	defer c.StopOnExit(ctx, s.ID)
	got, err := c.GetProfile(ctx, p.ID)
	require.NoError(t, err)
	require.NotNil(t, got.LastUsedAt)
	require.Equal(t, now, got.LastUsedAt.Time)

	now = start.Add(2 * time.Minute)
	created, err := c.CreateTask(ctx, browseruse.CreateTaskParams{Task: "t", SessionSettings: &browseruse.SessionSettings{ProfileID: p.ID}})
	require.NoError(t, err)
	defer c.StopOnExit(ctx, created.SessionID)
	got, err = c.GetProfile(ctx, p.ID)
	require.NoError(t, err)
	require.Equal(t, now, got.LastUsedAt.Time)

	// An unknown profile: 404, and a deleted one is unknown.
	require.NoError(t, c.DeleteProfile(ctx, p.ID))
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{ProfileID: p.ID})
	require.ErrorIs(t, err, browseruse.ErrProfileNotFound)
}

func TestAccount(t *testing.T) {
	ctx := context.Background()
	srv, c := profileFake(t, browserusetest.WithAccount(browserusetest.Account{
		MonthlyCredits: 7.25, AdditionalCredits: 0.5, RateLimit: 30, Plan: "Pro", SubscriptionStatus: "active",
	}))
	a, err := c.Account(ctx)
	require.NoError(t, err)
	require.Equal(t, 7.75, a.TotalCreditsBalanceUSD)
	require.Equal(t, 7.25, a.MonthlyCreditsBalanceUSD)
	require.Equal(t, 0.5, a.AdditionalCreditsBalanceUSD)
	require.Equal(t, 30, a.RateLimit)
	require.Equal(t, "Pro", a.PlanInfo.PlanName)
	require.Equal(t, "active", browseruse.Deref(a.PlanInfo.SubscriptionStatus))
	require.Nil(t, a.PlanInfo.SubscriptionID, "null")
	require.Nil(t, a.Name, "null")

	s, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.NoError(t, err)
	_, err = c.StopSession(ctx, s.ID)
	require.NoError(t, err)
	// Out of credits: the account shows it, and a create answers 402.
	srv.SetAccount(browserusetest.Account{Plan: "Pro"})
	a, err = c.Account(ctx)
	require.NoError(t, err)
	require.Zero(t, a.TotalCreditsBalanceUSD)
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, browseruse.ErrInsufficientCredits)

	// WithInsufficientCredits shows as no credits.
	_, c = profileFake(t, browserusetest.WithInsufficientCredits())
	a, err = c.Account(ctx)
	require.NoError(t, err)
	require.Zero(t, a.TotalCreditsBalanceUSD)
	require.Positive(t, browserusetest.DefaultAccount.MonthlyCredits, "the default account can start sessions")
}
