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
