// libvirt_network and libvirt_pool against a real libvirtd (qemu:///system)
// inside a namespace host: check mode on fresh state changes nothing, each
// apply is followed by a second run with 0 changes, a changed definition is
// redefined and the running network or pool restarted (its dnsmasq config and
// pool path show the new definition took effect), and absent removes.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import libvirtNetwork from '../modules/libvirt_network.js';
import libvirtPool from '../modules/libvirt_pool.js';
import type { AnyModule } from '../runner/module-api.js';
import { convergeTwice, QEMU_URI, startLibvirtHost, stopLibvirtHost, type LibvirtHost } from './support/libvirt-daemon.js';
import { runModule } from './support/module-harness.js';

let lv: LibvirtHost;
before(async () => {
  lv = await startLibvirtHost('virthost');
});
after(() => stopLibvirtHost(lv));

const converge = (module: AnyModule, params: Record<string, unknown>, changes: string[]) => convergeTwice(lv, module, params, changes);

const LAB = {
  name: 'lab',
  bridge: 'virbr10',
  address: '192.168.77.1',
  dhcp_range: { start: '192.168.77.10', end: '192.168.77.50' },
  autostart: true,
};
const dnsmasqConf = () => lv.sh('cat /var/lib/libvirt/dnsmasq/lab.conf /var/lib/libvirt/dnsmasq/lab.hostsfile 2>/dev/null; true');

describe('libvirt_network', () => {
  test('check mode on fresh state: plans the network, creates nothing', async () => {
    const out = await runModule(lv.host, libvirtNetwork, { uri: QEMU_URI, ...LAB }, { check: true });
    assert.deepEqual(out.changes, ['define network lab', 'start network lab', 'enable autostart of network lab']);
    assert.match(out.diff[0]?.after ?? '', /<range start='192.168.77.10' end='192.168.77.50'\/>/);
    assert.doesNotMatch(await lv.virsh('net-list', '--all', '--name'), /^lab$/m);
    assert.equal((await lv.ground.exec(lv.name, ['ip', 'link', 'show', 'virbr10'])).rc, 1);
  });
  test('NAT network with DHCP: created, running, then 0 changed', async () => {
    await converge(libvirtNetwork, LAB, ['define network lab', 'start network lab', 'enable autostart of network lab']);
    assert.match(await lv.virsh('net-info', '--network', 'lab'), /Active:\s+yes[\s\S]*Autostart:\s+yes/);
    assert.match(await lv.sh('ip -4 addr show virbr10'), /inet 192\.168\.77\.1\/24/);
    assert.match(await dnsmasqConf(), /dhcp-range=192\.168\.77\.10,192\.168\.77\.50/);
  });
  test('a changed DHCP range and a fixed host by MAC: redefined and restarted', async () => {
    const changed = { ...LAB, dhcp_range: { start: '192.168.77.100', end: '192.168.77.150' }, dhcp_hosts: [{ mac: '52:54:00:AB:CD:01', ip: '192.168.77.5', name: 'pxe1' }] };
    const uuid = await lv.virsh('net-uuid', '--network', 'lab');
    await converge(libvirtNetwork, changed, ['redefine network lab and restart it to apply the new definition']);
    assert.equal(await lv.virsh('net-uuid', '--network', 'lab'), uuid, 'same network, same uuid');
    // dnsmasq's files are written when the network starts: the running network uses the new definition.
    const conf = await dnsmasqConf();
    assert.match(conf, /dhcp-range=192\.168\.77\.100,192\.168\.77\.150/);
    assert.match(conf, /52:54:00:ab:cd:01,192\.168\.77\.5,pxe1/);
  });
  test('isolated network, inactive: defined only', async () => {
    await converge(libvirtNetwork, { name: 'iso', forward: 'isolated', bridge: 'virbr11', address: '10.123.0.1', active: false }, ['define network iso']);
    assert.match(await lv.virsh('net-info', '--network', 'iso'), /Active:\s+no/);
    await converge(libvirtNetwork, { name: 'iso', forward: 'isolated', bridge: 'virbr11', address: '10.123.0.1' }, ['start network iso']);
    assert.equal((await lv.virsh('net-dumpxml', '--network', 'iso')).includes('<forward'), false);
  });
  test('a network on an existing host bridge', async () => {
    await lv.sh('ip link add br-ext type bridge');
    await converge(libvirtNetwork, { name: 'ext', forward: 'bridge', bridge: 'br-ext' }, ['define network ext', 'start network ext']);
    assert.match(await lv.virsh('net-dumpxml', '--network', 'ext'), /<forward mode='bridge'\/>\s*<bridge name='br-ext'\/>/);
  });
  test('inline XML, then absent', async () => {
    const xml = "<network><name>xmlnet</name><bridge name='virbr12'/><forward mode='route'/><ip address='10.124.0.1' prefix='24'/></network>";
    await converge(libvirtNetwork, { name: 'xmlnet', xml }, ['define network xmlnet', 'start network xmlnet']);
    await converge(libvirtNetwork, { name: 'lab', state: 'absent' }, ['stop and undefine network lab']);
    assert.doesNotMatch(await lv.virsh('net-list', '--all', '--name'), /^lab$/m);
    assert.equal((await lv.ground.exec(lv.name, ['ip', 'link', 'show', 'virbr10'])).rc, 1);
  });
});

