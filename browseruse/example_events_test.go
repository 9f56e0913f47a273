package browseruse_test

import (
	"context"
	"fmt"
	"log"
	"net/http/httptest"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// A server that receives Browser Use's webhooks lets them end its waits:
// RunTask returns as soon as the webhook says the task ended (after one
// GET that confirms it), and polls only once a minute as a safety net. Here
// the fake sends the webhooks, signed as the service signs them.
func ExampleTaskEvents() {
	const secret = "whsec_example" // in production: the dashboard's, from the environment
	events := browseruse.NewTaskEvents()
	receiver := httptest.NewServer(webhook.NewHandler(secret, events.Deliver)) // in production: your server's route
	defer receiver.Close()

	srv := browserusetest.NewServer(browserusetest.WithWebhook(receiver.URL, secret))
	defer srv.Close()
	client, err := srv.Client(browseruse.WithTaskEvents(events))
	if err != nil {
		log.Fatal(err)
	}
	task, err := client.RunTask(context.Background(), browseruse.CreateTaskParams{Task: "Find the cheapest flight"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.Status, browseruse.Deref(task.Output))
	// Output: finished Done: Find the cheapest flight
}
