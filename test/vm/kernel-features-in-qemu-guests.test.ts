// What this machine's kernel cannot show (MACHINE.md: no 802.1Q, no nfsd, no
// NFS mounts, no loadable modules, no quota enforcement), proven in two QEMU
// guests running Debian's own kernel (runner/testground/qemu-hosts.ts): vlan
// tagging between the guests, nfs_export served by a real nfsd and mounted by
// the other guest, modprobe loading a real module, and quota limits that the
// kernel enforces on ext4 and xfs. The guests boot once for all of it: under
// software emulation (TCG) a boot is the expensive part.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import bridge from '../../modules/bridge.js';
import modprobe from '../../modules/modprobe.js';
import mount from '../../modules/mount.js';
import nfsExport from '../../modules/nfs_export.js';
import vlan from '../../modules/vlan.js';
import { linksCommand, parseLinks } from '../../modules/support/ip-link.js';
import { openConnection } from '../../runner/connection/open.js';
import type { Connection } from '../../runner/connection/types.js';
import { HostHandle } from '../../runner/host/handle.js';
import { startVms, type QemuGround } from '../../runner/testground/qemu-hosts.js';
import { convergeTwice } from '../support/converge.js';
import { describeQuotaScenario } from '../support/loop-fs-quota.js';
import { runModule } from '../support/module-harness.js';

const GUESTS = ['kf1', 'kf2'] as const;
type Guest = (typeof GUESTS)[number];
const started = Date.now();
let ground: QemuGround | undefined;
const connections: Connection[] = [];
const handles = new Map<string, HostHandle>();
const g = (): QemuGround => ground as QemuGround;
const handle = (name: Guest): HostHandle => handles.get(name) as HostHandle;

const rssMiB = (pid: number): number => Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024);

