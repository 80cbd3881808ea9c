// `drover vault` as a user runs it (results are checked in-process where the
// CLI adds nothing, since each drover process costs seconds): keygen, encrypt (recipients found in the
// nearest .drover-recipients), view, decrypt, encrypt-string, edit through
// $EDITOR on a private temp file, Ansible Vault files read and edited in their
// own format, and rekey migrating Ansible Vault (whole files and inline
// values) to age. Ansible's side is checked with the real ansible-vault.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadInventory } from '../runner/inventory/index.js';
import { encryptAge } from '../runner/vault/age.js';
import { configureVault, decryptVaultText } from '../runner/vault/session.js';
import { runDrover } from './support/cli.js';
import { ansibleEncryptString, ansibleVault, ansibleVaultFile, makeVaultDir, type VaultDir } from './support/vault.js';

let vault: VaultDir;
let project: string;
/** No key from the developer's own environment may help or hinder. */
let env: Record<string, string>;

before(async () => {
  vault = await makeVaultDir('drover-vault-cli-');
  project = join(vault.dir, 'project');
  await mkdir(join(project, 'group_vars'), { recursive: true });
  await writeFile(join(project, '.drover-recipients'), `# the team\n${vault.recipient}\n`);
  // This process checks results with the library: it opens vaults with the test identity.
  configureVault({ identityFiles: [vault.identityFile], env: {} });
  env = { DROVER_AGE_IDENTITY_FILE: '', DROVER_AGE_IDENTITY: '', DROVER_VAULT_PASSPHRASE: '', DROVER_VAULT_PASSWORD_FILE: '', ANSIBLE_VAULT_PASSWORD_FILE: '', XDG_CONFIG_HOME: join(vault.dir, 'config') };
});
after(async () => {
  configureVault({});
  await vault?.remove();
});

const drover = (args: string[], extraEnv: Record<string, string> = {}) => runDrover(args, { cwd: project, env: { ...env, ...extraEnv } });

test('keygen writes a 0600 identity and prints its recipient', async () => {
  const file = join(vault.dir, 'new-identity.txt');
  const made = await drover(['vault', 'keygen', '-o', file]);
  assert.equal(made.code, 0, made.stderr);
  assert.match(made.stdout, /^age1[0-9a-z]+\n$/);
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  assert.match(await readFile(file, 'utf8'), new RegExp(`# public key: ${made.stdout.trim()}\nAGE-SECRET-KEY-1`));
});

test('encrypt uses the nearest .drover-recipients; view and decrypt need the identity', async () => {
  const file = join(project, 'group_vars', 'all.yml');
  await writeFile(file, 'db_pass: file-secret-1\n');
  const encrypted = await drover(['vault', 'encrypt', 'group_vars/all.yml']);
  assert.equal(encrypted.code, 0, encrypted.stderr);
  const text = await readFile(file, 'utf8');
  assert.match(text, /^-----BEGIN AGE ENCRYPTED FILE-----\n/);
  assert.ok(!text.includes('file-secret-1'));

  const locked = await drover(['vault', 'view', 'group_vars/all.yml']);
  assert.equal(locked.code, 5);
  assert.match(locked.stderr, /^ERROR! group_vars\/all\.yml is encrypted with age, and no identity was found: looked for --identity FILE, \$DROVER_AGE_IDENTITY_FILE/);

  const viewed = await drover(['vault', 'view', 'group_vars/all.yml', '--identity', vault.identityFile]);
  assert.equal(viewed.stdout, 'db_pass: file-secret-1\n', viewed.stderr);
  const decrypted = await drover(['vault', 'decrypt', 'group_vars/all.yml'], { DROVER_AGE_IDENTITY_FILE: vault.identityFile });
  assert.equal(decrypted.code, 0, decrypted.stderr);
  assert.equal(await readFile(file, 'utf8'), 'db_pass: file-secret-1\n');
});

test('without recipients, encrypt says where it looked', async () => {
  const elsewhere = join(vault.dir, 'elsewhere.yml');
  await writeFile(elsewhere, 'a: 1\n');
  const result = await runDrover(['vault', 'encrypt', elsewhere], { cwd: vault.dir, env });
  assert.equal(result.code, 5);
  assert.match(result.stderr, /no age recipients: pass --recipient age1\.\.\. or --recipients-file FILE, or write \.drover-recipients \(looked in .* and above\)/);
  assert.equal(await readFile(elsewhere, 'utf8'), 'a: 1\n', 'the file is untouched');
});

test('encrypt-string prints a !vault value that a vars file loads', async () => {
  const printed = await drover(['vault', 'encrypt-string', 'inline-secret-2', '--name', 'api_token']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^api_token: !vault \|\n  -----BEGIN AGE ENCRYPTED FILE-----\n/);
  await writeFile(join(project, 'hosts.ini'), 'web1\n');
  await mkdir(join(project, 'host_vars'), { recursive: true });
  await writeFile(join(project, 'host_vars', 'web1.yml'), printed.stdout);
  const inventory = await loadInventory([join(project, 'hosts.ini')], { cwd: project });
  assert.equal(inventory.hostVars('web1').api_token, 'inline-secret-2');
});

