package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

func init() { pollEvery = browseruse.PollInterval(time.Millisecond, 5*time.Millisecond) }

func TestQuickstartRunsAgainstTheFake(t *testing.T) {
	srv := browserusetest.NewServer()
	defer srv.Close()
	c, err := srv.Client(browseruse.WithValidation(browseruse.ValidationStrict))
	require.NoError(t, err)
	var out bytes.Buffer
	require.NoError(t, run(context.Background(), c, &out))
	for _, step := range []string{"created session:", "ran task:", "got session:", "public share:", "listed sessions:", "stopped session:", "deleted session:"} {
		require.Contains(t, out.String(), step)
	}
	require.Contains(t, out.String(), "task output:      Done: Open example.com", "the fake's default script")
	require.Equal(t, 0, srv.SessionCount(""), "the session was deleted")
}

func TestQuickstartStopsTheSessionWhenAStepFails(t *testing.T) {
	srv := browserusetest.NewServer()
	defer srv.Close()
	srv.Inject(browserusetest.OpCreatePublicShare, 10, browserusetest.Fault{Status: 500})
	c, err := srv.Client(browseruse.WithRetry(browseruse.RetryPolicy{}))
	require.NoError(t, err)
	var out bytes.Buffer
	err = run(context.Background(), c, &out)
	require.ErrorIs(t, err, browseruse.ErrServer)
	require.Equal(t, 1, srv.SessionCount(browseruse.StatusStopped), "stopped although the share step failed")
	require.Equal(t, 0, srv.SessionCount(browseruse.StatusActive))
}
