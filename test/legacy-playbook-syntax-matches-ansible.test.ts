// key=value arguments, action:/local_action:, args: merging, and boolean or
// numeric strings in parameters: drover's statuses, messages and the files
// left behind (two runs) equal what ansible-core 2.14 recorded for the same
// playbook (test/fixtures/legacy-syntax/expected-*.json, recorded by
// scripts/record-ansible-parity.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomesOf, runParity, treeOf } from './support/parity.js';

async function expected(name: string) {
  return JSON.parse(await readFile(`test/fixtures/legacy-syntax/expected-${name}.json`, 'utf8')) as Record<string, unknown>;
}

test('key=value, action, local_action, args and boolean strings end as in Ansible, and a second run changes what Ansible changes', async () => {
  const want = await expected('kv');
  const root = await mkdtemp(join(tmpdir(), 'drover-kv-'));
  try {
    const first = await runParity('kv.yml', root);
    assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
    assert.deepEqual(outcomesOf(first), want.first);
    const second = await runParity('kv.yml', root);
    assert.deepEqual(outcomesOf(second), want.second);
    assert.deepEqual(treeOf(root), want.tree);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('lookups, query/q, with_NAME loops and loop_control.extended give what Ansible gives, in a role and in the play', async () => {
  const want = await expected('lookups');
  const root = await mkdtemp(join(tmpdir(), 'drover-lookups-'));
  // The generated password is random: its file's place and mode are compared, not its text.
  const masked = (tree: unknown) => (tree as { path: string; content?: string }[]).map((e) => (e.path === 'pw/made' ? { ...e, content: 'RANDOM' } : e));
  try {
    const first = await runParity('lookups.yml', root, { LOOKUP_TEST: 'from-env' });
    assert.deepEqual(outcomesOf(first), want.first, first.stderr);
    const second = await runParity('lookups.yml', root, { LOOKUP_TEST: 'from-env' });
    assert.deepEqual(outcomesOf(second), want.second);
    assert.deepEqual(masked(treeOf(root)), masked(want.tree));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
