# browseruse-go: the README's commands. Needs only Go (and the module proxy).
GO          ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
BENCHSTAT   ?= $(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
FUZZTIME    ?= 30s
BENCHROUNDS ?= 10
BENCHTIME   ?= 1s
UPSTREAM    ?= ../shared/upstream/browser-use-api-v2.openapi.json

.PHONY: test lint generate check-generated check-deps drift cover bench fuzz

## test: lint, then every test (fuzz seeds included) under the race detector,
## then the load and fleet tests of bench/ (160,000 calls; 200 tasks over 4
## pools under one cap; build tag load, no -race), then the chromedp example
## (a module of its own) end to end against the fake's real Chromium. Tests
## that need Chromium skip without one, unless BROWSERUSE_REQUIRE_CHROMIUM=1
## (set by .ci/run) makes them fail.
test: lint
	$(GO) test -race -count=1 ./...
	$(GO) test -tags load -count=1 -run '^(TestLoad|TestFleet)$$' ./bench/
	cd examples/chromedp && $(GO) test -race -count=1 ./...

## lint: gofmt, go vet and staticcheck must be clean, in the main module and
## in examples/chromedp (a module of its own, so that the library does not
## depend on chromedp).
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) vet -tags load ./bench/
	$(STATICCHECK) ./...
	cd examples/chromedp && $(GO) vet ./... && $(STATICCHECK) ./...

## generate: regenerate gen/ from openapi.yaml.
generate:
	$(GO) generate ./...

## check-generated: regenerate the whole gen/ tree in a temporary copy and
## fail on any difference from gen/, a stale extra file included.
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -R . "$$tmp/src" && rm -rf "$$tmp/src/gen" && mkdir "$$tmp/src/gen" && \
	(cd "$$tmp/src" && $(GO) generate ./...) && \
	diff -ru gen "$$tmp/src/gen" && echo "gen/ is up to date"

## check-deps: a throwaway module that imports browseruse and browserusetest
## (through a replace directive) must not require the code generator.
check-deps:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; here=$$(pwd); \
	printf 'module example.com/consumer\n\ngo 1.26\n\nrequire github.com/browseruse-go/browseruse-go v0.0.0\n\nreplace github.com/browseruse-go/browseruse-go => %s\n' "$$here" > "$$tmp/go.mod"; \
	printf 'package main\n\nimport (\n\t_ "github.com/browseruse-go/browseruse-go/browseruse"\n\t_ "github.com/browseruse-go/browseruse-go/browserusetest"\n)\n\nfunc main() {}\n' > "$$tmp/main.go"; \
	(cd "$$tmp" && $(GO) mod tidy && $(GO) build ./...) || exit 1; \
	if grep -q 'oapi-codegen/oapi-codegen/v2' "$$tmp/go.mod"; then \
	  echo "a program importing browseruse requires the code generator:"; cat "$$tmp/go.mod"; exit 1; fi; \
	echo "consumer go.mod: $$(grep -c '^\s*[a-z].* v[0-9]' "$$tmp/go.mod") requirements, no code generator"

## drift: compare openapi.yaml with an upstream description (UPSTREAM) for
## the operations it covers; deliberate differences are listed in
## internal/cmd/specdrift/accepted.txt. Fails on any other difference.
drift:
	$(GO) run ./internal/cmd/specdrift -accept internal/cmd/specdrift/accepted.txt $(UPSTREAM)

## cover: coverage of browseruse/ (the facade), per function and in total.
cover:
	$(GO) test -count=1 -coverprofile=coverage.out -coverpkg=./browseruse/... ./browseruse/... .
	$(GO) tool cover -func=coverage.out | tail -n 1

## bench: BENCHROUNDS rounds of every benchmark of bench/, each round running
## all variants once, so that the variants are interleaved in time (a
## shared machine drifts); then medians per variant with benchstat.
bench:
	@rm -f bench-latest.txt; for i in $$(seq $(BENCHROUNDS)); do \
	  $(GO) test -run='^$$' -bench=. -benchmem -benchtime=$(BENCHTIME) -count=1 ./bench/ | tee -a bench-latest.txt || exit 1; \
	done
	$(BENCHSTAT) -col /variant bench-latest.txt

## fuzz: each fuzz target for FUZZTIME.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; $(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
