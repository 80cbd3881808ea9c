// remote_user on a play, block or task is the login of that task's connection
// (a connection of its own per user), and the inventory's ansible_user wins
// over it, as in Ansible (connection variables over keywords). drover let the
// play's remote_user beat ansible_user, and refused remote_user on tasks.
// The expected users are what ansible-core 2.14.18 reported for this playbook
// on the same two hosts.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, runDrover } from './support/cli.js';

let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'ru' });
  dir = await mkdtemp(join(tmpdir(), 'drover-remote-user-'));
  for (const host of ground.hosts) {
    // Password '*' (no password, not '!' locked): the hosts' sshd runs without PAM and refuses locked accounts.
    const made = await ground.exec(host.name, ['sh', '-c', "useradd -m -d /home/rudi -s /bin/sh -p '*' rudi && mkdir -p /home/rudi/.ssh && cp /root/.ssh/authorized_keys /home/rudi/.ssh/ && chown -R rudi: /home/rudi/.ssh"]);
    assert.equal(made.rc, 0, made.stderr);
  }
  // The first host names its login user; the second leaves it to the keywords.
  const lines = ground.inventoryIni('all').split('\n');
  const second = ground.hosts[1]!.name;
  await writeFile(join(dir, 'hosts.ini'), lines.map((l) => (l.startsWith(`${second} `) ? l.replace(/ ansible_user=\S+/, '') : l)).join('\n'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('remote_user picks the login per play, block and task, and the inventory ansible_user overrides it', async () => {
  const r = await runDrover(['run', 'test/fixtures/keywords/remote-user.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json']);
  const problems = jsonEvents(r.stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result' && (e.status === 'failed' || e.status === 'unreachable'));
  assert.equal(r.code, 0, problems.map((e) => `${e.host} ${e.task.name}: ${e.message}`).join('\n') + r.stderr);
  const [withUser, without] = ground.hosts.map((h) => h.name) as [string, string];
  const seen = (host: string) =>
    jsonEvents(r.stdout)
      .filter((e): e is TaskResultEvent => e.type === 'host.task.result' && e.host === host && e.task.name !== 'Gathering Facts')
      .map((e) => [e.task.name, e.task.name === 'facts user' ? e.result?.msg : e.result?.stdout]);
  assert.deepEqual(seen(without), [
    ['facts user', 'rudi'],
    ['play user', 'rudi'],
    ['task user', 'root'],
    ['block user', 'root'],
    ['templated user', 'root'],
    ['play user again', 'rudi'],
  ]);
  assert.deepEqual(seen(withUser), [
    ['facts user', 'root'],
    ['play user', 'root'],
    ['task user', 'root'],
    ['block user', 'root'],
    ['templated user', 'root'],
    ['play user again', 'root'],
  ]);
});
