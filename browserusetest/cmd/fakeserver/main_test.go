package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

func TestFlags(t *testing.T) {
	addr, opts, err := parseFlags([]string{"-addr", "127.0.0.1:9999", "-key", "k", "-zdr", "-max-active", "2", "-profiles", "a,b"})
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:9999", addr)
	require.Equal(t, "k", browserusetest.NewFake(opts...).APIKey())
	_, opts, err = parseFlags([]string{"-task-duration", "2ms"})
	require.NoError(t, err)
	fake := browserusetest.NewServer(opts...)
	defer fake.Close()
	c, err := fake.Client()
	require.NoError(t, err)
	task, err := c.RunTask(context.Background(), browseruse.CreateTaskParams{Task: "curl me"}, browseruse.PollInterval(10*time.Millisecond, 100*time.Millisecond))
	require.NoError(t, err)
	require.Equal(t, "Done: curl me", browseruse.Deref(task.Output), "the default script runs tasks")
	_, _, err = parseFlags([]string{"-nope"})
	require.Error(t, err)
	require.False(t, errors.Is(err, flag.ErrHelp))
}

// TestTasksWithStructuredOutput: fakeserver's script answers a value made
// from the task's schema, as the default script does, on its own timing.
func TestTasksWithStructuredOutput(t *testing.T) {
	_, opts, err := parseFlags([]string{"-task-duration", "2ms"})
	require.NoError(t, err)
	fake := browserusetest.NewServer(opts...)
	defer fake.Close()
	c, err := fake.Client()
	require.NoError(t, err)
	schema := `{"type":"object","properties":{"price":{"type":"number","minimum":10}},"required":["price"]}`
	task, err := c.RunTask(context.Background(), browseruse.CreateTaskParams{Task: "price", StructuredOutput: schema},
		browseruse.PollInterval(10*time.Millisecond, 100*time.Millisecond))
	require.NoError(t, err)
	require.JSONEq(t, `{"price":10}`, browseruse.Deref(task.Output))
	require.Len(t, task.Steps, 3, "fakeserver's script, not the default one")
	require.Equal(t, 2*time.Millisecond, task.FinishedAt.Sub(task.StartedAt.Time), "its -task-duration")
}

// TestNaiveTimestampsFlag: timestamps end in Z unless -naive-timestamps.
func TestNaiveTimestampsFlag(t *testing.T) {
	for args, want := range map[string]string{"": `"2026-12-01T18:57:22.149271Z"`, "-naive-timestamps": `"2026-12-01T18:57:22.149271"`} {
		_, opts, err := parseFlags(strings.Fields(args + " -key k"))
		require.NoError(t, err)
		fake := browserusetest.NewServer(append(opts, browserusetest.WithClock(func() time.Time {
			return time.Date(2026, 12, 1, 18, 57, 22, 149271000, time.UTC)
		}))...)
		req, err := http.NewRequest("POST", fake.URL+"/sessions", strings.NewReader("{}"))
		require.NoError(t, err)
		req.Header.Set("X-Browser-Use-API-Key", "k")
		resp, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		fake.Close()
		require.NoError(t, err)
		require.Contains(t, string(body), `"startedAt":`+want, "flags %q", args)
	}
}

// TestHelpExitsZero runs the command with -h: usage on stderr, exit status 0.
func TestHelpExitsZero(t *testing.T) {
	if os.Getenv("FAKESERVER_MAIN") == "1" {
		os.Args = []string{"fakeserver", "-h"}
		main()
		os.Exit(0) // main returned: the exit status is 0
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelpExitsZero$")
	cmd.Env = append(os.Environ(), "FAKESERVER_MAIN=1")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "exit status 0 expected: %s", out)
	require.Contains(t, string(out), "-max-active")
}

func TestServesUntilCancelled(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	fake := browserusetest.NewFake(browserusetest.WithAPIKey("curl-key"))
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, fake, &out) }()

	base := "http://" + ln.Addr().String() + "/api/v2"
	c, err := browseruse.NewClient(browseruse.WithAPIKey("curl-key"), browseruse.WithBaseURL(base))
	require.NoError(t, err)
	s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	require.Equal(t, browseruse.StatusActive, s.Status)

	cancel()
	require.NoError(t, <-done)
	printed := out.String()
	require.Contains(t, printed, "export BROWSER_USE_BASE_URL="+base)
	require.True(t, strings.Contains(printed, "export BROWSER_USE_API_KEY=curl-key"), printed)
}

// TestProfileAndAccountFlags: -profiles preloads the store, -max-profiles
// caps it, -credits and -plan make the account (0 credits: create answers 402).
func TestProfileAndAccountFlags(t *testing.T) {
	ctx := context.Background()
	a := "0b7d4a2e-3f6c-4a8b-9d1e-2c3f4a5b6c7d"
	_, opts, err := parseFlags([]string{"-profiles", a, "-max-profiles", "1", "-credits", "2.5", "-plan", "Pro"})
	require.NoError(t, err)
	fake := browserusetest.NewServer(opts...)
	defer fake.Close()
	c, err := fake.Client(browseruse.WithValidation(browseruse.ValidationStrict))
	require.NoError(t, err)
	p, err := c.GetProfile(ctx, a)
	require.NoError(t, err)
	require.Equal(t, a, p.ID)
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.ErrorIs(t, err, browseruse.ErrProfileLimitReached)
	account, err := c.Account(ctx)
	require.NoError(t, err)
	require.Equal(t, 2.5, account.TotalCreditsBalanceUSD)
	require.Equal(t, "Pro", account.PlanInfo.PlanName)

	_, opts, err = parseFlags([]string{"-credits", "0"})
	require.NoError(t, err)
	broke := browserusetest.NewServer(opts...)
	defer broke.Close()
	c, err = broke.Client()
	require.NoError(t, err)
	_, err = c.CreateSession(ctx, browseruse.CreateSessionParams{})
	require.ErrorIs(t, err, browseruse.ErrInsufficientCredits)
	_, err = c.CreateProfile(ctx, browseruse.CreateProfileParams{})
	require.NoError(t, err, "no cap by default")
}

