# Baton — build, test, run.
SHELL := /bin/bash
GO ?= go
FUNCTIONS := $(notdir $(patsubst %/main.go,%,$(wildcard functions/*/main.go)))
FUZZTIME ?= 5s
BUILD := build

.PHONY: dev test test-shifted vet fuzz bench loadtest check build deploy deps clean generate

## dev: run all of Baton locally on the embedded store, with the demo site
## (built, then run: `go run` exits 1 on Ctrl-C, which make reported as an error)
dev:
	$(GO) build -o $(BUILD)/dev/baton-local ./infra/local
	./$(BUILD)/dev/baton-local

## deps: install what the tests need besides Go modules: moto's server
## (DynamoDB, Streams, SQS; pip, only where missing) and tag/browser's
## Node packages as its lock file pins them (playwright-core, axe-core for
## the workspace's accessibility test, and Segment's Node SDK for the
## Segment API's test); a changed lock file installs again
deps: moto tag/browser/node_modules/playwright-core/package.json

.PHONY: moto
moto:
	@python3 -c 'import moto, moto.server, werkzeug, boto3; assert moto.__version__.startswith("5.")' 2>/dev/null || \
	  python3 -m pip install --quiet 'moto[server]==5.2.1'

tag/browser/node_modules/playwright-core/package.json: tag/browser/package-lock.json
	npm ci --prefix tag/browser --no-audit --no-fund
	touch $@

CLOCK := github.com/baton-hq/baton/internal/clock.skew
# staticcheck 2026.2.2 (module version v0.8.2), from the Go module proxy
STATICCHECK ?= v0.8.2

## test: format and vet checks, every test, the suite again with the clock
## moved two years forward and 40 days back (no test may meet the wall
## clock), and a short run of every fuzz target
test: deps vet
	$(GO) test -count=1 -timeout 30m ./...
	$(MAKE) --no-print-directory test-shifted
	$(MAKE) --no-print-directory fuzz

test-shifted:
	$(GO) test -count=1 -timeout 30m -ldflags '-X $(CLOCK)=17520h' ./...
	$(GO) test -count=1 -timeout 30m -ldflags '-X $(CLOCK)=-960h' ./...

vet:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path '*/node_modules/*')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed:"; echo "$$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) run honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK) ./...

## fuzz: run each fuzz target for FUZZTIME (infra/fuzz.sh)
fuzz:
	GO=$(GO) FUZZTIME=$(FUZZTIME) bash infra/fuzz.sh

## bench: Go benchmarks and the collect throughput comparison
bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...
	$(GO) run ./infra/bench
	@$(GO) test -count=1 -run 'TestWriteUnitsPerEvent$$' -v ./infra/deploy | grep '^cost:' 

## loadtest: the full load test (bounded, loopback only) with throughput and latency figures
loadtest:
	LOADTEST=full $(GO) test -count=1 -run 'TestLoad$$' -v ./infra/loadtest

# CONFIG: the configuration file packaged as each function's baton.yaml
# (BATON_CONFIG): infra/baton.yaml when present, else the example (which sets
# nothing). RULES: the rules file packaged as rules.yaml (BATON_RULES).
CONFIG ?= $(if $(wildcard infra/baton.yaml),infra/baton.yaml,infra/baton.example.yaml)
RULES ?= infra/rules.yaml

# CHECK: the pre-deploy check (infra/check), run with the Go toolchain even
# when GO is a stand-in (the tests build with GO=true).
CHECK ?= $(if $(filter true,$(GO)),go,$(GO)) run ./infra/check

## check: CONFIG and RULES parsed as the functions parse them at start-up;
## each problem as file:line: field: message, and a failure
check:
	@test -f "$(CONFIG)" || { echo "CONFIG=$(CONFIG): no such file"; exit 1; }
	@test -f "$(RULES)" || { echo "RULES=$(RULES): no such file"; exit 1; }
	@$(CHECK) -config "$(CONFIG)" -rules "$(RULES)"

## build: one bootstrap per Lambda function (provided.al2023, arm64), with
## the rules file (RULES) and the configuration file (CONFIG) beside it,
## once check passes (a file a function refuses never reaches AWS)
build: check
	@echo "config $(CONFIG), rules $(RULES)"
	@set -e; for f in $(FUNCTIONS); do \
	  echo "build $$f"; mkdir -p $(BUILD)/$$f; \
	  GOOS=linux GOARCH=arm64 CGO_ENABLED=0 $(GO) build -tags lambda.norpc -trimpath -ldflags='-s -w' -o $(BUILD)/$$f/bootstrap ./functions/$$f; \
	  cp "$(RULES)" $(BUILD)/$$f/rules.yaml; \
	  cp "$(CONFIG)" $(BUILD)/$$f/baton.yaml; \
	done

## deploy: build and deploy with AWS SAM (guided on first run)
deploy: build
	sam deploy --template-file template.yaml $(if $(wildcard samconfig.toml),,--guided)

## generate: rebuild the tag (tag/dist/t.js) from tag/src, and the vendored
## bot data (internal/enrichment/data/vendor) from the npm packages pinned in
## its PINS (npm pack; bot-data-latest moves the pins to the current versions)
generate:
	$(GO) generate ./tag
	$(GO) generate ./internal/enrichment

.PHONY: bot-data-latest
bot-data-latest:
	cd internal/enrichment && $(GO) run ./gen -latest
	$(GO) test -count=1 -run 'TestVendoredData|TestDetectionQuality' ./internal/enrichment

clean:
	rm -rf $(BUILD)
