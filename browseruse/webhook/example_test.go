package webhook_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

// A complete receiver: the secret from the environment, a handler that
// verifies each delivery and hands on the tasks that ended.
func ExampleNewHandler() {
	secret := os.Getenv("BROWSER_USE_WEBHOOK_SECRET") // the dashboard's signing secret
	ended := make(chan webhook.Event, 100)
	http.Handle("POST /webhooks/browser-use", webhook.NewHandler(secret, func(ctx context.Context, ev webhook.Event) {
		// Called after the 204 went out; keep it short, or hand the event on.
		if ev.TaskEnded() {
			select {
			case ended <- ev:
			default: // a full queue: polling is the safety net
			}
		}
	}, webhook.WithDedupe(0), webhook.WithLogger(slog.Default())))
	go func() {
		for ev := range ended {
			log.Printf("task %s is %s", ev.Payload.TaskID, ev.Payload.Status)
		}
	}()
	log.Fatal(http.ListenAndServe(":8080", nil))
}

// Verify checks one delivery where a handler of your own reads it.
func ExampleVerify() {
	body := []byte(`{"type":"agent.task.status_update","timestamp":"2026-12-02T10:00:00.123456Z",` +
		`"payload":{"task_id":"t-1","session_id":"s-1","status":"finished","metadata":{}}}`)
	signedAt := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	header, _ := webhook.Sign("whsec_example", signedAt, body) // what the service sends

	ev, err := webhook.Verify("whsec_example", header, body, signedAt.Add(time.Minute))
	fmt.Println(ev.Payload.TaskID, ev.Payload.Status, ev.TaskEnded(), err)

	_, err = webhook.Verify("whsec_example", header, body, signedAt.Add(time.Hour))
	fmt.Println(err)
	// Output:
	// t-1 finished true <nil>
	// webhook: timestamp too old: signed 1h0m0s before now (tolerance 5m0s)
}

// Canonical is the form the signature covers: Python's json.dumps with
// sorted keys and no whitespace, escaped or not.
func ExampleCanonical() {
	body := []byte(`{"b": [1.0, 1e100, 1.5e-7], "a": "Zoë 😀"}`)
	escaped, _ := webhook.Canonical(body, true)
	raw, _ := webhook.Canonical(body, false)
	fmt.Println(string(escaped))
	fmt.Println(string(raw))
	// Output:
	// {"a":"Zo\u00eb \ud83d\ude00","b":[1.0,1e+100,1.5e-07]}
	// {"a":"Zoë 😀","b":[1.0,1e+100,1.5e-07]}
}
