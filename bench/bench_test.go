package bench_test

import (
	"context"
	"testing"

	browserusego "github.com/browseruse-go/browseruse-go"
	"github.com/browseruse-go/browseruse-go/browseruse"
	"github.com/browseruse-go/browseruse-go/internal/specval"
)

func benchCall(b *testing.B, call func(caller, context.Context) error) {
	ctx := context.Background()
	for _, v := range variants(server().base) {
		b.Run("variant="+v.name, func(b *testing.B) {
			if err := call(v.c, ctx); err != nil { // warm the connection
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := call(v.c, ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkCreate: create a session (small JSON body each way).
func BenchmarkCreate(b *testing.B) { benchCall(b, caller.create) }

// BenchmarkGet50Tasks: get a session with 50 tasks (~28 KB answer).
func BenchmarkGet50Tasks(b *testing.B) { benchCall(b, caller.get) }

// BenchmarkList100: list a page of 100 sessions (~31 KB answer).
func BenchmarkList100(b *testing.B) { benchCall(b, caller.list) }

// BenchmarkNewClient: "first" is what the first NewClient in a process
// pays (parsing, checking and indexing openapi.yaml, then the client);
// "later" is every NewClient after it, which reuses the parsed spec.
func BenchmarkNewClient(b *testing.B) {
	opts := []browseruse.Option{browseruse.WithAPIKey(benchKey), browseruse.WithBaseURL(server().base)}
	b.Run("first", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := specval.Parse(browserusego.OpenAPI()); err != nil {
				b.Fatal(err)
			}
			if _, err := browseruse.NewClient(opts...); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("later", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := browseruse.NewClient(opts...); err != nil {
				b.Fatal(err)
			}
		}
	})
}