before(
  async () => {
    ground = await startVms({ names: [...GUESTS], log: (line) => console.log(line) });
    console.log(`booted ${GUESTS.length} guests (${g().accel}) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    for (const name of GUESTS) {
      // Every guest boots the same image, so with the same /etc/machine-id, and udev derives a new bridge's MAC
      // from it: br-vlan100 would get one MAC on both guests, and they could not talk. Real machines differ.
      await inGuest(name, 'od -An -N16 -tx1 /dev/urandom | tr -d " \\n" > /etc/machine-id && systemctl restart systemd-udevd');
      const connection = openConnection(g().target(name));
      connections.push(connection);
      await connection.connect();
      handles.set(name, new HostHandle(name, connection, { loginUser: 'root' }));
    }
  },
  { timeout: 10 * 60_000 },
);
after(async () => {
  for (const h of ground?.hosts ?? []) console.log(`${h.name}: boot to ssh ${(h.bootMs / 1000).toFixed(1)} s, qemu RSS at the end ${rssMiB(h.pid)} MiB`);
  for (const c of connections) await c.close();
  await ground?.stop();
  console.log(`total ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

async function inGuest(name: Guest, script: string): Promise<string> {
  const r = await g().exec(name, ['sh', '-c', script]);
  if (r.rc !== 0) throw new Error(`${name}: ${script}: ${r.stderr}`);
  return r.stdout;
}

/** Links as the guest's kernel has them, for convergeTwice: every link's kind, parent, id, bridge, state, addresses. */
async function observeLinks(name: Guest): Promise<string> {
  const links = [...parseLinks(await inGuest(name, linksCommand().text)).values()];
  return JSON.stringify(links.map((l) => [l.name, l.kind, l.parent, l.data.id, l.master, l.up, [...l.addresses].sort()]));
}

const reaches = async (from: Guest, address: string): Promise<boolean> => (await g().exec(from, ['ping', '-c', '2', '-W', '2', address])).rc === 0;

describe('vlan: 802.1Q between the guests on their private segment', () => {
  // 192.168.211.0/24 and 192.168.212.0/24 exist only on tagged links between the two guests.
  test('vlan 100 on both guests: tagged traffic crosses; the kernel loads 8021q by itself', async () => {
    assert.equal(await inGuest('kf1', 'grep -c "^8021q " /proc/modules || true'), '0\n');
    // Each guest on its own: side by side, the guests' TCG CPUs work in parallel.
    const [{ first }] = await Promise.all([
      convergeTwice(handle('kf1'), vlan, { parent: 'eth1', id: 100, addresses: ['192.168.211.1/24'] }, () => observeLinks('kf1')),
      convergeTwice(handle('kf2'), vlan, { parent: 'eth1', id: 100, name: 'trunk-v', addresses: ['192.168.211.2/24'] }, () => observeLinks('kf2')),
    ]);
    assert.deepEqual(first.changes, ['create vlan eth1.100 (id 100 on eth1)', 'add address 192.168.211.1/24 to eth1.100', 'set eth1.100 up']);
    assert.equal(first.diff[0]?.after, 'parent: eth1\nid: 100\nstate: up\nbridge: \naddresses: 192.168.211.1/24\n');
    assert.equal(await inGuest('kf1', 'grep -c "^8021q " /proc/modules'), '1\n');
    assert.match(await inGuest('kf2', 'ip -d link show dev trunk-v'), /vlan protocol 802\.1Q id 100 /);
    assert.ok(await reaches('kf1', '192.168.211.2'), 'no ping across vlan 100');
  });

  test('a different id on one side is recreated, and then the guests no longer reach each other', async () => {
    const { first } = await convergeTwice(handle('kf2'), vlan, { parent: 'eth1', id: 200, name: 'trunk-v', addresses: ['192.168.211.2/24'] }, () => observeLinks('kf2'));
    assert.deepEqual(first.changes, ['recreate vlan trunk-v: eth1 id 100 -> eth1 id 200', 'add address 192.168.211.2/24 to trunk-v', 'set trunk-v up']);
    assert.match(await inGuest('kf2', 'ip -d link show dev trunk-v'), /vlan protocol 802\.1Q id 200 /);
    assert.equal(await reaches('kf1', '192.168.211.2'), false, 'vlan 100 reached vlan 200: frames are not tagged');
    // Untagged, the guests still reach each other: only the tag keeps them apart.
    assert.ok(await reaches('kf1', g().host('kf2').privateAddress));
    await convergeTwice(handle('kf2'), vlan, { parent: 'eth1', id: 200, name: 'trunk-v', state: 'absent' }, () => observeLinks('kf2'));
    assert.doesNotMatch(await observeLinks('kf2'), /trunk-v/);
  });

  test('one bridge per VLAN on the trunk NIC: eth1.100 -> br-vlan100 on both guests', async () => {
    const bridged = async ([name, address]: readonly [Guest, string]) => {
      // kf1 still has eth1.100 with an address from the first test: it moves to the bridge.
      const params = { parent: 'eth1', id: 100, addresses: [], bridge: 'br-vlan100' };
      const { first } = await convergeTwice(handle(name), vlan, params, () => observeLinks(name));
      assert.ok(first.changes.includes('create bridge br-vlan100') && first.changes.includes('add eth1.100 to bridge br-vlan100'), first.changes.join('; '));
      await convergeTwice(handle(name), bridge, { name: 'br-vlan100', addresses: [address] }, () => observeLinks(name));
      const links = parseLinks(await inGuest(name, linksCommand().text));
      assert.deepEqual([links.get('eth1.100')?.master, links.get('eth1.100')?.data.id, links.get('eth1.100')?.addresses], ['br-vlan100', 100, []]);
    };
    await Promise.all([bridged(['kf1', '192.168.212.1/24']), bridged(['kf2', '192.168.212.2/24'])]);
    assert.ok(await reaches('kf1', '192.168.212.2'), 'no ping between the VLAN 100 bridges');
    // The bridge pattern takes vlan 100 only: a bridge on another VLAN of the trunk stays apart.
    await runModule(handle('kf2'), vlan, { parent: 'eth1', id: 100, state: 'absent' });
    await runModule(handle('kf2'), vlan, { parent: 'eth1', id: 300, bridge: 'br-vlan100' });
    assert.equal(await reaches('kf1', '192.168.212.2'), false, 'a bridge on vlan 300 reached vlan 100');
  });
});

describe('nfs_export and mount: a real nfsd in one guest, a client mount in the other', () => {
  test('an export made by nfs_export is mounted by the other guest and serves a file', async () => {
    const server = g().host('kf1').privateAddress;
    await inGuest('kf1', 'mkdir -p /srv/share && echo "served by nfsd" > /srv/share/hello && systemctl start nfs-server');
    const clients = [`${g().privateCidr}(ro,no_subtree_check,no_root_squash)`];
    await convergeTwice(handle('kf1'), nfsExport, { path: '/srv/share', clients }, () => inGuest('kf1', 'exportfs -s; cat /etc/exports.d/* 2>/dev/null; true'));
    const observeMount = () => inGuest('kf2', 'cat /etc/fstab; grep /mnt/share /proc/self/mountinfo || true');
    await convergeTwice(handle('kf2'), mount, { path: '/mnt/share', src: `${server}:/srv/share`, fstype: 'nfs', opts: 'ro,vers=4.2', state: 'mounted' }, observeMount);
    assert.equal(await inGuest('kf2', 'cat /mnt/share/hello'), 'served by nfsd\n');
    await convergeTwice(handle('kf2'), mount, { path: '/mnt/share', state: 'absent' }, observeMount);
    assert.doesNotMatch(await observeMount(), /\/mnt\/share/);
  });
});

describe('mount: an image file on a loop device', () => {
  test('mounted with -o loop, then found mounted (its loop device is backed by the image), and removed', async () => {
    await inGuest('kf2', 'truncate -s 32M /var/tmp/loop.img && mkfs.ext4 -q -F /var/tmp/loop.img');
    const observeMount = () => inGuest('kf2', 'cat /etc/fstab; grep " /mnt/image " /proc/self/mountinfo | cut -d" " -f5,9,10 || true');
    await convergeTwice(handle('kf2'), mount, { path: '/mnt/image', src: '/var/tmp/loop.img', fstype: 'ext4', opts: 'loop', state: 'mounted' }, observeMount);
    assert.match(await observeMount(), /\/mnt\/image ext4 \/dev\/loop\d+/);
    await convergeTwice(handle('kf2'), mount, { path: '/mnt/image', state: 'absent' }, observeMount);
  });
});

describe('modprobe: a real kernel module', () => {
  test('loads dummy with its parameter, then unloads it', async () => {
    const loaded = () => inGuest('kf1', 'grep "^dummy " /proc/modules || true; ip -o link show type dummy || true');
    await convergeTwice(handle('kf1'), modprobe, { name: 'dummy', params: 'numdummies=2' }, loaded);
    assert.match(await loaded(), /dummy1/);
    await convergeTwice(handle('kf1'), modprobe, { name: 'dummy', state: 'absent' }, loaded);
    assert.equal(await loaded(), '');
  });
});

for (const fstype of ['ext4', 'xfs'] as const) {
  describeQuotaScenario(`quota on ${fstype}, enforced by the guest's kernel`, { fstype, ground: g, host: () => handle('kf2'), hostName: 'kf2', enforced: true });
}
