# kubectl-sock — see README.md. Every target installs what it needs itself.
SHELL := /bin/bash
NODE := node_modules/.bin/node
TSC := node_modules/.bin/tsc
PREFIX ?= $(HOME)/.local/bin
STAMP := node_modules/.package-lock.json


.PHONY: all build deps typecheck test test-unit test-e2e test-real test-kubectl-suite fuzz control-plane demo demo-quick bench install uninstall release clean verify-systemd

all: build

# Dependencies come from the lockfile only (npm ci), and only when it changed.
$(STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(STAMP)

deps: $(STAMP)

SOURCES := $(shell find plugin -name '*.ts') $(wildcard scripts/code-cache/*) scripts/build.mjs scripts/package.mjs scripts/pkg-sea.ts tsconfig.json

typecheck: deps
	$(TSC) -p tsconfig.json

# The binary is rebuilt only when a source changed.
dist/kubectl-sock: $(STAMP) $(SOURCES)
	$(TSC) -p tsconfig.json
	$(NODE) scripts/build.mjs
	$(NODE) scripts/package.mjs
	@# The smoke test: it runs with no Node around, and its code cache is accepted (nothing on stderr).
	test -z "$$(env -i PATH=/usr/bin:/bin KUBECTL_SOCK_DEBUG=1 dist/kubectl-sock version --client 2>&1 >/dev/null)"

build: dist/kubectl-sock

# All tiers; the closing line is "N passed, N failed". The real tier's control
# plane (kube-apiserver + etcd from Go modules) is built first, visibly, and cached.
test: build control-plane
	$(NODE) test/run.ts unit e2e real

# kube-controller-manager and kubectl-convert too: kubectl's suite (below) needs them.
control-plane:
	KSOCK_CP_CONTROLLER_MANAGER=1 KSOCK_CP_KUBECTL_CONVERT=1 scripts/control-plane build

# kubectl's own CLI suite (test/cmd of k8s.io/kubernetes@v1.33.1, read in place
# from the Go module cache) through kubectl-sock over a unix socket, and the
# control run with the real kubectl.1.33 over TLS; prints the table of both
# (test/kubectl-suite/README.md). make test runs the pinned subset.
test-kubectl-suite: build control-plane
	$(NODE) test/kubectl-suite/run.ts $(KSUITE_ARGS)

# Long hardening runs, not in CI: property tests try many more inputs with a
# fresh seed (printed, replay with KSOCK_FUZZ_SEED=N), and load tests run longer.
fuzz: build
	KSOCK_FUZZ=1 $(NODE) test/run.ts unit e2e

test-unit: deps
	$(NODE) test/run.ts unit

test-e2e: build
	$(NODE) test/run.ts e2e

test-real: build control-plane
	$(NODE) test/run.ts real

# The main job on a real API server behind a unix socket (builds the control plane on first use).
demo: build
	scripts/demo-real

# The same story in seconds, on the project's fake API server.
demo-quick: build
	scripts/demo

bench: build
	$(NODE) scripts/bench.ts

# docs/kubectl-sock.service under a real systemd (PID 1 in a systemd-nspawn container over an
# overlay of this machine's root); also part of the real tier. Needs root.
verify-systemd: build
	scripts/verify-systemd-unit

install: build
	install -d $(PREFIX)
	install -m 0755 dist/kubectl-sock $(PREFIX)/kubectl-sock
	install -m 0755 plugin/kubectl_complete-sock $(PREFIX)/kubectl_complete-sock

uninstall:
	rm -f $(PREFIX)/kubectl-sock $(PREFIX)/kubectl_complete-sock

# dist/release/: an archive per platform (linux amd64/arm64, windows amd64),
# sha256sums.txt and the krew manifest sock.yaml (docs/release.md). The binary
# is rebuilt first, so that it carries the checked-out commit even when no
# source changed since the last build. RELEASE_URL_BASE sets the manifest's
# download folder, SOURCE_DATE_EPOCH the archives' mtimes.
release: deps
	rm -f dist/kubectl-sock
	$(MAKE) --no-print-directory build
	$(NODE) scripts/release.ts

clean:
	rm -rf dist .build
