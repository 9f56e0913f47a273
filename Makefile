# browseruse-go: the README's commands. Needs only Go (and the module proxy).
GO          ?= go
STATICCHECK ?= $(GO) run honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 30s
BENCHCOUNT  ?= 10

.PHONY: test lint generate check-generated cover bench fuzz

## test: lint, then every test (fuzz seeds included) under the race detector,
## then the load test of bench/ (160,000 calls), which is built without -race.
test: lint
	$(GO) test -race -count=1 ./...
	$(GO) test -count=1 -run '^Test' ./bench/

## lint: gofmt, go vet and staticcheck must be clean.
lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(STATICCHECK) ./...

## generate: regenerate gen/ from openapi.yaml.
generate:
	$(GO) generate ./...

## check-generated: regenerate in a temporary copy and fail on any difference from gen/.
check-generated:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cp -R . "$$tmp/src" && rm -f "$$tmp"/src/gen/*.go && \
	(cd "$$tmp/src" && $(GO) generate ./...) && \
	diff -ru gen "$$tmp/src/gen" && echo "gen/ is up to date"

## cover: coverage of browseruse/ (the facade), per function and in total.
cover:
	$(GO) test -count=1 -coverprofile=coverage.out -coverpkg=./browseruse/... ./browseruse/... .
	$(GO) tool cover -func=coverage.out | tail -n 1

## bench: the benchmarks of bench/, medians of BENCHCOUNT runs with benchstat (see README).
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -count=$(BENCHCOUNT) ./bench/ | tee bench-latest.txt
	$(GO) run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /variant bench-latest.txt

## fuzz: each fuzz target for FUZZTIME.
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
	    echo "== $$pkg $$target"; $(GO) test -run='^$$' -fuzz="^$$target$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done
