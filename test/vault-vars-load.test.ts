// Vaults are opened where variables are loaded: whole encrypted files and
// inline `!vault` values (age or Ansible Vault) in group_vars, host_vars, YAML
// inventories, play vars and role vars; every value that came out of a vault
// is recorded as a secret; a broken or unopenable vault is an input error that
// names the file and never prints the plaintext.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultRegistry } from '../modules/registry.js';
import { InputError } from '../runner/errors.js';
import { loadInventory } from '../runner/inventory/index.js';
import { loadPlaybook } from '../runner/playbook/load.js';
import { encryptAge } from '../runner/vault/age.js';
import { onVaultSecret } from '../runner/vault/secrets.js';
import { configureVault } from '../runner/vault/session.js';
import { ansibleEncryptString, ansibleVaultFile, makeVaultDir, type VaultDir } from './support/vault.js';

let vault: VaultDir;
const secrets: string[] = [];
let stopListening: () => void;

/** An inline `!vault |` block holding an age payload, indented for a mapping value. */
async function inlineAge(value: string, indent = '  '): Promise<string> {
  const armored = await encryptAge(value, { recipients: [vault.recipient] });
  return `!vault |\n${armored.trimEnd().replace(/^/gm, indent)}\n`;
}

before(async () => {
  vault = await makeVaultDir();
  configureVault({ identityFiles: [vault.identityFile], vaultPasswordFile: vault.passwordFile, env: {} });
  stopListening = onVaultSecret((s) => secrets.push(s));
});
after(async () => {
  stopListening?.();
  configureVault({});
  await vault?.remove();
});

test('an inventory directory: whole-file age group_vars, inline Ansible host_vars, inline age in a YAML inventory', async () => {
  const inv = join(vault.dir, 'inv');
  await mkdir(join(inv, 'group_vars'), { recursive: true });
  await mkdir(join(inv, 'host_vars'), { recursive: true });
  await writeFile(join(inv, 'hosts.yml'), `db:\n  hosts:\n    db1:\n  vars:\n    replication_key: ${await inlineAge('repl-key-inline-age', '      ')}`);
  await writeFile(join(inv, 'group_vars', 'db.yml'), await encryptAge('db_password: group-file-age-pw\nport: 5432\nnested:\n  list: [nested-secret-1]\n', { recipients: [vault.recipient] }));
  const encryptString = await ansibleEncryptString(vault, 'root_password', 'host-inline-ansible-pw');
  await writeFile(join(inv, 'host_vars', 'db1.yml'), `plain: not-a-secret\n${encryptString}`);

  const inventory = await loadInventory([inv], { cwd: vault.dir });
  const vars = inventory.hostVars('db1');
  assert.equal(vars.replication_key, 'repl-key-inline-age');
  assert.equal(vars.db_password, 'group-file-age-pw');
  assert.deepEqual(vars.nested, { list: ['nested-secret-1'] });
  assert.equal(vars.root_password, 'host-inline-ansible-pw');
  assert.equal(vars.plain, 'not-a-secret');
  for (const s of ['repl-key-inline-age', 'group-file-age-pw', '5432', 'nested-secret-1', 'host-inline-ansible-pw']) assert.ok(secrets.includes(s), `${s} is a secret`);
  assert.ok(!secrets.includes('not-a-secret'), 'plain values next to a !vault value are not secrets');
});

test('a playbook: inline age in play vars, a wholly encrypted Ansible Vault role vars file', async () => {
  const dir = join(vault.dir, 'pb');
  await mkdir(join(dir, 'roles', 'app', 'vars'), { recursive: true });
  await mkdir(join(dir, 'roles', 'app', 'tasks'), { recursive: true });
  await writeFile(join(dir, 'roles', 'app', 'tasks', 'main.yml'), '- debug:\n    msg: hi\n');
  const roleVars = await ansibleVaultFile(vault, 'role-vars.yml', 'app_secret: role-vars-ansible-file\n');
  await writeFile(join(dir, 'roles', 'app', 'vars', 'main.yml'), await readFile(roleVars, 'utf8'));
  await writeFile(join(dir, 'site.yml'), `- hosts: all\n  vars:\n    api_key: ${await inlineAge('play-vars-inline-age', '      ')}  roles: [app]\n  tasks:\n    - debug:\n        msg: "{{ api_key }}"\n`);

  const playbook = await loadPlaybook(join(dir, 'site.yml'), { registry: defaultRegistry });
  const play = playbook.plays[0]!;
  assert.equal(play.vars.api_key, 'play-vars-inline-age');
  assert.equal(play.roles[0]!.vars.app_secret, 'role-vars-ansible-file');
  assert.ok(secrets.includes('play-vars-inline-age') && secrets.includes('role-vars-ansible-file'));
});

test('a syntax error inside a decrypted file points at the line and never shows it', async () => {
  const inv = join(vault.dir, 'bad');
  await mkdir(join(inv, 'group_vars'), { recursive: true });
  await writeFile(join(inv, 'hosts.ini'), 'web1\n');
  await writeFile(join(inv, 'group_vars', 'all.yml'), await encryptAge('ok: 1\nleaky: "unterminated-secret-value\n', { recipients: [vault.recipient] }));
  await assert.rejects(
    loadInventory([join(inv, 'hosts.ini')], { cwd: vault.dir }),
    (e: Error) => e instanceof InputError && /bad\/group_vars\/all\.yml:\d+:\d+: .*\(in the decrypted vault, not shown\)/.test(e.message) && !e.message.includes('unterminated-secret-value'),
  );
});

test('a vault nobody can open is an input error naming the file and the keys looked for', async () => {
  const inv = join(vault.dir, 'locked');
  await mkdir(join(inv, 'group_vars'), { recursive: true });
  await writeFile(join(inv, 'hosts.ini'), 'web1\n');
  await writeFile(join(inv, 'group_vars', 'all.yml'), await encryptAge('x: 1\n', { recipients: [vault.recipient] }));
  configureVault({ env: { XDG_CONFIG_HOME: join(vault.dir, 'none') } });
  try {
    await assert.rejects(loadInventory([join(inv, 'hosts.ini')], { cwd: vault.dir }), (e: Error) =>
      e instanceof InputError && e.message.startsWith('locked/group_vars/all.yml is encrypted with age, and no identity was found: looked for --identity FILE'),
    );
    await ansibleVaultFile(vault, 'locked-ansible.yml', 'y: 2\n');
    await writeFile(join(inv, 'group_vars', 'all.yml'), await readFile(join(vault.dir, 'locked-ansible.yml'), 'utf8'));
    await assert.rejects(loadInventory([join(inv, 'hosts.ini')], { cwd: vault.dir }), /all\.yml is encrypted with Ansible Vault, and no password was given: use --vault-id LABEL@FILE, --vault-password-file FILE/);
    configureVault({ vaultPasswordFile: vault.identityFile, env: {} });
    await assert.rejects(loadInventory([join(inv, 'hosts.ini')], { cwd: vault.dir }), /cannot decrypt locked\/group_vars\/all\.yml: the Ansible Vault password is wrong/);
  } finally {
    configureVault({ identityFiles: [vault.identityFile], vaultPasswordFile: vault.passwordFile, env: {} });
  }
});
