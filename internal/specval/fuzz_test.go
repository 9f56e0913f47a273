package specval

import (
	"encoding/json"
	"testing"
)

// FuzzCheckResponse validates arbitrary JSON against every response schema:
// it must never panic, and every violation must name a rule.
func FuzzCheckResponse(f *testing.F) {
	f.Add(`{"id":"3c90c3cc-0d44-4b50-8888-8dd25736052a","status":"active","startedAt":"2026-01-02T03:04:05","tasks":[{}]}`)
	f.Add(`{"items":[{"id":1}],"totalItems":"x"}`)
	f.Add(`{"customProxy":{"host":"","port":70000},"proxyCountryCode":"XX"}`)
	f.Add(`[null, true, 1.5e300]`)
	spec, err := Load()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data string) {
		var value any
		if json.Unmarshal([]byte(data), &value) != nil {
			return
		}
		for _, op := range spec.Operations() {
			for _, status := range op.Statuses() {
				schema, _ := op.Response(status)
				for _, v := range CheckResponse(schema, value) {
					if v.Rule == "" {
						t.Fatalf("%s %d: violation without a rule at %q", op.ID, status, v.Field)
					}
				}
			}
			if rb := op.Route.Operation.RequestBody; rb != nil {
				for _, v := range CheckValue(rb.Value.Content.Get("application/json").Schema.Value, value) {
					if v.Rule == "" {
						t.Fatalf("%s body: violation without a rule at %q", op.ID, v.Field)
					}
				}
			}
		}
	})
}
