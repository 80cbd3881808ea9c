// command, shell and copy register what ansible-core 2.14 registers where its own
// command_shell target looks (test/fixtures/legacy-syntax/command-results.yml,
// recorded into expected-command-results.json by scripts/record-ansible-parity.ts):
// check mode's "would have run" message and skip, the creates/removes notes
// ("Would not run" under check mode), command's executable warning, chdir
// through a symlink landing in the physical directory, a boolean given for
// a text parameter used as 'True', and the ansible_python facts. For its copy
// target: trees with symlinks (local_follow), vault sources (decrypt), $VARS in
// a remote_src path, and assert items that are empty or booleans.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonEvents, type CliResult } from './support/cli.js';
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

test('copy of a tree with links (followed and kept), of a vault file (raw, and without its password), remote_src with $VARS: as Ansible, twice over', async () => {
  const want = JSON.parse(await readFile('test/fixtures/legacy-syntax/expected-copy-links-vault.json', 'utf8')) as Record<string, unknown>;
  const root = await mkdtemp(join(tmpdir(), 'drover-copy-links-'));
  try {
    // No vault key from the caller's environment: the playbook is about having none. An empty
    // ANSIBLE_VAULT_PASSWORD_FILE would not do: as in Ansible, it names the current directory.
    delete process.env.ANSIBLE_VAULT_PASSWORD_FILE;
    const noKeys = { DROVER_VAULT_PASSWORD_FILE: '' };
    const inRepo = (r: CliResult) => outcomesOf(r).map((o) => (o.error ? { ...o, error: o.error.split(`${process.cwd()}/`).join('REPO/') } : o));
    const first = await runParity('copy-links-vault.yml', root, noKeys);
    assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
    assert.deepEqual(inRepo(first), want.first);
    const second = await runParity('copy-links-vault.yml', root, noKeys);
    assert.deepEqual(inRepo(second), want.second);
    assert.deepEqual(treeOf(root), want.tree);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
