// sysctl on a real (namespace) host: net.* keys belong to the host's own
// network namespace, so the running kernel values are really set (and read
// back from /proc/sys outside drover) without touching this machine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import sysctl from '../modules/sysctl.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';

const NAME = 'sysctlhost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { inHost, content } = hostFiles(NAME, () => ground);

const FILE = '/etc/sysctl.d/90-forwarding.conf';
const running = async (path: string) => (await inHost('cat "$1"', [`/proc/sys/${path}`])).trim();
const observe = async () => `${await content(FILE)}|${await running('net/ipv4/ip_forward')}|${await running('net/ipv4/conf/all/forwarding')}`;

describe('sysctl', () => {
  test('present: file and running value, check mode touches neither', async () => {
    assert.equal(await running('net/ipv4/ip_forward'), '0');
    const { first } = await convergeTwice(host, sysctl, { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: FILE }, observe);
    assert.deepEqual(first.changes, [`create ${FILE}: net.ipv4.ip_forward=1`, 'set running net.ipv4.ip_forward: 0 -> 1']);
    assert.equal(await content(FILE), 'net.ipv4.ip_forward=1\n');
    assert.equal(await running('net/ipv4/ip_forward'), '1');
  });

  test('a value in the file but not in the kernel is a change of the running value only', async () => {
    await inHost('echo 0 > /proc/sys/net/ipv4/ip_forward');
    const { first } = await convergeTwice(host, sysctl, { name: 'net.ipv4.ip_forward', value: '1', sysctl_file: FILE }, observe);
    assert.deepEqual(first.changes, ['set running net.ipv4.ip_forward: 0 -> 1']);
  });

  test('slash names, spacing and duplicates: one key, first line kept, others dropped', async () => {
    await inHost('printf "# keep\\nnet.ipv4.conf.all.forwarding = 0\\nx.y=2\\nnet/ipv4/conf/all/forwarding=0\\n" > "$1"', [FILE]);
    const { first } = await convergeTwice(host, sysctl, { name: 'net/ipv4/conf/all/forwarding', value: true, sysctl_file: FILE }, observe);
    assert.equal(await content(FILE), '# keep\nnet/ipv4/conf/all/forwarding=1\nx.y=2\n');
    assert.equal(await running('net/ipv4/conf/all/forwarding'), '1');
    assert.equal(first.diff[0]!.before, '# keep\nnet.ipv4.conf.all.forwarding = 0\nx.y=2\nnet/ipv4/conf/all/forwarding=0\n');
  });

  test('a multi-word value compares word by word (the kernel reads it back with a tab)', async () => {
    const params = { name: 'net.ipv4.ip_local_port_range', value: '20000   40000', sysctl_file: FILE };
    await convergeTwice(host, sysctl, params, async () => `${await observe()}|${await running('net/ipv4/ip_local_port_range')}`);
    assert.equal(await running('net/ipv4/ip_local_port_range'), '20000\t40000');
  });

  test('reload false manages the file only', async () => {
    await convergeTwice(host, sysctl, { name: 'net.ipv4.ip_default_ttl', value: 33, sysctl_file: FILE, reload: false }, async () => `${await content(FILE)}`);
    assert.equal(await running('net/ipv4/ip_default_ttl'), '64');
  });

  test('absent removes the key from the file and leaves the running value', async () => {
    await inHost('echo net.ipv4.ip_forward=1 >> "$1"', [FILE]);
    const { first } = await convergeTwice(host, sysctl, { name: 'net.ipv4.ip_forward', state: 'absent', sysctl_file: FILE }, observe);
    assert.deepEqual(first.changes, [`update ${FILE}: remove net.ipv4.ip_forward`]);
    assert.doesNotMatch((await content(FILE))!, /ip_forward/);
    assert.equal(await running('net/ipv4/ip_forward'), '1');
  });

  test('an unknown key, a name escaping /proc/sys and a missing value are errors; nothing is written', async () => {
    const before = await observe();
    await assert.rejects(runModule(host, sysctl, { name: 'net.ipv4.no_such_key', value: 1, sysctl_file: FILE }), /does not exist here/);
    await assert.rejects(runModule(host, sysctl, { name: 'net...x', value: 1, sysctl_file: FILE }), /is not a sysctl name/);
    await assert.rejects(runModule(host, sysctl, { name: '$(touch /canary)', value: 1, sysctl_file: FILE }), /must match pattern/);
    await assert.rejects(runModule(host, sysctl, { name: 'net.ipv4.ip_forward', sysctl_file: FILE }), /value is required/);
    assert.equal(await observe(), before);
  });

  test('a key the kernel refuses (read-only kernel.* here) fails the apply with the reason', async () => {
    await assert.rejects(runModule(host, sysctl, { name: 'kernel.panic', value: 3, sysctl_file: FILE }), /Read-only file system/);
  });
});
