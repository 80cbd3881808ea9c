// Vault material for tests, made fresh each time: an age identity in a temp
// directory, and Ansible Vault files made by the real `ansible-vault`
// (Debian's ansible-core), so drover is checked against the tool users have.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { newIdentity } from '../../runner/vault/age.js';

const run = promisify(execFile);

export interface VaultDir {
  dir: string;
  identityFile: string;
  recipient: string;
  /** An Ansible Vault password file holding `ansiblePassword`. */
  passwordFile: string;
  ansiblePassword: string;
  remove(): Promise<void>;
}

export async function makeVaultDir(prefix = 'drover-vault-'): Promise<VaultDir> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const { identity, recipient } = await newIdentity();
  const identityFile = join(dir, 'identity.txt');
  await writeFile(identityFile, `# public key: ${recipient}\n${identity}\n`, { mode: 0o600 });
  const ansiblePassword = 'correct horse battery staple';
  const passwordFile = join(dir, 'vault-password');
  await writeFile(passwordFile, `${ansiblePassword}\n`, { mode: 0o600 });
  return { dir, identityFile, recipient, passwordFile, ansiblePassword, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Run the real ansible-vault with the password file; returns stdout. */
export async function ansibleVault(vault: VaultDir, args: string[], stdin?: string): Promise<string> {
  const env = { ...process.env, ANSIBLE_LOCAL_TEMP: join(vault.dir, '.ansible-tmp'), ANSIBLE_NOCOLOR: '1' };
  const child = run('ansible-vault', [...args, '--vault-password-file', vault.passwordFile], { cwd: vault.dir, env });
  child.child.stdin?.end(stdin ?? '');
  return (await child).stdout;
}

/** A file made by `ansible-vault encrypt` from `plaintext`. */
export async function ansibleVaultFile(vault: VaultDir, name: string, plaintext: string): Promise<string> {
  const path = join(vault.dir, name);
  await writeFile(path, plaintext);
  await ansibleVault(vault, ['encrypt', path]);
  return path;
}

/** `NAME: !vault |` + Ansible payload, as `ansible-vault encrypt_string` prints it. */
export function ansibleEncryptString(vault: VaultDir, name: string, value: string): Promise<string> {
  return ansibleVault(vault, ['encrypt_string', '--stdin-name', name], value);
}
