// backup on a real host: the first run archives, a second run with nothing
// changed is ok, a changed file makes a new archive, only the newest `keep`
// archives stay, check mode writes nothing, and the archive holds exactly the
// files (restorable with tar), private to root.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import backup from '../modules/backup.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

let ground: TestGround;
let host: HostHandle;
const sh = async (script: string) => (await ground.exec('bk', ['sh', '-c', script])).stdout;
const archives = async () => (await sh('ls -1 /backup 2>/dev/null')).split('\n').filter(Boolean);
const PARAMS = { paths: ['/etc/hub/secret.conf', '/etc/hub/keys'], dest: '/backup', name: 'hub', keep: 2 };

before(async () => {
  ({ ground, host } = await startModuleHost('bk'));
  await sh("mkdir -p /etc/hub/keys && echo 'token=s3cret' > /etc/hub/secret.conf && echo key-a > /etc/hub/keys/a && echo key-b > '/etc/hub/keys/-b quoted$(x)'");
});

after(() => stopModuleHost(ground));

test('check mode plans the first archive and writes nothing', async () => {
  const outcome = await runModule(host, backup, PARAMS, { check: true });
  assert.equal(outcome.changed, true);
  assert.match(outcome.changes[0]!, /^archive \/etc\/hub\/secret\.conf, \/etc\/hub\/keys to \/backup\/hub-<now>-[0-9a-f]{16}\.tar\.gz$/);
  assert.equal(await sh('test -e /backup && echo exists'), '');
});

test('the first run archives the files (0600, in a 0700 directory); the archive restores them exactly', async () => {
  const outcome = await runModule(host, backup, PARAMS);
  assert.equal(outcome.changed, true);
  const [archive] = await archives();
  assert.match(archive!, /^hub-\d{8}T\d{6}Z-[0-9a-f]{16}\.tar\.gz$/);
  assert.equal(await sh(`stat -c '%a %U' /backup /backup/${archive}`), '700 root\n600 root\n');
  assert.equal(await sh(`mkdir /restore && tar -C /restore -xzf /backup/${archive} && cat /restore/etc/hub/secret.conf '/restore/etc/hub/keys/-b quoted$(x)'`), 'token=s3cret\nkey-b\n');
});

test('a second run with nothing changed is ok, even after the files were touched', async () => {
  await sh('touch /etc/hub/secret.conf');
  const outcome = await runModule(host, backup, PARAMS);
  assert.equal(outcome.changed, false, outcome.changes.join('; '));
  assert.equal((await archives()).length, 1);
});

test('a changed file makes a new archive; past `keep`, the oldest goes', async () => {
  const first = (await archives())[0]!;
  for (const token of ['two', 'three']) {
    await sh(`sleep 1; echo 'token=${token}' > /etc/hub/secret.conf`);
    const outcome = await runModule(host, backup, PARAMS);
    assert.equal(outcome.changed, true);
  }
  const now = await archives();
  assert.equal(now.length, 2);
  assert.ok(!now.includes(first), 'the oldest archive was removed');
  assert.equal(await sh(`tar -xzOf /backup/${now[1]} ./etc/hub/secret.conf`), 'token=three\n');
  assert.equal((await runModule(host, backup, PARAMS)).changed, false);
});

test('a mode change counts as a change; a missing path fails clearly when applied and writes nothing', async () => {
  await sh('chmod 0640 /etc/hub/secret.conf');
  assert.equal((await runModule(host, backup, PARAMS, { check: true })).changed, true);
  const before = await archives();
  await assert.rejects(runModule(host, backup, { ...PARAMS, paths: ['/etc/hub/nope'] }), /nothing to back up at \/etc\/hub\/nope/);
  assert.deepEqual(await archives(), before);
});

test('under --check a path an earlier task will create is planned as archived', async () => {
  const planned = await runModule(host, backup, { ...PARAMS, paths: ['/etc/hub/later.key'] }, { check: true });
  assert.deepEqual(planned.changes, [`archive /etc/hub/later.key to ${PARAMS.dest} (/etc/hub/later.key does not exist yet: an earlier task must create it)`]);
});