test('edit opens a private 0600 temp file, removes it, and re-encrypts only a change', async () => {
  const file = join(project, 'edit-me.yml');
  await writeFile(file, await encryptAge('x: 1\n', { recipients: [vault.recipient] }));
  const log = join(vault.dir, 'editor.log');
  const editor = join(vault.dir, 'editor.sh');
  // Records what the editor saw, then edits (or not, with NOCHANGE=1).
  await writeFile(editor, `#!/bin/sh\nstat -c '%a %n' "$1" "$(dirname "$1")" > ${log}\n[ -n "$NOCHANGE" ] || echo 'y: 2' >> "$1"\n`);
  await chmod(editor, 0o755);
  const keys = { DROVER_AGE_IDENTITY_FILE: vault.identityFile, EDITOR: editor, VISUAL: '' };

  const edited = await drover(['vault', 'edit', 'edit-me.yml'], keys);
  assert.equal(edited.code, 0, edited.stderr);
  const [fileLine, dirLine] = (await readFile(log, 'utf8')).trim().split('\n');
  assert.match(fileLine!, /^600 /);
  assert.match(dirLine!, /^700 /);
  assert.ok(!existsSync(fileLine!.slice(4)) && !existsSync(dirLine!.slice(4)), 'the temp file and its directory are gone');
  const after = await readFile(file, 'utf8');
  assert.match(after, /^-----BEGIN AGE ENCRYPTED FILE-----/);
  assert.equal(await decryptVaultText(after, 'edit-me.yml'), 'x: 1\ny: 2\n');

  const untouched = await drover(['vault', 'edit', 'edit-me.yml'], { ...keys, NOCHANGE: '1' });
  assert.equal(untouched.code, 0, untouched.stderr);
  assert.match(untouched.stderr, /unchanged, not re-encrypted/);
  assert.equal(await readFile(file, 'utf8'), after, 'byte for byte the same file');

  const failing = await drover(['vault', 'edit', 'edit-me.yml'], { ...keys, EDITOR: 'false' });
  assert.equal(failing.code, 5);
  assert.equal(await readFile(file, 'utf8'), after);
});

test('Ansible Vault files: the password from a file (flag or env) or a script; edit keeps the Ansible format', async () => {
  const file = await ansibleVaultFile(vault, 'legacy.yml', 'old: ansible-secret-3\n');
  const byFlag = await drover(['vault', 'view', file, '--vault-password-file', vault.passwordFile]);
  assert.equal(byFlag.stdout, 'old: ansible-secret-3\n', byFlag.stderr);
  // A password script, as Ansible allows: it is run and prints the password.
  const script = join(vault.dir, 'password.sh');
  await writeFile(script, `#!/bin/sh\necho '${vault.ansiblePassword}'\n`);
  await chmod(script, 0o700);
  assert.equal((await drover(['vault', 'view', file], { DROVER_VAULT_PASSWORD_FILE: script })).stdout, 'old: ansible-secret-3\n');

  const editor = join(vault.dir, 'append.sh');
  await writeFile(editor, `#!/bin/sh\necho 'new: 4' >> "$1"\n`);
  await chmod(editor, 0o755);
  const edited = await drover(['vault', 'edit', file], { ANSIBLE_VAULT_PASSWORD_FILE: vault.passwordFile, EDITOR: editor, VISUAL: '' });
  assert.equal(edited.code, 0, edited.stderr);
  assert.match(await readFile(file, 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  assert.equal(await ansibleVault(vault, ['view', file]), 'old: ansible-secret-3\nnew: 4\n');
});

test('rekey migrates Ansible Vault to age: a whole file, and inline values with the rest of the file kept', async () => {
  const whole = await ansibleVaultFile(vault, 'project/whole.yml', 'w: whole-secret-5\n');
  const inline = join(project, 'inline.yml');
  const encryptString = await ansibleEncryptString(vault, 'token', 'inline-secret-6');
  await writeFile(inline, `# keep this comment\nplain: 1\n${encryptString.trimEnd()}\nafter: 2\n`);
  const rekeyed = await drover(['vault', 'rekey', 'whole.yml', 'inline.yml', '--vault-password-file', vault.passwordFile]);
  assert.equal(rekeyed.code, 0, rekeyed.stderr);
  assert.match(await readFile(whole, 'utf8'), /^-----BEGIN AGE ENCRYPTED FILE-----/);
  const text = await readFile(inline, 'utf8');
  assert.match(text, /^# keep this comment\nplain: 1\ntoken: !vault \|\n +-----BEGIN AGE ENCRYPTED FILE-----\n[\s\S]+-----END AGE ENCRYPTED FILE-----\nafter: 2\n$/);
  assert.ok(!text.includes('ANSIBLE_VAULT'));

  assert.equal(await decryptVaultText(await readFile(whole, 'utf8'), 'whole.yml'), 'w: whole-secret-5\n');
  await writeFile(join(project, 'host_vars', 'web1.yml'), text);
  const inventory = await loadInventory([join(project, 'hosts.ini')], { cwd: project });
  assert.equal(inventory.hostVars('web1').token, 'inline-secret-6');
});
