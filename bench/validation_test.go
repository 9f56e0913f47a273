package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/browseruse-go/browseruse-go/internal/specval"
)

// BenchmarkValidation is response validation alone, no network, the two
// ways kin-openapi offers: decode into any and Schema.VisitJSON (what the
// client does), and openapi3filter.ValidateResponse with the operation's
// route (which reads, copies and decodes the body itself).
func BenchmarkValidation(b *testing.B) {
	spec, err := specval.Load()
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name   string
		op     string
		status int
		body   []byte
	}{
		{"create-response", "createSession", 201, createAnswer},
		{"get-1-task", "getSession", 200, getSmallAnswer},
		{"get-50-tasks", "getSession", 200, getAnswer},
		{"list-100", "listSessions", 200, listAnswer},
	}
	b.Run("create-request/way=ValidateRequest", func(b *testing.B) {
		op := spec.Operation("createSession")
		body := []byte(`{"browserScreenHeight":800,"browserScreenWidth":1280,"keepAlive":false,"proxyCountryCode":"de"}`)
		b.ReportAllocs()
		for b.Loop() {
			req := httptest.NewRequest(http.MethodPost, "http://h/api/v2/sessions", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if vs := op.CheckRequest(context.Background(), req, nil); len(vs) > 0 {
				b.Fatal(vs)
			}
		}
	})
	for _, tc := range cases {
		op := spec.Operation(tc.op)
		schema, _ := op.Response(tc.status)
		b.Run(tc.name+"/way=VisitJSON", func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.body)))
			for b.Loop() {
				var value any
				if err := json.Unmarshal(tc.body, &value); err != nil {
					b.Fatal(err)
				}
				if vs := specval.CheckResponse(schema, value); len(vs) > 0 {
					b.Fatal(vs)
				}
			}
		})
		b.Run(tc.name+"/way=ValidateResponse", func(b *testing.B) {
			req := httptest.NewRequest(op.Method, "http://h/api/v2/sessions", nil)
			header := http.Header{"Content-Type": {"application/json"}}
			options := &openapi3filter.Options{
				AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
				SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.WithStringFormatValidators(specval.Formats())},
			}
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.body)))
			for b.Loop() {
				err := openapi3filter.ValidateResponse(context.Background(), &openapi3filter.ResponseValidationInput{
					RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, Route: op.Route, Options: options},
					Status:                 tc.status,
					Header:                 header,
					Body:                   io.NopCloser(bytes.NewReader(tc.body)),
					Options:                options,
				})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