// The storage listener takes uploads through the client, the key staying off it.
func TestServesTheStorage(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	storageLn, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	fake := browserusetest.NewFake(browserusetest.WithAPIKey("curl-key"), browserusetest.WithStorageURL("http://"+storageLn.Addr().String()))
	stopped := serveStorage(ctx, storageLn, fake)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, ln, fake, io.Discard) }()
	defer func() { cancel(); require.NoError(t, <-done); <-stopped }()

	c, err := browseruse.NewClient(browseruse.WithAPIKey("curl-key"), browseruse.WithBaseURL("http://"+ln.Addr().String()+"/api/v2"))
	require.NoError(t, err)
	s, err := c.CreateSession(context.Background(), browseruse.CreateSessionParams{})
	require.NoError(t, err)
	_, err = c.UploadFile(context.Background(), s.ID, browseruse.UploadFileParams{Name: "a.txt", Body: strings.NewReader("hi")})
	require.NoError(t, err)
	require.Equal(t, []browserusetest.File{{Name: "a.txt", Data: []byte("hi")}}, fake.SessionFiles(s.ID))
	reqs := fake.StorageRequests()
	require.Len(t, reqs, 1)
	require.False(t, reqs[0].SawAPIKey)
}

func TestChromiumFlags(t *testing.T) {
	ctx := context.Background()
	_, opts, err := parseFlags([]string{"-chromium", "/nonexistent/chromium"})
	require.NoError(t, err)
	srv := browserusetest.NewServer(opts...)
	defer srv.Close()
	c, err := srv.Client()
	require.NoError(t, err)
	_, err = c.CreateBrowser(ctx, browseruse.CreateBrowserParams{})
	var apiErr *browseruse.APIError
	require.ErrorAs(t, err, &apiErr)
	require.Equal(t, http.StatusServiceUnavailable, apiErr.StatusCode)
	require.Contains(t, apiErr.Detail, "/nonexistent/chromium", "the -chromium flag is WithChromium")

	browserusetest.SkipWithoutChromium(t)
	_, opts, err = parseFlags([]string{"-cdp-delay", "1"})
	require.NoError(t, err)
	srv2 := browserusetest.NewServer(opts...)
	defer srv2.Close()
	c, err = srv2.Client()
	require.NoError(t, err)
	err = c.RunBrowser(ctx, browseruse.CreateBrowserParams{}, func(ctx context.Context, b *browseruse.Browser) error {
		require.Nil(t, b.CdpURL, "-cdp-delay 1")
		_, err := c.WaitForCDP(ctx, b.ID)
		return err
	})
	require.NoError(t, err)
}

// TestWebhookFlags: -webhook-url and -webhook-secret make the fake send
// signed webhooks, in the words -webhook-status-words says.
func TestWebhookFlags(t *testing.T) {
	for words, want := range map[string][]string{"task": {"started", "finished"}, "session": {"running", "idle"}} {
		events := make(chan webhook.Event, 10)
		rcv := httptest.NewServer(webhook.NewHandler("whsec_flag", func(_ context.Context, ev webhook.Event) { events <- ev }))
		_, opts, err := parseFlags([]string{"-task-duration", "2ms", "-webhook-url", rcv.URL, "-webhook-secret", "whsec_flag", "-webhook-status-words", words})
		require.NoError(t, err)
		fake := browserusetest.NewServer(append(opts, browserusetest.WithTaskRunner(func(browserusetest.TaskInput) browserusetest.TaskResult {
			return browserusetest.TaskResult{Duration: 2 * time.Millisecond}
		}))...)
		c, err := fake.Client()
		require.NoError(t, err)
		created, err := c.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "hook me"})
		require.NoError(t, err)
		var got []string
		for range want {
			select {
			case ev := <-events:
				require.Equal(t, created.ID, ev.Payload.TaskID)
				got = append(got, ev.Payload.Status)
			case <-time.After(time.Minute): // a deadlock guard
				t.Fatal("no webhook")
			}
		}
		require.Equal(t, want, got, words)
		fake.Close()
		rcv.Close()
	}
	for _, args := range [][]string{
		{"-webhook-url", "http://127.0.0.1:1/hook"},
		{"-webhook-secret", "s"},
		{"-webhook-url", "http://127.0.0.1:1/hook", "-webhook-secret", "s", "-webhook-status-words", "docs"},
	} {
		t.Setenv("BROWSER_USE_WEBHOOK_SECRET", "")
		_, _, err := parseFlags(args)
		require.Error(t, err, "%q", args)
	}
	t.Setenv("BROWSER_USE_WEBHOOK_SECRET", "from-env")
	_, _, err := parseFlags([]string{"-webhook-url", "http://127.0.0.1:1/hook"})
	require.NoError(t, err, "the secret from the environment")
}
