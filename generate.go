package browserusego

// gen/ is produced from openapi.yaml by the oapi-codegen version pinned in
// go.mod (see tools.go), with the options in oapi-codegen.yaml. Never edit
// gen/ by hand: change openapi.yaml and run `go generate ./...`.
//go:generate go run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config oapi-codegen.yaml openapi.yaml
