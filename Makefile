# The Go purchase client for Toss mini-apps. `make run` starts the demo;
# `make test` runs every test; `make bench` measures.
SHELL := /bin/bash
GO ?= go
GOROOT := $(shell $(GO) env GOROOT)
ADDR ?= 127.0.0.1:8080
DATA ?= ./data
WASM_EXEC := $(GOROOT)/lib/wasm/go_js_wasm_exec
# go_js_wasm_exec hands the environment to the wasm, which must stay under
# 8 KiB with the arguments: the js/wasm tests run with a trimmed one.
WASM_ENV := env -i PATH="$(PATH)" HOME="$(HOME)" GOCACHE="$(shell $(GO) env GOCACHE)" GOMODCACHE="$(shell $(GO) env GOMODCACHE)" GOFLAGS="$(GOFLAGS)" GOOS=js GOARCH=wasm
GO_SOURCES := $(shell find internal/wasm bridge cmd/goiap -name '*.go' -not -name '*_test.go') go.mod go.sum
# The packages built for js/wasm. The server's (grant, its stores, tossapi,
# cmd/grantserver) are native only: the SQLite driver has no js/wasm port,
# so ./... cannot be vetted or linted for js.
JS_PACKAGES := ./internal/wasm/... ./bridge/... ./cmd/goiap/... ./examples/miniapp/wasm/...

.PHONY: build run test lint test-go-wasm test-go test-node test-node-floor test-browser test-package package example test-example chromium bench soak compat clean

build: web/main.wasm web/wasm_exec.js web/main.wasm.br web/wasm-url.js web/node_modules/.package-lock.json web/node_modules/.goiap-compressed

web/main.wasm: $(GO_SOURCES)
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o $@ ./cmd/goiap

# wasm_exec.js must come from the toolchain that built main.wasm.
web/wasm_exec.js: web/main.wasm
	cp "$(GOROOT)/lib/wasm/wasm_exec.js" $@

# Compressed once, at the highest quality, for the server to send by
# Accept-Encoding: it never compresses on the fly.
web/main.wasm.br: web/main.wasm web/wasm_exec.js scripts/compress.mjs
	node scripts/compress.mjs web/main.wasm web/wasm_exec.js

# main.wasm again under the hash of its content (main.<12 hex>.wasm, with
# its .br/.gz), which the server lets browsers keep for good, and the
# module that names it for the page.
web/wasm-url.js: web/main.wasm web/main.wasm.br scripts/hashname.mjs
	node scripts/hashname.mjs web/main.wasm $@

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && npm ci --no-audit --no-fund

