// ansible_become_password (plain or vault-encrypted) is answered when sudo or
// su asks for it, over the command's stdin: a task runs as root and an
// upload reaches its file intact after the answer. A wrong password fails
// that host's task with Ansible's "Incorrect sudo password" (no hang, the
// other hosts go on), a needed but missing one with "Missing sudo password",
// and the password never appears in any output, nor in the command sent.
// It used to be refused ("not supported yet").
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { escalate } from '../runner/host/become.js';
import { sh } from '../runner/quote.js';
import { becomeOverrides } from '../runner/inventory/connection.js';
import { jsonEvents, runDrover } from './support/cli.js';
import { addSudoUser } from './support/sudo-user.js';
import { ansibleVault, makeVaultDir, type VaultDir } from './support/vault.js';

const user = { name: 'deploy', password: 'sudo-pw-never-shown-5521', rootPassword: 'root-pw-never-shown-7730' };
let ground: TestGround;
let vault: VaultDir;
let dir: string;
const names = ['sudook', 'sudowrong', 'sudonone', 'suok', 'suwrong'] as const;

before(async () => {
  ground = await startHosts({ names: [...names] });
  vault = await makeVaultDir();
  dir = await mkdtemp(join(tmpdir(), 'drover-become-pw-'));
  for (const h of names) await addSudoUser(ground, h, user);
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all').replace(/ansible_user=root/g, `ansible_user=${user.name}`));
  await mkdir(join(dir, 'host_vars'));
  const encrypted = await ansibleVault(vault, ['encrypt_string', user.password, '--name', 'ansible_become_password']);
  const vars: Record<(typeof names)[number], string> = {
    sudook: encrypted,
    sudowrong: 'ansible_become_password: not-the-password\n',
    sudonone: '{}\n',
    suok: `ansible_become_method: su\nansible_become_pass: ${user.rootPassword}\n`,
    suwrong: 'ansible_become_method: su\nansible_become_pass: not-the-root-password\n',
  };
  for (const h of names) await writeFile(join(dir, 'host_vars', `${h}.yml`), vars[h]);
});
after(async () => {
  await ground?.stop();
  await vault?.remove();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a become password is answered when sudo or su asks; wrong or missing ones fail only their host, in Ansible\'s words', async () => {
  const r = await runDrover(['run', 'test/fixtures/become/password.yml', '-i', join(dir, 'hosts.ini'), '--vault-password-file', vault.passwordFile, '--json', '-vvv']);
  for (const secret of [user.password, user.rootPassword]) assert.doesNotMatch(r.stdout + r.stderr, new RegExp(secret));
  const result = (host: string, task: string) =>
    jsonEvents(r.stdout).find((e): e is TaskResultEvent => e.type === 'host.task.result' && e.host === host && e.task.name === task);
  for (const host of ['sudook', 'suok']) {
    assert.equal(result(host, 'who')?.result?.stdout, 'root', `${host}: ${JSON.stringify(result(host, 'who'))}`);
    assert.equal(result(host, 'who')?.result?.stderr, '', `${host}: the prompt and the marker are not the command's stderr`);
    assert.equal(result(host, 'upload as root')?.status, 'changed', JSON.stringify(result(host, 'upload as root')));
    const file = await ground.exec(host, ['cat', '/root/become-upload.txt']);
    assert.equal(file.stdout, 'written as root through the become dialog\n', `${host}: the upload follows the password, intact`);
  }
  const failures = { sudowrong: 'Incorrect sudo password', sudonone: 'Missing sudo password', suwrong: 'Incorrect su password' };
  for (const [host, message] of Object.entries(failures)) {
    const who = result(host, 'who');
    assert.equal(who?.status, 'failed', `${host}: ${JSON.stringify(who)}`);
    assert.match(who.message ?? '', new RegExp(`^${message}`), host);
    assert.equal(result(host, 'upload as root'), undefined, `${host}: a failed host runs no further task`);
  }
  assert.equal(r.code, 2, r.stderr);
});

test('the password is never part of the command sent to the host', () => {
  for (const method of ['sudo', 'su'] as const) {
    const e = escalate(sh`id -un`, { become: true, method, password: user.password }, 'deploy');
    assert.ok(e, method);
    assert.doesNotMatch(e.command.text, new RegExp(user.password), method);
    assert.equal(e.password, user.password);
  }
  assert.equal(escalate(sh`id -un`, { become: true, user: 'deploy', password: user.password }, 'deploy'), undefined, 'becoming the login user switches nothing');
});

test('ansible_become_pass wins over ansible_become_password, as the later name in Ansible\'s list', () => {
  assert.equal(becomeOverrides({ ansible_become_password: 'first', ansible_become_pass: 'second' }).password, 'second');
});
