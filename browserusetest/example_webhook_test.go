package browserusetest_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// The fake sends the service's webhooks to a receiver built on
// webhook.NewHandler, which verifies their signatures.
func ExampleWithWebhook() {
	events := make(chan webhook.Event, 10)
	receiver := httptest.NewServer(webhook.NewHandler("whsec_test", func(_ context.Context, ev webhook.Event) { events <- ev }))
	defer receiver.Close()

	srv := browserusetest.NewServer(browserusetest.WithWebhook(receiver.URL, "whsec_test"))
	defer srv.Close() // stops the deliveries too
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	created, err := client.CreateTask(context.Background(), browseruse.CreateTaskParams{Task: "say hi"})
	if err != nil {
		log.Fatal(err)
	}
	for ev := range events { // no polling: the fake ends the task by its script and says so
		fmt.Println(ev.Payload.TaskID == created.ID, ev.Payload.Status, ev.TaskEnded())
		if ev.TaskEnded() {
			break
		}
	}
	// Output:
	// true started false
	// true finished true
}