# The page's other files and the SDK modules it imports, precompressed as
# well (the stamp sits where the server sends nothing from).
WEB_STATIC := $(wildcard web/*.html web/*.css web/sim/*.js) $(filter-out web/wasm_exec.js web/wasm-url.js,$(wildcard web/*.js))
SDK_MODULES = $(wildcard web/node_modules/@apps-in-toss/*/dist/*.js)
web/node_modules/.goiap-compressed: $(WEB_STATIC) web/wasm-url.js web/node_modules/.package-lock.json scripts/compress.mjs
	node scripts/compress.mjs $(WEB_STATIC) web/wasm-url.js $(SDK_MODULES) >/dev/null
	touch $@

# The demo: the Toss API simulator (unless TOSS_API is set) and the grant
# server in dev mode, speaking mTLS to it. TOSS_API, MTLS_CERT, MTLS_KEY,
# TOSS_CA and REFUND_SWEEP are passed through.
run: build
	GO="$(GO)" ADDR="$(ADDR)" DATA="$(DATA)" WEB=web DATABASE_URL="$(DATABASE_URL)" TOSS_API="$(TOSS_API)" MTLS_CERT="$(MTLS_CERT)" \
	  MTLS_KEY="$(MTLS_KEY)" TOSS_CA="$(TOSS_CA)" REFUND_SWEEP="$(REFUND_SWEEP)" bash scripts/run.sh

# The PostgreSQL tests read GOIAP_TEST_DATABASE_URL, a postgres:// URL of a
# role that may create databases and roles (each test makes its own database
# and drops it); .ci/postgres.sh sets one up on the local server. Without it
# they try the local socket as the postgres role, and skip if that fails.
test: build lint test-go test-go-wasm test-node test-node-floor test-browser test-package test-example

# staticcheck, pinned, over every package, for the native build and for
# js/wasm (the client's files are js-only). The binary is built for this
# machine once, under .bin/, and then run with each GOOS.
STATICCHECK_VERSION := v0.8.2
STATICCHECK := .bin/staticcheck-$(STATICCHECK_VERSION)
lint: $(STATICCHECK)
	$(STATICCHECK) ./...
	GOOS=js GOARCH=wasm $(STATICCHECK) $(JS_PACKAGES)

$(STATICCHECK):
	mkdir -p .bin
	GOBIN="$(CURDIR)/.bin/tmp" $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)
	mv .bin/tmp/staticcheck $@ && rmdir .bin/tmp

test-go:
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-go-wasm:
	GOOS=js GOARCH=wasm $(GO) vet $(JS_PACKAGES)
	$(WASM_ENV) $(GO) test -count=1 -timeout 300s -exec "$(WASM_EXEC)" ./internal/wasm/... ./bridge/... ./cmd/goiap/...

test-node: build
	cd web && node --test --test-concurrency=1 test/*.test.js

# The supported floor, SDK 2.0.1, from its own lockfile in web/floor (never
# web/'s): the flows and the version gates, where releases
# differ; make compat runs everything on every 2.x release. On 2.0.1 the
# recover tests' process lingers about 25 s after its last test has passed
# (not on 2.10.8); --test-force-exit ends it then.
FLOOR_DIR := web/floor
test-node-floor: build $(FLOOR_DIR)/node_modules/.package-lock.json
	cd web && GOIAP_SDK_DIR=$(CURDIR)/$(FLOOR_DIR) node --test --test-concurrency=1 --test-force-exit \
	  test/smoke.test.js test/purchase.test.js test/recover.test.js test/subscription.test.js test/versions.test.js

$(FLOOR_DIR)/node_modules/.package-lock.json: $(FLOOR_DIR)/package-lock.json
	cd $(FLOOR_DIR) && npm ci --no-audit --no-fund

# The npm package: build/npm/goiap/ and its tarball (VERSION=X.Y.Z, default
# the v-tag of this commit, else 0.0.0-dev).
package: build
	@mkdir -p build
	node npm/build.mjs > build/npm.tarball || { rm -f build/npm.tarball; exit 1; }
	@cat build/npm.tarball

# The tarball installed into an empty project, imported and type-checked.
test-package: package
	GOIAP_TARBALL=$$(cat build/npm.tarball) node --test npm/package.test.mjs

# examples/miniapp built with Vite from a copy in build/miniapp: its own Go
# program to its own main.wasm, and in place of its package.json the
# committed examples/miniapp/ci/ manifest and lockfile (@apps-in-toss/web-bridge
# in place of web-framework; examples/miniapp-ci.mjs), installed with npm ci;
# goiap is then unpacked from the tarball into node_modules, outside the lock.
EXAMPLE_BUILD := build/miniapp
example: package $(EXAMPLE_BUILD)/node_modules/.package-lock.json
	GOOS=js GOARCH=wasm $(GO) build -trimpath -ldflags="-s -w" -o examples/miniapp/wasm/main.wasm ./examples/miniapp/wasm
	tar -C examples/miniapp -cf - --exclude=./node_modules --exclude=./dist --exclude=./ci --exclude=./package.json . | tar -C $(EXAMPLE_BUILD) -xf -
	node examples/miniapp-ci.mjs $(EXAMPLE_BUILD)
	rm -rf $(EXAMPLE_BUILD)/node_modules/goiap $(EXAMPLE_BUILD)/dist # the tarball changes under one version
	mkdir -p $(EXAMPLE_BUILD)/node_modules/goiap && tar -xzf $$(cat build/npm.tarball) -C $(EXAMPLE_BUILD)/node_modules/goiap --strip-components=1
	cd $(EXAMPLE_BUILD) && npx tsc -p tsconfig.ci.json && GOIAP_SDK=web-bridge npx vite build

$(EXAMPLE_BUILD)/node_modules/.package-lock.json: examples/miniapp/ci/package.json examples/miniapp/ci/package-lock.json
	mkdir -p $(EXAMPLE_BUILD)
	cp examples/miniapp/ci/package.json examples/miniapp/ci/package-lock.json $(EXAMPLE_BUILD)/
	cd $(EXAMPLE_BUILD) && npm ci --no-audit --no-fund --loglevel=error

# The built example in chromium over the simulated Toss app: buys until the
# daily limit refuses.
test-example: example chromium
	node --test examples/miniapp.e2e.test.mjs

# Every 2.x release, one after another; updates the README's table.
compat: build
	bash compat/run.sh

# The browser test drives Debian's chromium; no test tool downloads a browser.
test-browser: build chromium
	cd web && node --test --test-concurrency=1 e2e/

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; \
	  else echo "the browser test needs Debian's chromium: apt-get install chromium" >&2; exit 1; fi; }

bench: build
	bash bench/run.sh

# The long runs: the property test with many more seeded chaos flows, then
# every Go fuzz target for FUZZTIME each. Not part of make test.
SOAK_FLOWS ?= 100000
FUZZTIME ?= 3m
soak: build
	cd web && GOIAP_FLOWS=$(SOAK_FLOWS) node --test --test-timeout=0 test/property.test.js
	@set -e; for pkg in ./internal/wasm ./bridge ./cmd/goiap; do \
	  for target in $$(grep -ho '^func Fuzz[A-Za-z0-9_]*' $$pkg/*_test.go | cut -c6-); do \
	    echo "== fuzz $$pkg $$target ($(FUZZTIME))"; \
	    $(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) $$pkg; \
	  done; \
	done

clean:
	rm -f web/main.wasm web/wasm_exec.js web/main.*.wasm web/main.*.wasm.br web/main.*.wasm.gz web/wasm-url.js web/main.wasm.br web/main.wasm.gz web/wasm_exec.js.br web/wasm_exec.js.gz
	rm -rf build .cache
