package bench_test

import (
	"context"
	"testing"
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

// BenchmarkGet1Task: get a session with one task (~1 KB answer).
func BenchmarkGet1Task(b *testing.B) { benchCall(b, caller.getSmall) }

// BenchmarkGet50Tasks: get a session with 50 tasks (~40 KB answer).
func BenchmarkGet50Tasks(b *testing.B) { benchCall(b, caller.get) }

// BenchmarkTaskStatusPoll: one poll of a wait (GET /tasks/{id}/status,
// ~110 bytes answer).
func BenchmarkTaskStatusPoll(b *testing.B) { benchCall(b, caller.status) }

// BenchmarkList100: list a page of 100 sessions (~35 KB answer).
func BenchmarkList100(b *testing.B) { benchCall(b, caller.list) }
