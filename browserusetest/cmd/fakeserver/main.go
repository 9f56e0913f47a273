// Command fakeserver runs the browserusetest fake Browser Use API on its
// own, so that curl and programs in any language can use it:
//
//	go run ./browserusetest/cmd/fakeserver -addr 127.0.0.1:8080
//
// It prints the base URL and the API key to use, then serves until
// interrupted. With -webhook-url and -webhook-secret it sends signed
// webhooks on every task status change, as the service does once a webhook
// is set up in its dashboard (see browserusetest.WithWebhook):
//
//	go run ./browserusetest/cmd/fakeserver -webhook-url http://127.0.0.1:9000/webhook -webhook-secret whsec_test
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/browseruse-go/browseruse-go/browserusetest"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); errors.Is(err, flag.ErrHelp) {
		return // -h: the usage was printed; asking for help is not a failure
	} else if err != nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		os.Exit(1)
	}
}

// run parses the flags, listens, prints how to connect and serves until ctx ends.
func run(ctx context.Context, args []string, out io.Writer) error {
	addr, opts, err := parseFlags(args)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	// The storage of uploads and output files: another origin, as S3 is.
	host, _, _ := net.SplitHostPort(addr)
	storageLn, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		ln.Close()
		return err
	}
	fake := browserusetest.NewFake(append(opts, browserusetest.WithStorageURL("http://"+storageLn.Addr().String()))...)
	fmt.Fprintf(out, "fake file storage on http://%s (presigned upload and download URLs point here)\n", storageLn.Addr())
	stopped := serveStorage(ctx, storageLn, fake)
	defer func() { <-stopped }()
	return serve(ctx, ln, fake, out)
}

// serveStorage serves the fake's storage on ln until ctx ends; the
// channel is closed once it has stopped.
func serveStorage(ctx context.Context, ln net.Listener, fake *browserusetest.Fake) <-chan struct{} {
	srv := &http.Server{Handler: fake.StorageHandler(), ReadHeaderTimeout: 10 * time.Second}
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		_ = srv.Serve(ln)
	}()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	return stopped
}

func parseFlags(args []string) (string, []browserusetest.Option, error) {
	flags := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	key := flags.String("key", "", "API key to accept (default: random, printed)")
	maxActive := flags.Int("max-active", 0, "cap on concurrently active sessions (0: none)")
	taskDuration := flags.Duration("task-duration", 5*time.Second, "how long each task runs before it finishes")
	zdr := flags.Bool("zdr", false, "act as a zero-data-retention project (purge allowed)")
	profiles := flags.String("profiles", "", "comma-separated profile ids that exist")
	maxProfiles := flags.Int("max-profiles", 0, "how many profiles may exist: past it, create profile answers 402 (0: no cap)")
	credits := flags.Float64("credits", browserusetest.DefaultAccount.MonthlyCredits, "the account's credits in US dollars: at 0 or less, create session answers 402")
	plan := flags.String("plan", browserusetest.DefaultAccount.Plan, "the account's plan name")
	chromium := flags.String("chromium", "", "the Chromium the fake runs for each browser (POST /browsers): a path or a name on PATH (default: $BROWSERUSE_CHROMIUM, else chromium, chromium-browser or google-chrome on PATH)")
	cdpDelay := flags.Int("cdp-delay", 0, "answer a new browser's cdpUrl as null on its first n GETs, as the service may while it starts")
	naive := flags.Bool("naive-timestamps", false, "send timestamps without a zone offset (2026-11-27T10:00:00.123456) instead of with Z")
	hookURL := flags.String("webhook-url", "", "POST a signed agent.task.status_update webhook to this URL on every task status change")
	hookSecret := flags.String("webhook-secret", "", "the webhooks' signing secret (required with -webhook-url; default: $BROWSER_USE_WEBHOOK_SECRET)")
	hookWords := flags.String("webhook-status-words", "task", "the webhooks' status words: task (started, finished, failed, stopped) or session (running, idle, stopped)")
	if err := flags.Parse(args); err != nil {
		return "", nil, err
	}
	account := browserusetest.DefaultAccount
	account.MonthlyCredits, account.Plan = *credits, *plan
	opts := []browserusetest.Option{browserusetest.WithMaxActiveSessions(*maxActive), browserusetest.WithTaskRunner(script(*taskDuration)),
		browserusetest.WithMaxProfiles(*maxProfiles), browserusetest.WithAccount(account)}
	if *key != "" {
		opts = append(opts, browserusetest.WithAPIKey(*key))
	}
	if *zdr {
		opts = append(opts, browserusetest.WithZeroDataRetention())
	}
	if *naive {
		opts = append(opts, browserusetest.WithNaiveTimestamps())
	}
	if *chromium != "" {
		opts = append(opts, browserusetest.WithChromium(*chromium))
	}
	if *cdpDelay > 0 {
		opts = append(opts, browserusetest.WithCDPDelay(*cdpDelay))
	}
	if *profiles != "" {
		opts = append(opts, browserusetest.WithProfiles(strings.Split(*profiles, ",")...))
	}
	if *hookSecret == "" {
		*hookSecret = os.Getenv("BROWSER_USE_WEBHOOK_SECRET")
	}
	switch {
	case *hookURL == "" && *hookSecret != "" && flagSet(flags, "webhook-secret"):
		return "", nil, errors.New("-webhook-secret without -webhook-url")
	case *hookURL == "":
	case *hookSecret == "":
		return "", nil, errors.New("-webhook-url needs -webhook-secret (or $BROWSER_USE_WEBHOOK_SECRET)")
	default:
		opts = append(opts, browserusetest.WithWebhook(*hookURL, *hookSecret))
	}
	switch *hookWords {
	case "task":
	case "session":
		opts = append(opts, browserusetest.WithWebhookSessionStatuses())
	default:
		return "", nil, fmt.Errorf("-webhook-status-words %q: want task or session", *hookWords)
	}
	return *addr, opts, nil
}

// flagSet reports whether the flag name was given.
func flagSet(flags *flag.FlagSet, name string) bool {
	set := false
	flags.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

// script is the tasks' script for curl users: each task starts after a
// second, runs d, and answers as DefaultTaskRunner does (a sentence naming
// it, or a value made from its structured output's schema).
func script(d time.Duration) browserusetest.TaskRunner {
	return func(in browserusetest.TaskInput) browserusetest.TaskResult {
		r := browserusetest.DefaultTaskRunner(in)
		r.Steps, r.StartAfter, r.Duration = 3, time.Second, d
		return r
	}
}

// serve serves fake on ln until ctx ends, then shuts down gracefully.
func serve(ctx context.Context, ln net.Listener, fake *browserusetest.Fake, out io.Writer) error {
	base := "http://" + ln.Addr().String() + browserusetest.BasePath
	fmt.Fprintf(out, "fake Browser Use API on %s\n", base)
	fmt.Fprintf(out, "export BROWSER_USE_BASE_URL=%s\n", base)
	fmt.Fprintf(out, "export BROWSER_USE_API_KEY=%s\n", fake.APIKey())

	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan struct{})
	go func() {
		defer close(done)
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	err := srv.Serve(ln)
	<-done
	fake.Close() // end every browser's Chromium
	if errors.Is(err, http.ErrServerClosed) {
		return nil
	}
	return err
}
