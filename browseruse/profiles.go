package browseruse

import (
	"context"
	"iter"

	"github.com/browseruse-go/browseruse-go/gen"
)

// CreateProfile creates an empty browser profile. Pass its ID as
// CreateSessionParams.ProfileID (or SessionSettings.ProfileID of a task):
// the session starts from the state saved in the profile, and saves its
// own state (cookies, logins) into it when it stops cleanly. One profile
// per user of your application is the usual pattern; UserID finds it again.
//
// A plan allows a limited number of profiles: past it, the error matches
// ErrProfileLimitReached. Like the other creates, it is retried only when
// the request certainly never reached the server; when it may have, the
// error matches ErrOutcomeUnknown (list the profiles to check).
func (c *Client) CreateProfile(ctx context.Context, p CreateProfileParams) (*Profile, error) {
	req, err := gen.NewCreateProfileRequest(c.server, gen.CreateProfileRequest{Name: nonEmpty(p.Name), UserID: nonEmpty(p.UserID)})
	return do[Profile](ctx, c, call{op: opCreateProfile}, req, err)
}

// GetProfile returns a profile; ErrProfileNotFound when none has this ID.
func (c *Client) GetProfile(ctx context.Context, profileID string) (*Profile, error) {
	req, err := gen.NewGetProfileRequest(c.server, profileID)
	return do[Profile](ctx, c, call{op: opGetProfile}, req, err)
}

// ListProfiles returns one page of profiles, newest first; p.Query keeps
// only those whose name or user ID contains it.
func (c *Client) ListProfiles(ctx context.Context, p ListProfilesParams) (*ProfilePage, error) {
	req, err := gen.NewListProfilesRequest(c.server, &gen.ListProfilesParams{PageSize: p.PageSize, PageNumber: p.PageNumber, Query: nonEmpty(p.Query)})
	return do[ProfilePage](ctx, c, call{op: opListProfiles}, req, err)
}

// AllProfiles iterates over every profile matching p, page by page, with
// the ending rules of AllSessions.
func (c *Client) AllProfiles(ctx context.Context, p ListProfilesParams) iter.Seq2[Profile, error] {
	return allPages(p.PageNumber, p.PageSize, func(number int) (listPage[Profile], error) {
		params := p // a copy: the caller's value is never changed
		params.PageNumber = &number
		r, err := c.ListProfiles(ctx, params)
		if err != nil {
			return listPage[Profile]{}, err
		}
		return listPage[Profile]{r.Items, r.TotalItems, r.PageNumber, r.PageSize}, nil
	}, func(p Profile) string { return p.ID })
}

// UpdateProfile changes a profile's name or user ID (a nil field is left as
// it is) and returns the profile; ErrProfileNotFound when none has this ID.
func (c *Client) UpdateProfile(ctx context.Context, profileID string, p UpdateProfileParams) (*Profile, error) {
	req, err := gen.NewUpdateProfileRequest(c.server, profileID, gen.UpdateProfileRequest{Name: p.Name, UserID: p.UserID})
	return do[Profile](ctx, c, call{op: opUpdateProfile}, req, err)
}

// DeleteProfile deletes a profile and the browser state saved in it, for
// good. The API documents no 404 for it: deleting an ID that names no
// profile may succeed (the fake answers 204).
func (c *Client) DeleteProfile(ctx context.Context, profileID string) error {
	req, err := gen.NewDeleteProfileRequest(c.server, profileID)
	_, err = do[struct{}](ctx, c, call{op: opDeleteProfile}, req, err)
	return err
}

// CreateProfileParams are a new profile's fields; both are optional, and
// an empty one is not sent.
type CreateProfileParams struct {
	// Name names the profile, at most 100 characters.
	Name string `wire:"name"`
	// UserID is your own identifier of the user the profile belongs to, at
	// most 255 characters: ListProfilesParams.Query finds it.
	UserID string `wire:"userId"`
}

// UpdateProfileParams are the fields of a profile to change: a nil field is
// not sent and stays as it is.
type UpdateProfileParams struct {
	// Name is the new name, at most 100 characters.
	Name *string `wire:"name"`
	// UserID is the new user ID, at most 255 characters.
	UserID *string `wire:"userId"`
}

// ListProfilesParams selects a page of profiles. Zero fields are not sent.
type ListProfilesParams struct {
	// PageSize is how many profiles a page holds, 1..100 (server default 10).
	PageSize *int `wire:"pageSize"`
	// PageNumber is the page, from 1 (the default).
	PageNumber *int `wire:"pageNumber"`
	// Query returns only the profiles whose name or user ID contains it, at
	// most 200 characters; "" returns all.
	Query string `wire:"query"`
}
