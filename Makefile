# drover: make demo (try it), make test (what CI runs), make bench (later).
SHELL := /bin/bash
NODE_TEST := node --import tsx --test --test-concurrency=2
TEST_FILES = $(shell find test -name '*.test.ts' | sort)

.PHONY: all deps build typecheck test demo clean docs dist

all: build

node_modules: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch node_modules

deps: node_modules
	@bash .ci/install-system-deps

build: node_modules
	npx tsc -p tsconfig.json

typecheck: node_modules
	npx tsc -p tsconfig.json --noEmit

# The whole suite: type check, then every test (unit and real-SSH integration).
test: deps typecheck
	$(NODE_TEST) $(TEST_FILES)

demo: deps build
	node dist/runner/demo.js

clean:
	rm -rf dist

# Generated documentation: keywords table (runner/playbook/keywords.ts) and modules (the module registry).
docs: node_modules
	node --import tsx scripts/docs-keywords.ts > docs/keywords.md
	node --import tsx scripts/docs-modules.ts

# One-file install for bastion hosts: dist/drover.mjs runs with only Node 20.
# ssh2's optional native add-ons stay out; its pure-JS code path is used.
dist: node_modules
	node scripts/bundle.mjs dist/drover.mjs
