package webhook_test

import (
	"bytes"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

// BenchmarkVerifyAdversarial verifies bodies of DefaultMaxBodyBytes made to
// cost the parser most, with a well-formed but wrong signature (so the body
// is parsed and both canonical forms are computed): an array of zeros, of
// empty arrays, of empty strings, and an object of one-byte keys. Run with
// -benchmem: B/op is what one such delivery makes the handler allocate.
func BenchmarkVerifyAdversarial(b *testing.B) {
	n := webhook.DefaultMaxBodyBytes
	keys := func(n int) []byte {
		var buf bytes.Buffer
		buf.WriteByte('{')
		for i := 0; buf.Len() < n-16; i++ {
			if i > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(`"` + strconv.Itoa(i) + `":0`)
		}
		buf.WriteByte('}')
		return buf.Bytes()
	}
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"zeros", adversarial(n)},
		{"arrays", []byte("[" + strings.Repeat("[],", (n-4)/3) + "[]]")},
		{"strings", []byte("[" + strings.Repeat(`"",`, (n-4)/3) + `""]`)},
		{"keys", keys(n)},
	} {
		b.Run(c.name, func(b *testing.B) {
			h := signedHeader(strconv.FormatInt(signedAt.Unix(), 10), strings.Repeat("00", 32))
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if _, err := webhook.Verify(testSecret, h, c.body, signedAt); err == nil {
					b.Fatal("verified")
				}
			}
		})
	}
}

// TestVerifyAdversarialAllocates: verifying the costliest body of
// DefaultMaxBodyBytes (an array of zeros; a value is 112 bytes parsed)
// allocates about three times its values (45 MB), not the six times of a
// slice grown by append for each array (87 MB).
func TestVerifyAdversarialAllocates(t *testing.T) {
	body := adversarial(webhook.DefaultMaxBodyBytes)
	h := signedHeader(strconv.FormatInt(signedAt.Unix(), 10), strings.Repeat("00", 32))
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	_, err := webhook.Verify(testSecret, h, body, signedAt)
	runtime.ReadMemStats(&after)
	require.ErrorIs(t, err, webhook.ErrBadSignature)
	assert.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(60<<20))
}
