package browserusego_test

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the conformance suite if any goroutine outlives it.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
