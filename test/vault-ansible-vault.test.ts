// drover reads and writes Ansible Vault 1.1 exactly as the real ansible-vault
// does: files and encrypt_string values made by ansible-vault open with the
// password, files drover writes open with ansible-vault, and a wrong password
// or a changed byte is refused.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AnsibleVaultError, decryptAnsibleVault, encryptAnsibleVault } from '../runner/vault/ansible-vault.js';
import { ansibleEncryptString, ansibleVault, ansibleVaultFile, makeVaultDir, type VaultDir } from './support/vault.js';

let vault: VaultDir;
before(async () => (vault = await makeVaultDir()));
after(async () => vault?.remove());

const plaintext = 'db_password: "s3cr3t with spaces"\nlist:\n  - ünïcödé ✓\n';

test('a file encrypted by ansible-vault decrypts with its password', async () => {
  const path = await ansibleVaultFile(vault, 'from-ansible.yml', plaintext);
  const text = await readFile(path, 'utf8');
  assert.match(text, /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  assert.equal(decryptAnsibleVault(text, vault.ansiblePassword).toString('utf8'), plaintext);
});

test('a file with a vault id (1.2 header) decrypts too', async () => {
  const path = join(vault.dir, 'with-id.yml');
  await writeFile(path, plaintext);
  await ansibleVault(vault, ['encrypt', '--vault-id', `prod@${vault.passwordFile}`, '--encrypt-vault-id', 'prod', path]);
  const text = await readFile(path, 'utf8');
  assert.match(text, /^\$ANSIBLE_VAULT;1\.2;AES256;prod\n/);
  assert.equal(decryptAnsibleVault(text, vault.ansiblePassword).toString('utf8'), plaintext);
});

test('an encrypt_string value decrypts from the text of its !vault block', async () => {
  const printed = await ansibleEncryptString(vault, 'token', 'value-from-encrypt-string');
  assert.match(printed, /^token: !vault \|\n +\$ANSIBLE_VAULT;1\.1;AES256\n/);
  const payload = printed.split('\n').slice(1).map((l) => l.trim()).join('\n');
  assert.equal(decryptAnsibleVault(payload, vault.ansiblePassword).toString('utf8'), 'value-from-encrypt-string');
});

test('what drover encrypts, ansible-vault decrypts', async () => {
  const path = join(vault.dir, 'from-drover.yml');
  await writeFile(path, encryptAnsibleVault(plaintext, vault.ansiblePassword));
  assert.equal(await ansibleVault(vault, ['view', path]), plaintext);
});

test('a wrong password and a modified vault are refused, saying why', async () => {
  const text = await readFile(await ansibleVaultFile(vault, 'tamper.yml', plaintext), 'utf8');
  assert.throws(() => decryptAnsibleVault(text, 'not the password'), (e: Error) => e instanceof AnsibleVaultError && /password is wrong/.test(e.message));
  // Flip one hex digit of the ciphertext (near the end of the body): the HMAC no longer matches.
  const lines = text.trimEnd().split('\n');
  const last = lines.at(-1)!;
  lines[lines.length - 1] = last.slice(0, -2) + (last.at(-2) === '3' ? '4' : '3') + last.at(-1);
  assert.throws(() => decryptAnsibleVault(lines.join('\n'), vault.ansiblePassword), AnsibleVaultError);
  assert.throws(() => decryptAnsibleVault('$ANSIBLE_VAULT;1.0;AES\nabcd\n', vault.ansiblePassword), /unsupported Ansible Vault header/);
  assert.throws(() => decryptAnsibleVault('$ANSIBLE_VAULT;1.1;AES256\nnot hex\n', vault.ansiblePassword), /not hexadecimal/);
});
