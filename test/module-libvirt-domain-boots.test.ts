// libvirt_domain against a real libvirtd (qemu:///system, software emulation)
// inside a namespace host: a domain from typed fields (volume disk, NIC with a
// fixed MAC on a libvirt network, direct kernel boot of the test guest image's
// Debian kernel, serial console to a file) is planned in check mode without a
// trace, defined, started and seen booting the kernel, then left alone by a
// second run; a changed MAC and memory redefine it with its uuid kept; it is
// shut off, and removed. A domain from inline XML converges the same way.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import libvirtDomain from '../modules/libvirt_domain.js';
import libvirtNetwork from '../modules/libvirt_network.js';
import libvirtPool from '../modules/libvirt_pool.js';
import { ensureGuestImage } from '../runner/testground/qemu-image.js';
import type { AnyModule } from '../runner/module-api.js';
import { convergeTwice, QEMU_URI, startLibvirtHost, stopLibvirtHost, type LibvirtHost } from './support/libvirt-daemon.js';
import { runModule } from './support/module-harness.js';

let lv: LibvirtHost;
const SERIAL = '/var/log/libvirt/qemu/vm1-serial.log';
const VM1 = {
  name: 'vm1',
  domain_type: 'qemu',
  memory: 256,
  vcpus: 1,
  kernel: '/var/lib/libvirt/boot/vmlinuz',
  initrd: '/var/lib/libvirt/boot/initrd.img',
  cmdline: 'console=ttyS0 root=/dev/vda rw',
  disks: [{ pool: 'vmdisks', volume: 'vm1.qcow2', format: 'qcow2' }],
  interfaces: [{ network: 'boot', mac: '52:54:00:12:34:56' }],
  serial_log: SERIAL,
  state: 'running',
  autostart: true,
};

before(async () => {
  // The guest image may have to be built first (minutes, once per recipe); its kernel is what boots.
  const image = await ensureGuestImage();
  lv = await startLibvirtHost('vmhost');
  // The host's /root is private, so the kernel and initrd are copied where libvirt keeps boot files.
  await lv.ground.exec(lv.name, ['sh', '-c', 'cat > /var/lib/libvirt/boot/vmlinuz'], { stdin: readFileSync(image.kernel) });
  await lv.ground.exec(lv.name, ['sh', '-c', 'cat > /var/lib/libvirt/boot/initrd.img'], { stdin: readFileSync(image.initrd) });
  await runModule(lv.host, libvirtNetwork, { uri: QEMU_URI, name: 'boot', bridge: 'virbr20', address: '192.168.88.1', dhcp_range: { start: '192.168.88.10', end: '192.168.88.20' } });
  await runModule(lv.host, libvirtPool, { uri: QEMU_URI, name: 'vmdisks', path: '/srv/vmdisks', volumes: [{ name: 'vm1.qcow2', capacity: '64M', format: 'qcow2' }] });
});
after(() => stopLibvirtHost(lv));

const converge = (module: AnyModule, params: Record<string, unknown>, changes: string[]) => convergeTwice(lv, module, params, changes);

async function waitFor(what: string, ms: number, probe: () => Promise<boolean>): Promise<void> {
  const end = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > end) throw new Error(`${what} not seen after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const dominfo = () => lv.virsh('dominfo', '--domain', 'vm1');
const serialLog = () => lv.sh('cat -- "$1" 2>/dev/null; true', SERIAL);

describe('libvirt_domain', () => {
  test('check mode on fresh state: plans define, autostart and start; defines nothing', async () => {
    const out = await runModule(lv.host, libvirtDomain, { uri: QEMU_URI, ...VM1 }, { check: true });
    assert.deepEqual(out.changes, ['define domain vm1', 'enable autostart of domain vm1', 'start domain vm1']);
    assert.match(out.diff[0]?.after ?? '', /<mac address='52:54:00:12:34:56'\/>/);
    assert.doesNotMatch(await lv.virsh('list', '--all', '--name'), /vm1/);
  });
  test('defined from fields, started, boots its kernel; then 0 changed', async (t) => {
    const started = Date.now();
    await converge(libvirtDomain, VM1, ['define domain vm1', 'enable autostart of domain vm1', 'start domain vm1']);
    assert.match(await dominfo(), /State:\s+running[\s\S]*Autostart:\s+enable/);
    // From the kernel's first line to the initramfs it unpacked running as PID 1.
    await waitFor('the kernel booting into its initramfs on the serial console', 90_000, async () => /Run \/init as init process/.test(await serialLog()));
    const log = await serialLog();
    t.diagnostic(`serial console after ${Date.now() - started} ms: ${/Linux version \S+/.exec(log)?.[0]} ... ${/Run \/init as init process/.exec(log)?.[0]}`);
    assert.match(log, /Linux version \S+/);
    assert.match(log, /Command line: console=ttyS0 root=\/dev\/vda rw/);
    assert.match(await lv.virsh('domiflist', '--domain', 'vm1'), /boot\s+virtio\s+52:54:00:12:34:56/);
  });
  test('a changed MAC and memory: redefined with its uuid, while it runs', async () => {
    const uuid = await lv.virsh('domuuid', '--domain', 'vm1');
    await converge(libvirtDomain, { ...VM1, memory: 320, interfaces: [{ network: 'boot', mac: '52:54:00:12:34:57' }] }, [
      'redefine domain vm1 (it is running: the new definition takes effect when it next starts)',
    ]);
    assert.equal(await lv.virsh('domuuid', '--domain', 'vm1'), uuid);
    const inactive = await lv.virsh('dumpxml', '--inactive', '--domain', 'vm1');
    assert.match(inactive, /52:54:00:12:34:57/);
    assert.match(inactive, /<memory unit='KiB'>327680<\/memory>/);
  });
  test('shut off (the initramfs ignores ACPI: forced off after the timeout), then removed', async () => {
    const shutoff = { ...VM1, memory: 320, interfaces: [{ network: 'boot', mac: '52:54:00:12:34:57' }], state: 'shutoff', shutdown_timeout: 2 };
    await converge(libvirtDomain, shutoff, ['shut down domain vm1']);
    assert.match(await dominfo(), /State:\s+shut off/);
    await converge(libvirtDomain, { name: 'vm1', state: 'absent' }, ['undefine domain vm1']);
    assert.doesNotMatch(await lv.virsh('list', '--all', '--name'), /vm1/);
    assert.equal((await lv.ground.exec(lv.name, ['test', '-f', '/srv/vmdisks/vm1.qcow2'])).rc, 0, 'disk images are kept');
  });
  test('inline XML: defined, then 0 changed; xml and a later edit of it redefine', async () => {
    const xml = (mem: number) =>
      `<domain type='qemu'><name>vm2</name><memory unit='MiB'>${mem}</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type><boot dev='hd'/></os>` +
      `<devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/srv/vmdisks/vm1.qcow2'/><target dev='vda' bus='virtio'/></disk><graphics type='vnc' port='-1' listen='127.0.0.1'/></devices></domain>`;
    await converge(libvirtDomain, { name: 'vm2', xml: xml(128) }, ['define domain vm2']);
    await converge(libvirtDomain, { name: 'vm2', xml: xml(192) }, ['redefine domain vm2']);
    await converge(libvirtDomain, { name: 'vm2', state: 'absent' }, ['undefine domain vm2']);
  });
});
