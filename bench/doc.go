// Package bench holds the performance benchmarks of the client (run them
// with `make bench`): a hand-written net/http + encoding/json baseline, the
// generated client alone, and the browseruse facade in each validation
// mode, all calling one shared loopback server that answers canned bodies,
// so that the client's own cost is what differs.
package bench
