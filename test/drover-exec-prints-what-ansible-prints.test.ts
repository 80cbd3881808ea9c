// drover exec, Ansible's ad-hoc command: on two fresh namespace hosts (and one
// that refuses connections) it prints what Debian's `ansible` 2.14 printed for
// the same commands (test/fixtures/adhoc/expected.json, recorded by
// scripts/record-adhoc-oracle.ts), byte for byte, with the same exit codes;
// and what it changed is really there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover } from './support/cli.js';
import { ADHOC_CASES, adHocGround, normalized, type AdHocOutcome } from './support/adhoc-cases.js';

let ground: TestGround | undefined;
let dir: string;
let inventory: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-exec-'));
  ({ ground, inventory } = await adHocGround(dir));
});

after(async () => {
  await ground?.stop();
  await rm(dir, { recursive: true, force: true });
});

test('every recorded ad-hoc command prints what ansible printed and exits as it did', async () => {
  const expected = JSON.parse(await readFile('test/fixtures/adhoc/expected.json', 'utf8')) as AdHocOutcome[];
  assert.equal(expected.length, ADHOC_CASES.length);
  for (const [i, { name, args }] of ADHOC_CASES.entries()) {
    const run = await runDrover(['exec', '-i', inventory, '-f', '1', '--no-log', ...args]);
    assert.deepEqual({ name, code: run.code, stdout: normalized(run.stdout) }, expected[i], run.stderr);
  }
  // The touched file exists on both hosts; the one planned under --check does not.
  for (const host of ['node1', 'node2']) {
    assert.equal((await ground!.exec(host, ['test', '-f', '/root/adhoc-touched'])).rc, 0);
    assert.notEqual((await ground!.exec(host, ['test', '-e', '/root/adhoc-planned'])).rc, 0);
  }
});

test('command without -a, and import_playbook, are refused before any host is contacted', async () => {
  const bare = await runDrover(['exec', '-i', inventory, '--no-log', 'nodes']);
  assert.equal(bare.code, 5);
  assert.equal(bare.stderr, 'ERROR! No argument passed to command module\n');
  const play = await runDrover(['exec', '-i', inventory, '--no-log', 'nodes', '-m', 'import_playbook', '-a', 'x.yml']);
  assert.equal(play.code, 5);
  assert.match(play.stderr, /'import_playbook' is not a valid action for ad-hoc commands/);
});

test('--list-hosts prints the hosts of the pattern as ansible does', async () => {
  const run = await runDrover(['exec', '-i', inventory, 'nodes:!node2', '--list-hosts']);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '  hosts (1):\n    node1\n');
});
