// modprobe on a real (namespace) host. This machine's kernel loads no modules
// (no /proc/modules, no /lib/modules), so what is proven here is: the
// persistent files, a built-in module counting as loaded (bridge is built in),
// and a load that really runs Debian's modprobe and reports its failure.
// Loading a real .ko needs a guest with Debian's kernel (the qemu driver).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import modprobe from '../modules/modprobe.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';

const NAME = 'modprobehost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { content } = hostFiles(NAME, () => ground);

const files = async () => `${await content('/etc/modules-load.d/bridge.conf')}|${await content('/etc/modprobe.d/bridge.conf')}`;

describe('modprobe', () => {
  test('a built-in module is loaded already: persistent files only, check mode writes nothing', async () => {
    const { first } = await convergeTwice(host, modprobe, { name: 'bridge', params: 'max_ports=8', persistent: 'present' }, files);
    assert.deepEqual(first.changes, ['create /etc/modules-load.d/bridge.conf', 'create /etc/modprobe.d/bridge.conf']);
    assert.equal(await files(), 'bridge\n|options bridge max_ports=8\n');
  });

  test('params gone: the options file goes, the load file stays', async () => {
    await convergeTwice(host, modprobe, { name: 'bridge', persistent: 'present' }, files);
    assert.equal(await files(), 'bridge\n|null');
  });

  test('persistent absent removes the files; a built-in module cannot be unloaded', async () => {
    await convergeTwice(host, modprobe, { name: 'bridge', persistent: 'absent' }, files);
    assert.equal(await files(), 'null|null');
    await assert.rejects(runModule(host, modprobe, { name: 'bridge', state: 'absent' }), /built into the kernel/);
  });

  test('a module that is not there is planned as a load, and the real modprobe failure is reported', async () => {
    const planned = await runModule(host, modprobe, { name: 'nosuchmod', params: 'a=1' }, { check: true });
    assert.deepEqual(planned.changes, ['load module nosuchmod a=1']);
    await assert.rejects(runModule(host, modprobe, { name: 'nosuchmod' }), /modprobe -- nosuchmod.*FATAL: Module nosuchmod not found/);
    assert.deepEqual((await runModule(host, modprobe, { name: 'nosuchmod', state: 'absent' })).changes, []);
  });

  test('bad names and params are refused before anything runs', async () => {
    await assert.rejects(runModule(host, modprobe, { name: '-r' }), /must match pattern/);
    await assert.rejects(runModule(host, modprobe, { name: 'x', params: '$(id)' }), /must be key=value words/);
  });
});
