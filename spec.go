// Package browserusego holds openapi.yaml, the hand-maintained OpenAPI 3.0.3
// description of the Browser Use Cloud API v2 sessions resource, embedded in
// the binary. It is the single source of truth for the generated code in gen/,
// the request and response validation of package browseruse and the fake
// server of package browserusetest.
//
// Programs normally import github.com/browseruse-go/browseruse-go/browseruse
// instead; this package is for tools that need the document itself.
package browserusego

import _ "embed"

//go:embed openapi.yaml
var openapiYAML []byte

// OpenAPI returns a copy of the embedded openapi.yaml.
func OpenAPI() []byte {
	return append([]byte(nil), openapiYAML...)
}
