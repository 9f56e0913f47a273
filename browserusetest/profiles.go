package browserusetest

import (
	"net/http"
	"slices"
	"strings"

	"github.com/browseruse-go/browseruse-go/gen"
)

// The profile and account operations, for Inject, RequestCount, Statuses
// and Request.Operation, named after the Client methods as the others are.
const (
	OpListProfiles  = "listProfiles"
	OpCreateProfile = "createProfile"
	OpGetProfile    = "getProfile"
	OpUpdateProfile = "updateProfile"
	OpDeleteProfile = "deleteProfile"
	OpAccount       = "getAccount"
)

// Details the service sends for profiles.
const detailProfileLimit = "Subscription required for additional profiles"

// Account is the fake's billing account, as GET /billing/account shows it.
// The zero value has no credits: CreateSession answers 402 on it.
type Account struct {
	// MonthlyCredits and AdditionalCredits are the balances in US dollars;
	// their sum is the total. While it is 0 or less, CreateSession answers
	// 402, as WithInsufficientCredits makes it.
	MonthlyCredits, AdditionalCredits float64
	// RateLimit is the account's rate limit, as shown (the fake enforces none).
	RateLimit int
	// Plan is the plan's name.
	Plan string
	// SubscriptionStatus is the subscription's state ("" is sent as null).
	SubscriptionStatus string
	// FreeTier says whether the account is on the free tier.
	FreeTier bool
}

// DefaultAccount is the account of a fake without WithAccount: enough
// credits to start sessions.
var DefaultAccount = Account{MonthlyCredits: 10, RateLimit: 10, Plan: "Pay As You Go"}

// WithAccount sets the billing account (default DefaultAccount). An
// account with no credits left makes CreateSession answer 402.
func WithAccount(a Account) Option { return func(f *Fake) { f.account = a } }

// SetAccount changes the billing account, e.g. to run out of credits in
// the middle of a test.
func (f *Fake) SetAccount(a Account) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.account = a
}

// WithMaxProfiles caps how many profiles may exist: past the cap,
// CreateProfile answers 402 "Subscription required for additional
// profiles". 0 means no cap; profiles of WithProfiles count.
func WithMaxProfiles(n int) Option { return func(f *Fake) { f.maxProfiles = n } }

// AddProfile adds a profile to the store and returns it, as CreateProfile
// would but without the cap; an empty id gets a new one.
func (f *Fake) AddProfile(id, name, userID string) gen.ProfileView {
	f.mu.Lock()
	defer f.mu.Unlock()
	return *f.addProfileLocked(id, nonEmptyPtr(name), nonEmptyPtr(userID))
}

func (f *Fake) addProfileLocked(id string, name, userID *string) *gen.ProfileView {
	if id == "" {
		id = newUUID()
	}
	if p := f.profiles[id]; p != nil {
		return p
	}
	now := f.stamp(f.now())
	p := &gen.ProfileView{ID: id, Name: name, UserID: userID, CreatedAt: now, UpdatedAt: now}
	f.profiles[id] = p
	f.profileOrder = append(f.profileOrder, id)
	return p
}

// useProfileLocked records that a new session loads the profile, if it
// exists: its lastUsedAt moves to now.
func (f *Fake) useProfileLocked(id string) {
	if p := f.profiles[id]; p != nil {
		p.LastUsedAt = ptr(f.stamp(f.now()))
	}
}

// noCreditsLocked: create session answers 402.
func (f *Fake) noCreditsLocked() bool {
	return f.noCredits || f.account.MonthlyCredits+f.account.AdditionalCredits <= 0
}

func (f *Fake) listProfiles(req request) reply {
	query := strings.ToLower(req.r.URL.Query().Get("query"))
	f.mu.Lock()
	defer f.mu.Unlock()
	p := paginate(req, f.profileOrder, func(id string) (gen.ProfileView, bool) {
		v := f.profiles[id]
		match := strings.Contains(strings.ToLower(deref(v.Name)), query) || strings.Contains(strings.ToLower(deref(v.UserID)), query)
		return *v, query == "" || match
	})
	return reply{http.StatusOK, gen.ProfileListResponse{Items: p.items, TotalItems: p.total, PageNumber: p.number, PageSize: p.size}}
}

func (f *Fake) createProfile(req request) reply {
	var in gen.CreateProfileRequest
	if invalid := decodeBody(req, &in); invalid != nil {
		return *invalid
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.maxProfiles > 0 && len(f.profiles) >= f.maxProfiles {
		return detail(http.StatusPaymentRequired, detailProfileLimit)
	}
	return reply{http.StatusCreated, *f.addProfileLocked("", in.Name, in.UserID)}
}

// onProfile runs fn on the request's profile under the lock, or answers 404.
func (f *Fake) onProfile(req request, fn func(*gen.ProfileView) reply) reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	p := f.profiles[req.r.PathValue("profile_id")]
	if p == nil {
		return detail(http.StatusNotFound, detailProfileNotFound)
	}
	return fn(p)
}

func (f *Fake) getProfile(req request) reply {
	return f.onProfile(req, func(p *gen.ProfileView) reply { return reply{http.StatusOK, *p} })
}

func (f *Fake) updateProfile(req request) reply {
	var in gen.UpdateProfileRequest
	if invalid := decodeBody(req, &in); invalid != nil {
		return *invalid
	}
	return f.onProfile(req, func(p *gen.ProfileView) reply {
		if in.Name != nil {
			p.Name = in.Name
		}
		if in.UserID != nil {
			p.UserID = in.UserID
		}
		p.UpdatedAt = f.stamp(f.now())
		return reply{http.StatusOK, *p}
	})
}

// deleteProfile answers 204 for an unknown profile too: openapi.yaml, as
// the upstream description, documents no 404 for it.
func (f *Fake) deleteProfile(req request) reply {
	id := req.r.PathValue("profile_id")
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.profiles, id)
	f.profileOrder = slices.DeleteFunc(f.profileOrder, func(p string) bool { return p == id })
	return reply{status: http.StatusNoContent}
}

func (f *Fake) getAccount(request) reply {
	f.mu.Lock()
	defer f.mu.Unlock()
	a := f.account
	if f.noCredits {
		a.MonthlyCredits, a.AdditionalCredits = 0, 0
	}
	return reply{http.StatusOK, gen.AccountView{
		TotalCreditsBalanceUSD:      a.MonthlyCredits + a.AdditionalCredits,
		MonthlyCreditsBalanceUSD:    a.MonthlyCredits,
		AdditionalCreditsBalanceUSD: a.AdditionalCredits,
		RateLimit:                   a.RateLimit,
		IsFreeTier:                  ptr(a.FreeTier),
		ProjectID:                   f.projectID,
		PlanInfo:                    gen.PlanInfo{PlanName: a.Plan, SubscriptionStatus: nonEmptyPtr(a.SubscriptionStatus)},
	}}
}

func nonEmptyPtr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
