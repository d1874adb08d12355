# Go 1.27.3 fixes standard-library advisories of the machine's Go; the go
# command fetches it from the module proxy on first use.
export GOTOOLCHAIN := go1.27.3
GO ?= go
BIN := bin/traguardo

.DEFAULT_GOAL := help
.PHONY: help run build test test-deps generate check-generated lint bench bench-smoke bench-go reliability reliability-load vendor-js fonts

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: build ## Start the application with the demo data on http://localhost:8080
	./$(BIN) serve --demo

build: ## Build the binary into bin/
	$(GO) build -o $(BIN) ./cmd/traguardo

test: test-deps check-generated ## Run every test (a private PostgreSQL and a headless Chromium start by themselves)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 70m ./...
	$(MAKE) --no-print-directory fuzz-smoke

test-deps: ## Check the programs the tests need; as root with apt-get, install the missing ones, else print the apt-get line
	$(GO) run ./cmd/testdeps

generate: ## Regenerate the templ components (*_templ.go)
	$(GO) tool templ generate

check-generated: ## Fail when a *_templ.go file does not match its .templ source
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp -r go.mod web internal "$$tmp/" && \
	$(GO) tool templ generate -path "$$tmp" >/dev/null 2>&1 && \
	diff -r -q web "$$tmp/web" && diff -r -q internal "$$tmp/internal" || { echo "generated templ code is stale: run 'make generate' and commit"; exit 1; }

lint: ## Run gofmt, go vet, staticcheck, go mod verify and govulncheck (tools of go.mod)
	@unformatted=$$("$$($(GO) env GOROOT)/bin/gofmt" -l cmd internal web migrations | grep -v '_templ\.go$$'); if [ -n "$$unformatted" ]; then echo "gofmt would change: $$unformatted"; exit 1; fi
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	$(GO) mod verify
	$(MAKE) --no-print-directory vulncheck

# Vendored Bootstrap Italia, built from its npm package (see
# web/static/vendor/bootstrap-italia/VERSION); not part of make test: run
# after changing scripts/vendor/ and commit what they write.
vendor-js: ## Bundle the Bootstrap Italia plugins the pages use (npm, esbuild via go run)
	sh scripts/vendor/bootstrap-italia-js.sh

fonts: ## Subset the web fonts the pages use and write css/fonts.css (npm, pyftsubset)
	sh scripts/vendor/fonts.sh

bench: ## Drive the application at the size of a large body; write BENCHMARKS.md (a few minutes)
	$(GO) run ./cmd/bench -out BENCHMARKS.md

bench-smoke: ## The benchmark's harness, briefly on a tiny plan (seconds; make test runs it too)
	$(GO) test -count=1 -run '^TestSmoke$$' ./internal/bench

bench-go: ## Run the Go micro-benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...

# Reliability: the load with faults (RELIABILITY_DURATION, default 2m);
# then every fuzz target for FUZZTIME (default 1m each, below).
RELIABILITY_DURATION ?= 2m

reliability: reliability-load fuzz ## Load with faults (PostgreSQL restart, SIGKILL of the app), then every fuzz target for FUZZTIME

reliability-load: build ## 50 managers saving for RELIABILITY_DURATION while PostgreSQL restarts and the app is killed
	$(GO) run ./cmd/reliability -bin $(BIN) -duration $(RELIABILITY_DURATION)

# Supply chain: govulncheck against an offline copy of the Go vulnerability
# database, built from the module golang.org/x/vulndb (its data/osv folder)
# with its own cmd/indexdb, once per version, into the user's cache.
.PHONY: vulncheck
VULNDB_VERSION ?= v0.0.0-20261105234957-e22db6528018
VULNDB_DIR ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/traguardo/vulndb/$(VULNDB_VERSION)
vulncheck: ## Run govulncheck on an offline vulnerability database built from golang.org/x/vulndb
	@if [ ! -f "$(VULNDB_DIR)/index/db.json" ]; then \
	  echo "building the vulnerability database $(VULNDB_VERSION) into $(VULNDB_DIR)"; \
	  osv="$$($(GO) mod download -json golang.org/x/vulndb@$(VULNDB_VERSION) | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p')/data/osv" && \
	  test -d "$$osv" && rm -rf "$(VULNDB_DIR).tmp" && mkdir -p "$(VULNDB_DIR).tmp" && \
	  $(GO) run golang.org/x/vulndb/cmd/indexdb@$(VULNDB_VERSION) -vulns "$$osv" -out "$(VULNDB_DIR).tmp" && \
	  rm -rf "$(VULNDB_DIR)" && mv "$(VULNDB_DIR).tmp" "$(VULNDB_DIR)"; \
	fi
	$(GO) tool govulncheck -db "file://$(VULNDB_DIR)" ./...

# Fuzzing: each target of FUZZ_TARGETS (package:Fuzz function) runs on its
# own (go test -fuzz takes one at a time) for FUZZTIME. Inputs that fail go
# to the package's testdata/fuzz/, which plain go test then replays.
.PHONY: fuzz fuzz-smoke
FUZZTIME ?= 1m
FUZZ_TARGETS := \
	./internal/interchange:FuzzRead ./internal/interchange:FuzzSpan \
	./internal/spreadsheet:FuzzReadPlan ./internal/spreadsheet:FuzzReadPlanCell \
	./internal/domain:FuzzParseMonth ./internal/domain:FuzzSpanLabel \
	./web/components:FuzzParseNumber ./web/components:FuzzParseDay \
	./internal/richtext:FuzzSanitize
fuzz: ## Run every fuzz target for FUZZTIME each (default 1m; e.g. make fuzz FUZZTIME=10m)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  echo "fuzz $${t#*:} ($${t%%:*}) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) "$${t%%:*}"; \
	done

fuzz-smoke: ## Run every fuzz target briefly (2s each; make test runs it)
	@$(MAKE) --no-print-directory fuzz FUZZTIME=2s
