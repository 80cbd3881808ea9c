// The hostile-input corpus (test/fixtures/invalid/, described in its README):
// every malformed playbook, inventory and vars file is refused before any host
// is contacted, with a clear error (file:line:col where a place exists, no
// stack trace) that matches its snapshot in test/fixtures/invalid/expected/.
// The fixtures run in this process through the same library calls as
// `drover run` (a spawn per fixture would cost ~2 s each); a few real CLI
// spawns prove the CLI prints exactly the same text and exits 5.
// UPDATE_SNAPSHOTS=1 rewrites the snapshots (review the diff before keeping it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveInvocation } from '../runner/cli-args.js';
import { EXIT, runPlaybook } from '../runner/engine/run.js';
import { defaultRegistry } from '../modules/registry.js';
import { InputError } from '../runner/errors.js';
import { runDrover } from './support/cli.js';

const corpus = 'test/fixtures/invalid';
const update = process.env.UPDATE_SNAPSHOTS === '1';

interface Case {
  /** Snapshot name: kind/file. */
  name: string;
  args: { playbook: string; inventory: string[]; extraVars: string[] };
}

const entries = (kind: string) => readdirSync(join(corpus, kind), { withFileTypes: true }).filter((e) => e.name !== 'parts').map((e) => e.name).sort();

/** playbook/*: run against hosts.ini; inventory/*: ok.yml against it; vars/*: ok.yml with -e @file. */
function corpusCases(): Case[] {
  const hosts = join(corpus, 'hosts.ini');
  const ok = join(corpus, 'ok.yml');
  return [
    ...entries('playbook').map((f) => ({ name: `playbook/${f}`, args: { playbook: join(corpus, 'playbook', f), inventory: [hosts], extraVars: [] } })),
    ...entries('inventory').map((f) => ({ name: `inventory/${f}`, args: { playbook: ok, inventory: [join(corpus, 'inventory', f)], extraVars: [] } })),
    ...entries('vars').map((f) => ({ name: `vars/${f}`, args: { playbook: ok, inventory: [hosts], extraVars: [`@${join(corpus, 'vars', f)}`] } })),
  ];
}

interface Outcome {
  code: number;
  stderr: string;
  /** Hosts drover tried to open a connection to. */
  contacted: string[];
}

/** What `drover run PLAYBOOK -i INV -e ...` does, minus the reporter: same calls, same error text as cli.ts main(). */
async function runInProcess(args: Case['args']): Promise<Outcome> {
  const contacted: string[] = [];
  try {
    const invocation = resolveInvocation(args.playbook, [], { inventory: args.inventory, extraVars: args.extraVars, tags: [], skipTags: [] });
    const summary = await runPlaybook({
      ...invocation,
      registry: defaultRegistry,
      onEvent: () => undefined,
      connect: (target) => {
        contacted.push(target.name);
        throw new Error(`drover tried to connect to ${target.name}`);
      },
    });
    return { code: summary.exitCode, stderr: '', contacted };
  } catch (error) {
    if (error instanceof InputError) return { code: EXIT.invalidInput, stderr: `ERROR! ${error.message}\n`, contacted };
    return { code: EXIT.internal, stderr: `internal error: ${(error as Error).stack}`, contacted };
  }
}

function snapshotPath(name: string): string {
  return join(corpus, 'expected', `${name}.txt`);
}

