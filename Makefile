# drover: make demo (try it), make test (the suite), make test-vm (real-VM suite), make bench (drover vs ansible-playbook).
SHELL := /bin/bash
NODE_TEST := DROVER_SSH_CONFIG=none node --import tsx --test --test-concurrency=2 \
  --test-reporter=spec --test-reporter-destination=stdout --test-reporter=./test/support/failed-tests-reporter.mjs --test-reporter-destination=stderr
TEST_FILES = $(sort $(wildcard test/*.test.ts))
# Suites that boot QEMU guests with their own kernel (VLANs, nfsd, enforced quotas,
# qemu-driver scenarios): minutes each under software emulation, so not in `make test`; CI runs them.
VM_TEST_FILES = $(sort $(wildcard test/vm/*.test.ts))

.PHONY: all deps build typecheck test test-vm demo clean docs dist bench ansible-targets

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

test-vm: deps typecheck
	$(NODE_TEST) $(VM_TEST_FILES)

demo: deps build
	node dist/runner/demo.js

# drover vs ansible-playbook on the same disposable hosts; results in bench/results/.
# Not part of `make test`. Settings (see bench/run.ts): make bench BENCH_HOSTS=1,10 BENCH_ROUNDS=1
bench: deps build dist
	node dist/bench/run.js

# Ansible's own integration targets (test/ansible-targets/), run unchanged by drover and by
# ansible-playbook on fresh namespace hosts; the tally goes to test/ansible-targets/RESULTS.md.
# Not part of `make test` (ansible takes minutes per target). make ansible-targets TARGETS='stat copy'
ansible-targets: deps
	node --import tsx scripts/ansible-targets.ts $(TARGETS)

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

# The old Makefile + Ansible front, for hands that type it by habit:
#   make playbook PLAYBOOK=hub ENV=hub-dev GROUP=hub   ->  drover run playbooks/hub.yml ENV=hub-dev GROUP=hub
#   make check PLAYBOOK=hub ENV=hub-dev                ->  the same with --check --diff
# ARGS='...' passes more drover flags (e.g. ARGS='-l hub01 -v').
DROVER := node dist/runner/cli.js
DROVER_WORDS = playbooks/$(PLAYBOOK).yml $(if $(ENV),ENV=$(ENV)) $(if $(GROUP),GROUP=$(GROUP)) $(ARGS)

.PHONY: playbook check
playbook: build
	@test -n "$(PLAYBOOK)" || { echo 'usage: make playbook PLAYBOOK=NAME [ENV=NAME] [GROUP=NAME] [ARGS=...]' >&2; exit 5; }
	$(DROVER) run $(DROVER_WORDS)

check: build
	@test -n "$(PLAYBOOK)" || { echo 'usage: make check PLAYBOOK=NAME [ENV=NAME] [GROUP=NAME] [ARGS=...]' >&2; exit 5; }
	$(DROVER) run $(DROVER_WORDS) --check --diff
