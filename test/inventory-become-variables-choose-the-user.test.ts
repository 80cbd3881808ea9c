// ansible_become, ansible_become_user and ansible_become_method (sudo, su) in
// the inventory decide who runs a task's commands, over the become keywords
// (Ansible's precedence: variables over keywords). They were ignored: a task
// meant to run as nobody ran as the login user. With ansible_become_password
// set, root's sudo asks nothing: the task runs as nobody and the password is
// never shown (test/become-password-is-answered-on-stdin-never-shown.test.ts
// has the hosts that do ask).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, runDrover } from './support/cli.js';

const password = 'become-pw-never-shown-8841';
let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 3, namePrefix: 'bec' });
  dir = await mkdtemp(join(tmpdir(), 'drover-become-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await mkdir(join(dir, 'host_vars'));
  const [sudoHost, suHost, passwordHost] = ground.hosts.map((h) => h.name);
  await writeFile(join(dir, 'host_vars', `${sudoHost}.yml`), 'ansible_become: "yes"\nansible_become_user: nobody\n');
  await writeFile(join(dir, 'host_vars', `${suHost}.yml`), 'ansible_become: true\nansible_become_user: nobody\nansible_become_method: su\n');
  await writeFile(join(dir, 'host_vars', `${passwordHost}.yml`), `ansible_become: true\nansible_become_user: nobody\nansible_become_password: ${password}\n`);
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('ansible_become_user: nobody runs the commands as nobody, with sudo and with su, with or without a become password', async () => {
  const r = await runDrover(['run', 'test/fixtures/keywords/become-from-inventory.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json', '-vvv']);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(password));
  const [sudoHost, suHost, passwordHost] = ground.hosts.map((h) => h.name) as [string, string, string];
  const result = (host: string, task: string) =>
    jsonEvents(r.stdout).find((e): e is TaskResultEvent => e.type === 'host.task.result' && e.host === host && e.task.name === task);
  for (const host of [sudoHost, suHost, passwordHost]) {
    assert.equal(result(host, 'who')?.result?.stdout, 'nobody', `${host}: ${JSON.stringify(result(host, 'who'))}`);
    assert.equal(result(host, 'who with become keyword')?.result?.stdout, 'nobody', `${host}: the inventory's user wins over become_user`);
  }
  assert.equal(r.code, 0, r.stderr);
});