function matchSnapshot(name: string, actual: string): void {
  const path = snapshotPath(name);
  if (update || !existsSync(path)) {
    if (!update) assert.fail(`no snapshot ${path}; run with UPDATE_SNAPSHOTS=1 and review it`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.equal(actual, readFileSync(path, 'utf8'), `snapshot ${path}`);
}

/** What every error must look like: prefixed, no stack, no machine paths. */
function assertClearError(stderr: string): void {
  assert.match(stderr, /^ERROR! /);
  assert.doesNotMatch(stderr, /\n\s+at .+:\d+:\d+\)?\n|internal error|TypeError|RangeError|undefined is not|\[object Object\]/);
  assert.doesNotMatch(stderr, /\/(tmp|root|home|work)\//, 'no absolute machine paths');
}

const cases = corpusCases();

test('the corpus holds at least 50 malformed inputs', () => {
  assert.ok(cases.length >= 50, `${cases.length} cases`);
});

for (const c of cases) {
  test(`refused before any host is contacted: ${c.name}`, async () => {
    const outcome = await runInProcess(c.args);
    assert.deepEqual(outcome.contacted, [], 'no connection may be opened');
    assert.equal(outcome.code, EXIT.invalidInput, outcome.stderr);
    assertClearError(outcome.stderr);
    matchSnapshot(c.name, outcome.stderr);
  });
}

test('every snapshot belongs to a fixture (none left behind by a rename)', () => {
  const expected = new Set(cases.map((c) => `${c.name}.txt`));
  for (const kind of ['playbook', 'inventory', 'vars']) {
    for (const file of readdirSync(join(corpus, 'expected', kind))) assert.ok(expected.has(`${kind}/${file}`), `stale snapshot ${kind}/${file}`);
  }
});

// The real CLI on a sample of each kind: same text as the in-process run, exit 5, nothing on stdout.
const spawned = ['playbook/several-problems.yml', 'playbook/alias-bomb.yml', 'inventory/range-mixed.ini', 'vars/a-list.yml'];
for (const name of spawned) {
  test(`the CLI prints the same error and exits 5: ${name}`, async () => {
    const c = cases.find((x) => x.name === name)!;
    const args = ['run', c.args.playbook, ...c.args.inventory.flatMap((i) => ['-i', i]), ...c.args.extraVars.flatMap((e) => ['-e', e]), '--output', 'plain'];
    const r = await runDrover(args);
    assert.equal(r.code, EXIT.invalidInput, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, readFileSync(snapshotPath(name), 'utf8'));
  });
}

// Too big to commit: generated, then refused like the corpus. Their paths are
// outside the working directory, so the snapshot is the message with the
// temp directory shown as <tmp>.
test('generated monsters: deep nesting, deep blocks and a 1 MB playbook are refused with their place', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-invalid-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hosts = join(corpus, 'hosts.ini');
  const refuse = async (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const outcome = await runInProcess({ playbook: path, inventory: [hosts], extraVars: [] });
    assert.deepEqual(outcome.contacted, []);
    assert.equal(outcome.code, EXIT.invalidInput, outcome.stderr);
    return outcome.stderr.split(dir).join('<tmp>');
  };
  const deepList = await refuse('deep-list.yml', `- hosts: all\n  vars:\n    deep: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n  tasks: []\n`);
  assert.match(deepList, /^ERROR! <tmp>\/deep-list\.yml:3:\d+: YAML syntax error: nested too deeply/);

  const blocks = Array.from({ length: 1000 }, (_, i) => `${'  '.repeat(2 * i + 2)}- block:\n`).join('');
  const deepBlocks = await refuse('deep-blocks.yml', `- hosts: all\n  tasks:\n${blocks}${'  '.repeat(2002)}- command: "true"\n`);
  assert.match(deepBlocks, /^ERROR! <tmp>\/deep-blocks\.yml:\d+:\d+: YAML syntax error: nested too deeply/);

  const tasks = Array.from({ length: 25_000 }, (_, i) => `    - name: task ${i}\n      command: "echo ${i}"\n`).join('');
  const big = `- hosts: all\n  tasks:\n${tasks}    - name: broken\n      command: "true"\n       bad: indent\n`;
  assert.ok(big.length > 1_000_000);
  const huge = await refuse('huge.yml', big);
  assert.equal(huge.split('\n')[0], 'ERROR! <tmp>/huge.yml:50005:1: YAML syntax error: All mapping items must start at the same column');
});
