package specval

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// schemaCase is one schema of openapi.yaml with the side it is checked on.
type schemaCase struct {
	name     string
	compiled *Compiled
	oracle   func(any) []Violation
}

func allSchemas(t testing.TB) []schemaCase {
	spec, err := Load()
	require.NoError(t, err)
	var out []schemaCase
	for _, op := range spec.Operations() {
		if op.HasBody() {
			op := op
			out = append(out, schemaCase{op.ID + " body", op.bodyFast, op.CheckBody})
		}
		for _, status := range op.Statuses() {
			r := op.Response(status)
			if r.Schema == nil {
				continue
			}
			schema := r.Schema
			out = append(out, schemaCase{fmt.Sprintf("%s %d", op.ID, status), r.fast, func(v any) []Violation { return CheckResponse(schema, v) }})
		}
	}
	return out
}

// verdicts renders violations as sorted "field keyword" lines.
func verdicts(vs []Violation) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Field + " " + v.Keyword
	}
	slices.Sort(out)
	return out
}

// agree checks the compiled validator against kin-openapi on one input.
func agree(t *testing.T, data []byte) {
	t.Helper()
	var value any
	decodeErr := json.Unmarshal(data, &value)
	for _, sc := range allSchemas(t) {
		got, err := sc.compiled.Check(data)
		if decodeErr != nil {
			require.ErrorIs(t, err, ErrInvalidJSON, "%s: %q is not JSON for encoding/json", sc.name, data)
			continue
		}
		require.NoError(t, err, "%s: %q", sc.name, data)
		want := sc.oracle(value)
		require.Equal(t, verdicts(want), verdicts(got), "%s: %q", sc.name, data)
		for _, v := range got {
			require.NotEmpty(t, v.Rule)
		}
	}
}

var differentialSeeds = []string{
	`{}`, `[]`, `null`, `1`, `"x"`, `true`,
	`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","status":"active","startedAt":"2026-01-02T03:04:05Z","persistMemory":true,"keepAlive":false,"liveUrl":null,"proxyCost":"0.5"}`,
	`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","status":"paused","startedAt":"2026-01-02T03:04:05","tasks":[{"id":"x","sessionId":"3c90c3cc-0d44-4b50-8888-8dd25736052a","llm":1,"task":"t","status":"done","createdAt":"yesterday","cost":"1.2.3","metadata":null,"suggestions":[{"a":1},null]}]}`,
	`{"items":[{"id":1},{}],"totalItems":1.5,"pageNumber":"1","pageSize":null}`,
	`{"shareToken":"t","shareUrl":"u","viewCount":3,"lastViewedAt":null,"extra":{"deep":[1,2,{"x":null}]}}`,
	`{"detail":"Session not found"}`, `{"detail":[{"loc":["body",0,1.5,null],"msg":"m","type":"t"}]}`,
	`{"loc":["a",1],"msg":"m","type":"t"}`, `{"loc":[true],"msg":null}`,
	`{"proxyCountryCode":null,"customProxy":null,"profileId":null,"startUrl":null,"browserScreenWidth":null}`,
	`{"proxyCountryCode":"XX","customProxy":{"host":"","port":0,"password":"` + strings.Repeat("p", 300) + `"},"browserScreenWidth":100.5,"keepAlive":"no"}`,
	`{"customProxy":{"port":65536},"proxyCountryCode":1,"profileId":"{3c90c3cc-0d44-4b50-8888-8dd25736052a}"}`,
	`{"action":"stop"}`, `{"action":"pause"}`, `{"action":null}`,
	`{"status":"active","status":"nope"}`, `{"status":"nope","status":"active"}`,
	`{"host":"\u0068\u00e9","port":1}`, `{"customProxy":{"host":"\ud83d\ude00","port":1e2}}`,
	`{"id":"3C90C3CC-0D44-4B50-8888-8DD25736052A","status":"stopped","startedAt":"2026-01-02 03:04:05.5","tasks":[]}`,
	`{"proxyUsedMb":"-.5","proxyCost":"+0","id":"3c90c3cc-0d44-4b50-8888-8dd25736052a"}`,
	`{"detail":"aaaaaaaaaaaa\"bbbbbbbbbbb"}`, "{\"detail\":\"aaaaaaaaaaaaaa\tbbb\"}", "{\"detail\":\"abcdefgh\x01\"}",
	`{"detail":"0123456789abcdef\u00e9\\"}`, `{"shareToken":"abcdefghijklmnop\u0000","shareUrl":"\/x","viewCount":0}`,
	`{"a":1e400}`, `[1,]`, `{"a" 1}`, `"\x"`, ` {} `, `{} {}`, `tru`, `01`, `-`, `1.`, `.5`,
}

func TestCompiledAgreesWithKinOpenAPI(t *testing.T) {
	for _, seed := range differentialSeeds {
		agree(t, []byte(seed))
	}
}

func TestEverySchemaOfTheSpecIsCompiled(t *testing.T) {
	for _, sc := range allSchemas(t) {
		require.NotNil(t, sc.compiled.root, "%s falls back to kin-openapi", sc.name)
		require.Nil(t, sc.compiled.fallback, sc.name)
	}
}

func TestDeepNestingIsRejectedLikeEncodingJSON(t *testing.T) {
	for _, depth := range []int{10000, 10001} {
		agree(t, []byte(strings.Repeat("[", depth)+strings.Repeat("]", depth)))
	}
}

// FuzzCompiledMatchesKinOpenAPI holds the one-pass validator to the verdicts
// of kin-openapi (the oracle) and encoding/json on any input.
func FuzzCompiledMatchesKinOpenAPI(f *testing.F) {
	for _, seed := range differentialSeeds {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data string) {
		agree(t, []byte(data))
	})
}
