# kubectl-sock — see README.md. Every target installs what it needs itself.
SHELL := /bin/bash
NODE := node_modules/.bin/node
TSC := node_modules/.bin/tsc
PREFIX ?= $(HOME)/.local/bin
STAMP := node_modules/.package-lock.json


.PHONY: all build deps typecheck test test-unit test-e2e test-real demo bench install uninstall clean

all: build

# Dependencies come from the lockfile only (npm ci), and only when it changed.
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(STAMP)

deps: $(STAMP)

SOURCES := $(shell find plugin -name '*.ts') scripts/build.mjs scripts/package.mjs tsconfig.json

typecheck: deps
	$(TSC) -p tsconfig.json

# The binary is rebuilt only when a source changed; the smoke test runs it with no Node around.
dist/kubectl-sock: $(STAMP) $(SOURCES)
	$(TSC) -p tsconfig.json
	$(NODE) scripts/build.mjs
	$(NODE) scripts/package.mjs
	env -i PATH=/usr/bin:/bin dist/kubectl-sock version --client >/dev/null

build: dist/kubectl-sock

# All tiers; the closing line is "N passed, N failed".
test: build
	$(NODE) test/run.ts unit e2e real

test-unit: deps
	$(NODE) test/run.ts unit

test-e2e: build
	$(NODE) test/run.ts e2e

test-real: build
	$(NODE) test/run.ts real

demo: build
	scripts/demo

bench: build
	$(NODE) scripts/bench.ts

install: build
	install -d $(PREFIX)
	install -m 0755 dist/kubectl-sock $(PREFIX)/kubectl-sock

uninstall:
	rm -f $(PREFIX)/kubectl-sock

clean:
	rm -rf dist .build
