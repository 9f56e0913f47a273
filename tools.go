//go:build tools

// This file pins the code generator's version in go.mod, so that
// `go generate ./...` always runs the same oapi-codegen and reproduces gen/
// byte for byte. It is excluded from normal builds by the tools build tag.
package browserusego

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
