package browseruse_test

import (
	"context"
	"errors"
	"fmt"
	"log"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

func ExampleClient_CreateProfile() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()

	// One profile per user of your application; UserID finds it again.
	profile, err := client.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "Alice", UserID: "user-42"})
	if err != nil {
		log.Fatal(err)
	}
	// A session started with it loads the saved logins, and saves its own
	// into the profile when it stops.
	err = client.RunSession(ctx, browseruse.CreateSessionParams{ProfileID: profile.ID},
		func(ctx context.Context, s *browseruse.SessionItem) error { return nil })
	if err != nil {
		log.Fatal(err)
	}
	profile, err = client.GetProfile(ctx, profile.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(browseruse.Deref(profile.Name), "used:", profile.LastUsedAt != nil)
	// Output: Alice used: true
}

func ExampleClient_AllProfiles() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()

	for _, user := range []string{"user-1", "user-2", "admin-1"} {
		if _, err := client.CreateProfile(ctx, browseruse.CreateProfileParams{UserID: user}); err != nil {
			log.Fatal(err)
		}
	}
	// Every profile whose name or user ID contains "user", page by page.
	for p, err := range client.AllProfiles(ctx, browseruse.ListProfilesParams{Query: "user"}) {
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(browseruse.Deref(p.UserID))
	}
	// Output:
	// user-2
	// user-1
}

func ExampleClient_UpdateProfile() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()

	profile, err := client.CreateProfile(ctx, browseruse.CreateProfileParams{Name: "Alice", UserID: "user-42"})
	if err != nil {
		log.Fatal(err)
	}
	// A nil field is not sent, and stays as it is.
	profile, err = client.UpdateProfile(ctx, profile.ID, browseruse.UpdateProfileParams{Name: browseruse.Ptr("Alice B.")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(browseruse.Deref(profile.Name), browseruse.Deref(profile.UserID))

	if err := client.DeleteProfile(ctx, profile.ID); err != nil {
		log.Fatal(err)
	}
	_, err = client.GetProfile(ctx, profile.ID)
	fmt.Println(errors.Is(err, browseruse.ErrProfileNotFound))
	// Output:
	// Alice B. user-42
	// true
}

func ExampleClient_Account() {
	client, done := exampleClient()
	defer done()

	account, err := client.Account(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s: $%.2f left (monthly $%.2f, additional $%.2f)\n", account.PlanInfo.PlanName,
		account.TotalCreditsBalanceUSD, account.MonthlyCreditsBalanceUSD, account.AdditionalCreditsBalanceUSD)
	// Output: Pay As You Go: $10.00 left (monthly $10.00, additional $0.00)
}
