# Go 1.27.3 fixes standard-library advisories of the machine's Go; the go
# command fetches it from the module proxy on first use.
export GOTOOLCHAIN := go1.27.3
GO ?= go
BIN := bin/traguardo

.DEFAULT_GOAL := help
.PHONY: help run build test generate check-generated lint bench bench-smoke bench-go

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

run: build ## Start the application with the demo data on http://localhost:8080
	./$(BIN) serve --demo

build: ## Build the binary into bin/
	$(GO) build -o $(BIN) ./cmd/traguardo

test: check-generated ## Run every test (a private PostgreSQL and a headless Chromium start by themselves)
	$(GO) vet ./...
	$(GO) test -race -count=1 ./...

generate: ## Regenerate the templ components (*_templ.go)
	$(GO) tool templ generate

check-generated: ## Fail when a *_templ.go file does not match its .templ source
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && cp -r go.mod web "$$tmp/" && \
	$(GO) tool templ generate -path "$$tmp" >/dev/null 2>&1 && \
	diff -r -q web "$$tmp/web" || { echo "generated templ code is stale: run 'make generate' and commit"; exit 1; }

lint: ## Run go vet and staticcheck (a tool of go.mod)
	$(GO) vet ./...
	$(GO) tool staticcheck ./...

bench: ## Drive the application at the size of a large body; write BENCHMARKS.md (a few minutes)
	$(GO) run ./cmd/bench -out BENCHMARKS.md

bench-smoke: ## The benchmark's harness, briefly on a tiny plan (seconds; make test runs it too)
	$(GO) test -count=1 -run '^TestSmoke$$' ./internal/bench

bench-go: ## Run the Go micro-benchmarks
	$(GO) test -run '^$$' -bench . -benchmem ./...
