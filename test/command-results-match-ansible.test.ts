// command and shell register what ansible-core 2.14 registers where its own
// command_shell target looks (test/fixtures/legacy-syntax/command-results.yml,
// recorded into expected-command-results.json by scripts/record-ansible-parity.ts):
// check mode's "would have run" message and skip, the creates/removes notes
// ("Would not run" under check mode), command's executable warning, chdir
// through a symlink landing in the physical directory, a boolean given for
// a text parameter used as 'True', and the ansible_python facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonEvents } from './support/cli.js';
import { outcomesOf, runParity, treeOf } from './support/parity.js';

test('command and shell results, check mode skips and Python facts are those of Ansible, twice over', async () => {
  const want = JSON.parse(await readFile('test/fixtures/legacy-syntax/expected-command-results.json', 'utf8')) as Record<string, unknown>;
  const root = await mkdtemp(join(tmpdir(), 'drover-command-results-'));
  try {
    const first = await runParity('command-results.yml', root);
    assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
    assert.deepEqual(outcomesOf(first), want.first);
    // Ansible converts `creates: yes` silently; drover does the same and says so.
    const warnings = jsonEvents(first.stdout).filter((e) => e.type === 'warning').map((e) => (e as { message: string }).message);
    assert.ok(warnings.some((w) => w.includes("parameter 'creates' is the boolean true, used as the text 'True'")), warnings.join('\n'));
    const second = await runParity('command-results.yml', root);
    assert.deepEqual(outcomesOf(second), want.second);
    assert.deepEqual(treeOf(root), want.tree);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
