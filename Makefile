# drover: make demo (try it), make test (what CI runs), make bench (later).
SHELL := /bin/bash
NODE_TEST := node --import tsx --test --test-concurrency=2
TEST_FILES = $(shell find test -name '*.test.ts' | sort)

.PHONY: all deps build typecheck test demo clean docs

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

# Generated documentation (keywords table from runner/playbook/keywords.ts).
docs: node_modules
	node --import tsx scripts/docs-keywords.ts > docs/keywords.md
