// Command quickstart walks through every main call of the client: create a
// session, run a task in it and print its output, get the session, share
// it, list sessions, stop and delete it.
//
//	go run ./examples/quickstart
//
// With BROWSER_USE_API_KEY set it uses the live API (and its credits).
// Without, it starts the embedded fake server and says so.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	client, closeFake, err := newClient()
	if err == nil {
		err = run(ctx, client, os.Stdout)
		closeFake()
	}
	cancel()
	if err != nil {
		fmt.Fprintln(os.Stderr, "quickstart failed:", err)
		os.Exit(1)
	}
}

// run makes the calls, printing each step to out. The session is stopped
// even when a step fails.
func run(ctx context.Context, client *browseruse.Client, out io.Writer) error {
	step := func(what, format string, args ...any) {
		fmt.Fprintf(out, "%-17s "+format+"\n", append([]any{what + ":"}, args...)...)
	}
	session, err := client.CreateSession(ctx, browseruse.CreateSessionParams{
		Proxy:        browseruse.ProxyIn("DE"),
		ScreenWidth:  browseruse.Ptr(1280),
		ScreenHeight: browseruse.Ptr(800),
		StartURL:     "https://example.com",
	})
	if err != nil {
		return fmt.Errorf("create: %w", err)
	}
	// Sessions bill until stopped: stop it whatever happens below.
	defer func() {
		if err := client.StopOnExit(ctx, session.ID); err != nil {
			fmt.Fprintln(out, "warning: could not stop session", session.ID+":", err)
		}
	}()
	step("created session", "%s (status %s, live view %s)", session.ID, session.Status, browseruse.Deref(session.LiveURL))

	task, err := client.RunTask(ctx, browseruse.CreateTaskParams{
		Task:      "Open example.com and tell me the page's heading",
		SessionID: session.ID,
	}, pollEvery)
	if err != nil {
		return fmt.Errorf("task: %w", err)
	}
	step("ran task", "%s (status %s, %d steps, cost $%s)", task.ID, task.Status, len(task.Steps), browseruse.Deref(task.Cost))
	step("task output", "%s", browseruse.Deref(task.Output))

	full, err := client.GetSession(ctx, session.ID)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	step("got session", "%s (status %s, %d tasks, started %s)", full.ID, full.Status, len(full.Tasks), full.StartedAt.Format(time.RFC3339))

	share, err := client.CreatePublicShare(ctx, session.ID)
	if err != nil {
		return fmt.Errorf("share: %w", err)
	}
	step("public share", "%s (%d views)", share.ShareURL, share.ViewCount)

	page, err := client.ListSessions(ctx, browseruse.ListSessionsParams{PageSize: browseruse.Ptr(5), Status: browseruse.StatusActive})
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	step("listed sessions", "%d active in all, %d on this page", page.TotalItems, len(page.Items))

	stopped, err := client.StopSession(ctx, session.ID)
	if err != nil {
		return fmt.Errorf("stop: %w", err)
	}
	step("stopped session", "%s (status %s, finished %s)", stopped.ID, stopped.Status, browseruse.Deref(stopped.FinishedAt).Format(time.RFC3339))

	if err := client.DeleteSession(ctx, session.ID); err != nil {
		return fmt.Errorf("delete: %w", err)
	}
	step("deleted session", "%s", session.ID)
	return nil
}

// pollEvery is how often RunTask asks for the task's status: the default
// (1 s growing to 5 s) suits the live API, where a task takes minutes.
var pollEvery = browseruse.PollInterval(time.Second, 5*time.Second)

// newClient uses the live API when a key is set, else the embedded fake.
func newClient() (*browseruse.Client, func(), error) {
	if os.Getenv(browseruse.EnvAPIKey) != "" {
		c, err := browseruse.NewClient()
		if err != nil {
			return nil, nil, err
		}
		fmt.Println("Using the live Browser Use API at", c.BaseURL(), "(this uses credits)")
		return c, func() {}, nil
	}
	srv := browserusetest.NewServer(browserusetest.WithTaskRunner(func(in browserusetest.TaskInput) browserusetest.TaskResult {
		return browserusetest.TaskResult{Output: "The heading is \"Example Domain\".", Steps: 3, Duration: 1500 * time.Millisecond}
	}))
	fmt.Println("No", browseruse.EnvAPIKey, "set: using the embedded fake Browser Use server at", srv.URL)
	c, err := srv.Client()
	if err != nil {
		srv.Close()
		return nil, nil, err
	}
	return c, srv.Close, nil
}