const POOL = { name: 'images', path: '/srv/images', autostart: true };
const VOLUMES = [
  { name: 'base.img', capacity: '16M' },
  { name: 'disk.qcow2', capacity: '32M', format: 'qcow2' },
  { name: 'copy.img', clone_from: 'base.img' },
  { name: 'seed.img', upload_from: '/srv/seed.raw' },
];
const sizeOf = (file: string) => lv.sh('stat -c %s -- "$1"', file).then((s) => Number(s.trim()));

describe('libvirt_pool', () => {
  /** What check mode plans on fresh state, and what the first apply then does. */
  const POOL_CHANGES = [
    'define pool images',
    'start pool images',
    'enable autostart of pool images',
    'create directory /srv/images',
    'create volume base.img in pool images (16777216 bytes, raw)',
    'create volume disk.qcow2 in pool images (33554432 bytes, qcow2)',
    'create volume copy.img in pool images as a copy of base.img',
    'create volume seed.img in pool images from /srv/seed.raw',
  ];
  before(() => lv.sh('head -c 1048576 /dev/urandom > /srv/seed.raw'));
  test('check mode on fresh state: plans pool, directory and volumes, creates nothing', async () => {
    const out = await runModule(lv.host, libvirtPool, { uri: QEMU_URI, ...POOL, volumes: VOLUMES }, { check: true });
    assert.deepEqual(out.changes, POOL_CHANGES);
    assert.doesNotMatch(await lv.virsh('pool-list', '--all', '--name'), /images/);
    assert.equal((await lv.ground.exec(lv.name, ['test', '-e', '/srv/images'])).rc, 1);
  });
  test('pool with volumes from a size, a clone and an upload: created, then 0 changed', async () => {
    await converge(libvirtPool, { ...POOL, volumes: VOLUMES }, POOL_CHANGES);
    assert.equal(await sizeOf('/srv/images/base.img'), 16 * 2 ** 20);
    assert.equal(await sizeOf('/srv/images/copy.img'), 16 * 2 ** 20);
    assert.match(await lv.sh('qemu-img info /srv/images/disk.qcow2'), /file format: qcow2[\s\S]*virtual size: 32 MiB/);
    const sums = await lv.sh('cd /srv && sha256sum < seed.raw && sha256sum < images/seed.img');
    const [a, b] = sums.trim().split('\n');
    assert.equal(a, b, 'the uploaded volume holds the file');
  });
  test('a volume grown, another deleted', async () => {
    await converge(libvirtPool, { ...POOL, volumes: [{ name: 'base.img', capacity: '24M' }, { name: 'copy.img', state: 'absent' }] }, [
      'grow volume base.img in pool images from 16777216 to 25165824 bytes',
      'delete volume copy.img in pool images',
    ]);
    assert.equal(await sizeOf('/srv/images/base.img'), 24 * 2 ** 20);
    assert.equal((await lv.ground.exec(lv.name, ['test', '-e', '/srv/images/copy.img'])).rc, 1);
  });
  test('a changed path: redefined and restarted; absent keeps the images', async () => {
    const uuid = await lv.virsh('pool-uuid', '--pool', 'images');
    await converge(libvirtPool, { ...POOL, path: '/srv/images2' }, ['redefine pool images and restart it to apply the new definition', 'create directory /srv/images2']);
    assert.equal(await lv.virsh('pool-uuid', '--pool', 'images'), uuid);
    assert.match(await lv.virsh('pool-info', '--pool', 'images'), /State:\s+running/);
    assert.match(await lv.virsh('pool-dumpxml', '--pool', 'images'), /<path>\/srv\/images2<\/path>/);
    await converge(libvirtPool, { name: 'images', state: 'absent' }, ['stop and undefine pool images']);
    assert.doesNotMatch(await lv.virsh('pool-list', '--all', '--name'), /images/);
    assert.equal(await sizeOf('/srv/images/base.img'), 24 * 2 ** 20);
  });
});
