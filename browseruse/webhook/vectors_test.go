package webhook_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/browseruse-go/browseruse-go/browseruse/webhook"
)

// vectors is testdata/vectors.json, written by testdata/make_vectors.py
// from Python's own json.dumps and hmac.
type vectors struct {
	Vectors []struct {
		Name               string  `json:"name"`
		Secret             string  `json:"secret"`
		Timestamp          string  `json:"timestamp"`
		Body               []byte  `json:"body"`
		CanonicalASCII     []byte  `json:"canonical_ascii"`
		SignatureASCII     string  `json:"signature_ascii"`
		CanonicalUnescaped *[]byte `json:"canonical_unescaped"` // null: Python cannot encode it (a lone surrogate)
		SignatureUnescaped *string `json:"signature_unescaped"`
	} `json:"vectors"`
	Invalid []string    `json:"invalid"` // base64 bodies json.loads refuses
	Floats  [][2]string `json:"floats"`  // token, json.dumps(json.loads(token))
}

func readVectors() (vectors, error) {
	var v vectors
	data, err := os.ReadFile("testdata/vectors.json")
	if err == nil {
		err = json.Unmarshal(data, &v)
	}
	return v, err
}

func loadVectors(t *testing.T) vectors {
	t.Helper()
	v, err := readVectors()
	require.NoError(t, err)
	require.NotEmpty(t, v.Vectors)
	return v
}

func signedHeader(ts, sig string) http.Header {
	h := http.Header{}
	h.Set(webhook.HeaderTimestamp, ts)
	h.Set(webhook.HeaderSignature, sig)
	return h
}

func unix(ts string) time.Time {
	n, _ := strconv.ParseInt(ts, 10, 64)
	return time.Unix(n, 0)
}

// TestPythonVectors: Canonical writes what Python's json.dumps writes, in
// both forms, and Verify accepts both signatures Python computed, and
// Sign's is Python's.
func TestPythonVectors(t *testing.T) {
	for _, v := range loadVectors(t).Vectors {
		t.Run(v.Name, func(t *testing.T) {
			got, err := webhook.Canonical(v.Body, true)
			require.NoError(t, err)
			assert.Equal(t, string(v.CanonicalASCII), string(got), "ensure_ascii=True")

			ev, err := webhook.Verify(v.Secret, signedHeader(v.Timestamp, v.SignatureASCII), v.Body, unix(v.Timestamp))
			require.NoError(t, err, "Python's ensure_ascii signature")
			assert.Equal(t, json.RawMessage(v.Body), ev.Raw)

			h, err := webhook.Sign(v.Secret, unix(v.Timestamp), v.Body)
			require.NoError(t, err)
			assert.Equal(t, v.SignatureASCII, h.Get(webhook.HeaderSignature))
			assert.Equal(t, v.Timestamp, h.Get(webhook.HeaderTimestamp))

			if v.CanonicalUnescaped == nil {
				return // Python's unescaped form cannot hold a lone surrogate
			}
			got, err = webhook.Canonical(v.Body, false)
			require.NoError(t, err)
			assert.Equal(t, string(*v.CanonicalUnescaped), string(got), "ensure_ascii=False")
			_, err = webhook.Verify(v.Secret, signedHeader(v.Timestamp, *v.SignatureUnescaped), v.Body, unix(v.Timestamp))
			require.NoError(t, err, "the unescaped form's signature")
		})
	}
}

// TestPythonRefusals: a body json.loads refuses is ErrBadJSON.
func TestPythonRefusals(t *testing.T) {
	for _, b64 := range loadVectors(t).Invalid {
		body, err := base64.StdEncoding.DecodeString(b64)
		require.NoError(t, err)
		_, err = webhook.Canonical(body, true)
		assert.ErrorIs(t, err, webhook.ErrBadJSON, "%q", body)
	}
}

// TestPythonFloats: numbers are Python's repr of the float the token reads
// as, for thousands of spellings (shortest digits, the exponent form's
// thresholds and its two-digit exponent).
func TestPythonFloats(t *testing.T) {
	floats := loadVectors(t).Floats
	require.Greater(t, len(floats), 1000)
	for _, f := range floats {
		got, err := webhook.Canonical([]byte(f[0]), true)
		if assert.NoError(t, err, f[0]) {
			assert.Equal(t, f[1], string(got), f[0])
		}
	}
}

func hmacHex(secret, message string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(message))
	return hex.EncodeToString(m.Sum(nil))
}
