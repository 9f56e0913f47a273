package browseruse_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse"
)

// routes answers every operation with a valid body, by method and path.
func routes(w http.ResponseWriter, r *http.Request) {
	base := "/api/v2/sessions"
	one := base + "/" + sessionID
	switch r.Method + " " + r.URL.Path {
	case "POST " + base:
		writeJSON(w, http.StatusCreated, sessionItemJSON)
	case "GET " + base:
		writeJSON(w, http.StatusOK, `{"items":[`+sessionItemJSON+`],"totalItems":1,"pageNumber":1,"pageSize":10}`)
	case "GET " + one, "PATCH " + one:
		writeJSON(w, http.StatusOK, sessionViewJSON)
	case "DELETE " + one, "POST " + one + "/purge", "DELETE " + one + "/public-share":
		w.WriteHeader(http.StatusNoContent)
	case "GET " + one + "/public-share":
		writeJSON(w, http.StatusOK, shareJSON)
	case "POST " + one + "/public-share":
		writeJSON(w, http.StatusCreated, shareJSON)
	default:
		writeJSON(w, http.StatusNotFound, `{"detail":"Not Found"}`)
	}
}

func TestEveryOperationOnTheWire(t *testing.T) {
	ctx := context.Background()
	one := "/api/v2/sessions/" + sessionID
	cases := []struct {
		name, method, path, query, body string
		call                            func(c *browseruse.Client) error
	}{
		{"create", "POST", "/api/v2/sessions", "", "{}", func(c *browseruse.Client) error {
			_, err := c.CreateSession(ctx, browseruse.CreateSessionParams{})
			return err
		}},
		{"list", "GET", "/api/v2/sessions", "pageSize=25&pageNumber=3&filterBy=active", "", func(c *browseruse.Client) error {
			_, err := c.ListSessions(ctx, browseruse.ListSessionsParams{PageSize: browseruse.Ptr(25), PageNumber: browseruse.Ptr(3), Status: browseruse.StatusActive})
			return err
		}},
		{"list defaults", "GET", "/api/v2/sessions", "", "", func(c *browseruse.Client) error {
			_, err := c.ListSessions(ctx, browseruse.ListSessionsParams{})
			return err
		}},
		{"get", "GET", one, "", "", func(c *browseruse.Client) error {
			_, err := c.GetSession(ctx, sessionID)
			return err
		}},
		{"stop", "PATCH", one, "", `{"action":"stop"}`, func(c *browseruse.Client) error {
			_, err := c.StopSession(ctx, sessionID)
			return err
		}},
		{"delete", "DELETE", one, "", "", func(c *browseruse.Client) error { return c.DeleteSession(ctx, sessionID) }},
		{"purge", "POST", one + "/purge", "", "", func(c *browseruse.Client) error { return c.PurgeSession(ctx, sessionID) }},
		{"share get", "GET", one + "/public-share", "", "", func(c *browseruse.Client) error {
			_, err := c.GetPublicShare(ctx, sessionID)
			return err
		}},
		{"share create", "POST", one + "/public-share", "", "", func(c *browseruse.Client) error {
			_, err := c.CreatePublicShare(ctx, sessionID)
			return err
		}},
		{"share delete", "DELETE", one + "/public-share", "", "", func(c *browseruse.Client) error { return c.DeletePublicShare(ctx, sessionID) }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t, routes)
			require.NoError(t, tc.call(srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict))))
			got := srv.received()
			require.Len(t, got, 1)
			require.Equal(t, tc.method, got[0].Method)
			require.Equal(t, tc.path, got[0].Path)
			require.Equal(t, tc.query, got[0].Query)
			require.Equal(t, testKey, got[0].Header.Get("X-Browser-Use-API-Key"))
			if tc.body != "" {
				require.JSONEq(t, tc.body, got[0].Body)
				require.Equal(t, tc.body, got[0].Body, "exact bytes")
				require.Equal(t, "application/json", got[0].Header.Get("Content-Type"))
			} else {
				require.Empty(t, got[0].Body)
			}
		})
	}
}

func TestCreateSessionBodies(t *testing.T) {
	cases := []struct {
		name   string
		params browseruse.CreateSessionParams
		want   string
	}{
		{"empty sends {}", browseruse.CreateSessionParams{}, `{}`},
		{"proxy default is omitted", browseruse.CreateSessionParams{Proxy: browseruse.ProxyDefault()}, `{}`},
		{"proxy off sends null", browseruse.CreateSessionParams{Proxy: browseruse.ProxyOff()}, `{"proxyCountryCode":null}`},
		{"proxy country is lowercased", browseruse.CreateSessionParams{Proxy: browseruse.ProxyIn("DE")}, `{"proxyCountryCode":"de"}`},
		{"false is sent as false", browseruse.CreateSessionParams{
			KeepAlive: browseruse.Ptr(false), PersistMemory: browseruse.Ptr(false), EnableRecording: browseruse.Ptr(false),
		}, `{"enableRecording":false,"keepAlive":false,"persistMemory":false}`},
		{"every field", browseruse.CreateSessionParams{
			ProfileID:       taskID,
			Proxy:           browseruse.ProxyIn("jp"),
			StartURL:        "https://example.com",
			ScreenWidth:     browseruse.Ptr(1920),
			ScreenHeight:    browseruse.Ptr(1080),
			PersistMemory:   browseruse.Ptr(true),
			KeepAlive:       browseruse.Ptr(true),
			EnableRecording: browseruse.Ptr(true),
			CustomProxy:     &browseruse.CustomProxy{Host: "proxy.example", Port: 3128, Username: "u", Password: "p4ss", IgnoreCertErrors: true},
		}, `{"browserScreenHeight":1080,"browserScreenWidth":1920,` +
			`"customProxy":{"host":"proxy.example","ignoreCertErrors":true,"password":"p4ss","port":3128,"username":"u"},` +
			`"enableRecording":true,"keepAlive":true,"persistMemory":true,"profileId":"` + taskID + `",` +
			`"proxyCountryCode":"jp","startUrl":"https://example.com"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newAPIServer(t, routes)
			s, err := srv.client(t).CreateSession(context.Background(), tc.params)
			require.NoError(t, err)
			require.Equal(t, sessionID, s.ID)
			require.Equal(t, tc.want, srv.received()[0].Body)
		})
	}
}

func TestResponsesDecodeIntoTheGeneratedModels(t *testing.T) {
	srv := newAPIServer(t, routes)
	c := srv.client(t, browseruse.WithValidation(browseruse.ValidationStrict))
	s, err := c.GetSession(context.Background(), sessionID)
	require.NoError(t, err)
	require.Equal(t, browseruse.StatusStopped, s.Status)
	require.Len(t, s.Tasks, 1)
	task := s.Tasks[0]
	require.Equal(t, browseruse.TaskFinished, task.Status)
	// Naive timestamps (no zone offset) are read as UTC.
	require.Equal(t, time.Date(2026, 1, 2, 3, 4, 6, 123456000, time.UTC), task.CreatedAt.Time)
	require.NotNil(t, task.FinishedAt)
	require.Equal(t, time.Date(2026, 1, 2, 3, 10, 0, 0, time.UTC), task.FinishedAt.Time)
	require.Equal(t, "0.0125", browseruse.Deref(task.Cost).String())
	require.Nil(t, s.PublicShareURL, "null")
	require.Nil(t, s.RecordingURL, "absent")
}
