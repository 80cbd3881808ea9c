// --vault-id LABEL@SOURCE as Ansible takes it: several secrets, the one whose
// label the vault's header names tried first, then every other; SOURCE alone
// means the label "default"; a wrong password file among them does not stop
// the right one. The vault is made by the real ansible-vault.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDrover } from './support/cli.js';
import { ansibleVault, makeVaultDir, type VaultDir } from './support/vault.js';

let vault: VaultDir;
let file: string;
let wrong: string;
before(async () => {
  vault = await makeVaultDir();
  file = join(vault.dir, 'secret.yml');
  wrong = join(vault.dir, 'wrong-password');
  await writeFile(wrong, 'not it\n');
  await writeFile(file, 'token: labelled-secret-value\n');
  // Encrypted for the default id: any label given on drover's side is only an order of trying.
  await ansibleVault(vault, ['encrypt', '--encrypt-vault-id', 'default', file]);
});
after(async () => {
  await vault?.remove();
});

test('every --vault-id secret is tried; labels and the bare-file form work as in Ansible', async () => {
  for (const ids of [[`prod@${wrong}`, `dev@${vault.passwordFile}`], [vault.passwordFile], [`${wrong}`, `default@${vault.passwordFile}`]]) {
    const r = await runDrover(['vault', 'view', file, ...ids.flatMap((id) => ['--vault-id', id])]);
    assert.equal(r.code, 0, `${ids.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, 'token: labelled-secret-value\n');
  }
  const none = await runDrover(['vault', 'view', file, '--vault-id', `prod@${wrong}`, '--vault-id', `qa@${wrong}`]);
  assert.equal(none.code, 5);
  assert.match(none.stderr, /none of the 2 vault passwords given \(prod, qa\) opens it/);
});
