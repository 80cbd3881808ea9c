// copy with remote_src: the source is a file on the host itself (a certificate
// certbot wrote, behind its live/ symlink), installed like any copy: check
// mode writes nothing, a second run is ok, a changed source is copied again.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import copy from '../modules/copy.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

let ground: TestGround;
let host: HostHandle;
const inHost = async (script: string) => (await ground.exec('copyrs', ['sh', '-c', script])).stdout;
const PARAMS = { src: '/etc/letsencrypt/live/hub/fullchain.pem', remote_src: true, dest: '/etc/ssl/hub/fullchain.pem', mode: '0644' };

before(async () => {
  ({ ground, host } = await startModuleHost('copyrs'));
  await inHost('mkdir -p /etc/letsencrypt/archive/hub /etc/letsencrypt/live/hub /etc/ssl/hub && echo CERT-1 > /etc/letsencrypt/archive/hub/fullchain1.pem && ln -s ../../archive/hub/fullchain1.pem /etc/letsencrypt/live/hub/fullchain.pem');
});
after(() => stopModuleHost(ground));

test('check mode plans the copy and writes nothing', async () => {
  const planned = await runModule(host, copy, PARAMS, { check: true });
  assert.equal(planned.changed, true);
  assert.equal(planned.diff[0]?.after, 'CERT-1\n');
  assert.equal(await inHost('ls /etc/ssl/hub'), '');
});

test('the file on the host is copied (through the symlink), then ok; a changed source is copied again', async () => {
  assert.equal((await runModule(host, copy, PARAMS)).changed, true);
  assert.equal(await inHost("stat -c '%a %F' /etc/ssl/hub/fullchain.pem; cat /etc/ssl/hub/fullchain.pem"), '644 regular file\nCERT-1\n');
  assert.equal((await runModule(host, copy, PARAMS)).changed, false);
  await inHost('echo CERT-2 > /etc/letsencrypt/archive/hub/fullchain2.pem && ln -sfn ../../archive/hub/fullchain2.pem /etc/letsencrypt/live/hub/fullchain.pem');
  assert.equal((await runModule(host, copy, PARAMS)).changed, true);
  assert.equal(await inHost('cat /etc/ssl/hub/fullchain.pem'), 'CERT-2\n');
});

test('a missing source on the host fails with Ansible\'s words', async () => {
  await assert.rejects(runModule(host, copy, { ...PARAMS, src: '/etc/letsencrypt/live/nope/fullchain.pem' }), /^ModuleFailure: Source \/etc\/letsencrypt\/live\/nope\/fullchain\.pem not found$/);
});
