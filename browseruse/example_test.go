package browseruse_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// exampleClient returns a client for a fake server, so the examples run
// without a key. Real programs call browseruse.NewClient().
func exampleClient() (*browseruse.Client, func()) {
	srv := browserusetest.NewServer()
	c, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	return c, srv.Close
}

func ExampleNewClient() {
	// The key comes from WithAPIKey, else from $BROWSER_USE_API_KEY.
	client, err := browseruse.NewClient(
		browseruse.WithAPIKey("bu_..."),
		browseruse.WithBaseURL(browseruse.DefaultBaseURL), // else $BROWSER_USE_BASE_URL, else this
		browseruse.WithValidation(browseruse.ValidationStrict),
	)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(client.BaseURL())
	// Output: https://api.browser-use.com/api/v2
}

func ExampleClient_CreateSession() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()

	session, err := client.CreateSession(ctx, browseruse.CreateSessionParams{
		Proxy:       browseruse.ProxyIn("DE"), // or ProxyOff(), or leave it to the server
		KeepAlive:   browseruse.Ptr(false),    // false is sent as false
		ScreenWidth: browseruse.Ptr(1280),
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.StopOnExit(ctx, session.ID) // sessions bill until stopped

	fmt.Println(session.Status, session.KeepAlive)
	// Output: active false
}

func ExampleClient_RunSession() {
	client, done := exampleClient()
	defer done()

	err := client.RunSession(context.Background(), browseruse.CreateSessionParams{},
		func(ctx context.Context, s *browseruse.SessionItem) error {
			fmt.Println("working in a", s.Status, "session")
			return nil
		}) // the session is stopped here, whatever fn returned
	if err != nil {
		log.Fatal(err)
	}
	// Output: working in a active session
}

func ExampleClient_GetSession() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()

	_, err := client.GetSession(ctx, "3c90c3cc-0d44-4b50-8888-8dd25736052a")
	switch {
	case errors.Is(err, browseruse.ErrSessionNotFound):
		fmt.Println("no such session")
	case err != nil:
		log.Fatal(err)
	}
	// Output: no such session
}

func ExampleClient_AllSessions() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()
	for range 3 {
		if _, err := client.CreateSession(ctx, browseruse.CreateSessionParams{}); err != nil {
			log.Fatal(err)
		}
	}

	n := 0
	for session, err := range client.AllSessions(ctx, browseruse.ListSessionsParams{Status: browseruse.StatusActive}) {
		if err != nil {
			log.Fatal(err)
		}
		if _, err := client.StopSession(ctx, session.ID); err != nil {
			log.Fatal(err)
		}
		n++
	}
	fmt.Println("stopped", n, "sessions")
	// Output: stopped 3 sessions
}

func ExampleClient_ListSessions() {
	client, done := exampleClient()
	defer done()

	page, err := client.ListSessions(context.Background(), browseruse.ListSessionsParams{PageSize: browseruse.Ptr(50)})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(page.TotalItems, "sessions")
	// Output: 0 sessions
}

func ExampleClient_CreatePublicShare() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()
	session, err := client.CreateSession(ctx, browseruse.CreateSessionParams{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.StopOnExit(ctx, session.ID)

	share, err := client.CreatePublicShare(ctx, session.ID)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(share.ViewCount, "views so far")
	// Output: 0 views so far
}

func ExampleClient_RunTask() {
	client, done := exampleClient()
	defer done()
	ctx := context.Background()

	session, err := client.CreateSession(ctx, browseruse.CreateSessionParams{})
	if err != nil {
		log.Fatal(err)
	}
	defer client.StopOnExit(ctx, session.ID)

	task, err := client.RunTask(ctx, browseruse.CreateTaskParams{
		Task:      "Find the cheapest flight from Berlin to Lisbon next Friday",
		SessionID: session.ID,
	}, browseruse.PollInterval(10*time.Millisecond, 50*time.Millisecond)) // the default, 1 s to 5 s, suits the real service
	var failed *browseruse.TaskError
	switch {
	case errors.As(err, &failed):
		log.Fatalf("task %s ended %s after %d steps", failed.Task.ID, failed.Status, len(failed.Task.Steps))
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(task.Status, browseruse.Deref(task.Output))
	// Output: finished Done: Find the cheapest flight from Berlin to Lisbon next Friday
}

func ExampleRunTaskAs() {
	client, done := exampleClient()
	defer done()

	type Heading struct {
		Text string `json:"text"`
	}
	heading, _, err := browseruse.RunTaskAs[Heading](context.Background(), client, browseruse.CreateTaskParams{
		Task:             "Read the main heading of example.com",
		StructuredOutput: `{"type":"object","properties":{"text":{"type":"string"}}}`,
	}, browseruse.PollInterval(10*time.Millisecond, 50*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%q\n", heading.Text) // the fake's default script answers a value made from the schema
	// Output: "string"
}
