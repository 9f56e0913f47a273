package bench_test

import (
	"encoding/json"
	"testing"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// BenchmarkValidation is validation alone, no network: the one-pass
// validator the client uses, and kin-openapi (decode into map[string]any,
// then VisitJSON), which the fake server uses and which serves as the
// oracle of the differential fuzz test.
func BenchmarkValidation(b *testing.B) {
	spec, err := specval.Load()
	if err != nil {
		b.Fatal(err)
	}
	createBody := []byte(`{"browserScreenHeight":800,"browserScreenWidth":1280,"keepAlive":false,"proxyCountryCode":"de"}`)
	cases := []struct {
		name string
		body []byte
		op   *specval.Operation
		resp *specval.Response
	}{
		{"create-request", createBody, spec.Operation("createSession"), nil},
		{"create-response", createAnswer, nil, spec.Operation("createSession").Response(201)},
		{"get-50-tasks", getAnswer, nil, spec.Operation("getSession").Response(200)},
		{"list-100", listAnswer, nil, spec.Operation("listSessions").Response(200)},
	}
	for _, tc := range cases {
		b.Run(tc.name+"/validator=compiled", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.body)))
			for b.Loop() {
				var vs []specval.Violation
				var err error
				if tc.op != nil {
					vs, err = tc.op.CheckBodyJSON(tc.body)
				} else {
					vs, err = tc.resp.CheckJSON(tc.body)
				}
				if err != nil || len(vs) > 0 {
					b.Fatal(err, vs)
				}
			}
		})
		b.Run(tc.name+"/validator=kin-openapi", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.body)))
			for b.Loop() {
				var value any
				if err := json.Unmarshal(tc.body, &value); err != nil {
					b.Fatal(err)
				}
				var vs []specval.Violation
				if tc.op != nil {
					vs = tc.op.CheckBody(value)
				} else {
					vs = specval.CheckResponse(tc.resp.Schema, value)
				}
				if len(vs) > 0 {
					b.Fatal(vs)
				}
			}
		})
	}
}
