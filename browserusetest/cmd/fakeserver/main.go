// Command fakeserver runs the browserusetest fake Browser Use API on its
// own, so that curl and programs in any language can use it:
//
//	go run ./browserusetest/cmd/fakeserver -addr 127.0.0.1:8080
//
// It prints the base URL and the API key to use, then serves until
// interrupted.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
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
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fakeserver:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	flags := flag.NewFlagSet("fakeserver", flag.ContinueOnError)
	addr := flags.String("addr", "127.0.0.1:8080", "address to listen on")
	key := flags.String("key", "", "API key to accept (default: random, printed)")
	maxActive := flags.Int("max-active", 0, "cap on concurrently active sessions (0: none)")
	zdr := flags.Bool("zdr", false, "act as a zero-data-retention project (purge allowed)")
	profiles := flags.String("profiles", "", "comma-separated profile ids that exist")
	if err := flags.Parse(args); err != nil {
		return err
	}
	opts := []browserusetest.Option{browserusetest.WithMaxActiveSessions(*maxActive)}
	if *key != "" {
		opts = append(opts, browserusetest.WithAPIKey(*key))
	}
	if *zdr {
		opts = append(opts, browserusetest.WithZeroDataRetention())
	}
	if *profiles != "" {
		opts = append(opts, browserusetest.WithProfiles(strings.Split(*profiles, ",")...))
	}
	fake := browserusetest.NewFake(opts...)

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: fake, ReadHeaderTimeout: 10 * time.Second}
	fmt.Printf("fake Browser Use API on http://%s%s\n", ln.Addr(), browserusetest.BasePath)
	fmt.Printf("export BROWSER_USE_BASE_URL=http://%s%s\n", ln.Addr(), browserusetest.BasePath)
	fmt.Printf("export BROWSER_USE_API_KEY=%s\n", fake.APIKey())

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
