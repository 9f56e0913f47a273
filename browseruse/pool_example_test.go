package browseruse_test

import (
	"context"
	"fmt"
	"log"

	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/browserusetest"
)

// Twenty tasks over a plan's cap of five sessions: the tasks past the
// fifth wait for a session instead of meeting 429, and the five sessions,
// warm after their first task, run all twenty.
func ExamplePool() {
	srv := browserusetest.NewServer(browserusetest.WithMaxActiveSessions(5)) // the plan's cap
	defer srv.Close()
	client, err := srv.Client() // real programs: browseruse.NewClient()
	if err != nil {
		log.Fatal(err)
	}

	pool, err := browseruse.NewPool(client, browseruse.PoolOptions{MaxSessions: 5})
	if err != nil {
		log.Fatal(err)
	}
	tasks := make([]browseruse.CreateTaskParams, 20)
	for i := range tasks {
		tasks[i].Task = fmt.Sprintf("Find the price of product %d", i)
	}
	finished := 0
	for r := range pool.RunAll(context.Background(), tasks) {
		if r.Err != nil {
			log.Printf("task %d: %v", r.Index, r.Err)
			continue
		}
		finished++
	}
	if err := pool.Close(); err != nil { // stops the pool's sessions
		log.Print(err)
	}
	fmt.Println(finished, "finished,", srv.SessionCount(browseruse.StatusActive), "sessions left active")
	// Output: 20 finished, 0 sessions left active
}

// Run is for callers with goroutines of their own: it waits for a session
// of the pool, runs one task in it and gives the session back.
func ExamplePool_Run() {
	srv := browserusetest.NewServer()
	defer srv.Close()
	client, err := srv.Client()
	if err != nil {
		log.Fatal(err)
	}
	pool, err := browseruse.NewPool(client, browseruse.PoolOptions{MaxSessions: 2, FreshSessions: true})
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	task, err := pool.Run(context.Background(), browseruse.CreateTaskParams{Task: "Say hi"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(task.Status, browseruse.Deref(task.Output))
	// Output: finished Done: Say hi
}
