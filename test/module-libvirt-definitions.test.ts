// The libvirt modules' XML side against libvirt's own test driver (no
// daemon): the XML drover writes is accepted by libvirt and, read back with
// libvirt's defaults added, compares equal (no perpetual change); real
// differences (a MAC, a DHCP range, a removed disk, the boot order) are found;
// and each module's plan reads an existing state described by a fixture
// (test:///PATH.xml). The test driver forgets everything when virsh exits, so
// applying twice is proven under libvirtd: module-libvirt-qemu.test.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import libvirtDomain from '../modules/libvirt_domain.js';
import libvirtNetwork, { networkXml } from '../modules/libvirt_network.js';
import libvirtPool from '../modules/libvirt_pool.js';
import { compareDefinitions } from '../modules/support/libvirt-compare.js';
import { domainXml } from '../modules/support/libvirt-domain-xml.js';
import { keepUuid } from '../modules/support/libvirt-virsh.js';
import { parseSize } from '../modules/support/libvirt-volumes.js';
import { parseXml, serializeXml, type XmlElement } from '../modules/support/libvirt-xml.js';
import { openConnection } from '../runner/connection/open.js';
import { HostHandle } from '../runner/host/handle.js';
import { runModule } from './support/module-harness.js';

const FIXTURE = `test://${fileURLToPath(new URL('./fixtures/libvirt/node.xml', import.meta.url))}`;
const local = new HostHandle('local', openConnection({ name: 'local', transport: 'local', address: 'localhost', port: 0, user: 'root' }), { loginUser: 'root' });

/** Define `xml` in a fresh test driver and return libvirt's definition of it, as libvirt prints it. */
function roundTrip(kind: 'domain' | 'network' | 'pool', xml: XmlElement): XmlElement {
  const name = xml.children.find((c) => c.tag === 'name')?.text as string;
  const [define, dump] = { domain: ['define', 'dumpxml --inactive'], network: ['net-define', 'net-dumpxml'], pool: ['pool-define', 'pool-dumpxml'] }[kind];
  const dir = mkdtempSync(join(tmpdir(), 'drover-libvirt-'));
  try {
    writeFileSync(join(dir, 'def.xml'), serializeXml(xml));
    return parseXml(execFileSync('virsh', ['-q', '-c', 'test:///default', `${define} ${join(dir, 'def.xml')}; ${dump} ${name}`], { encoding: 'utf8' }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const WEB1 = {
  domain_type: 'qemu',
  memory: 512,
  vcpus: 2,
  pxe: true,
  disks: [{ path: '/var/lib/libvirt/images/web1.img' }],
  interfaces: [{ network: 'lab', mac: '52:54:00:AA:00:01' }],
} as const;

describe('libvirt XML reading and writing', () => {
  test('parses what libvirt writes and writes it back', () => {
    const doc = parseXml(`<?xml version="1.0"?>\n<!-- c --><domain type="kvm"><name>a &amp; b</name><os><cmdline><![CDATA[x<y & z]]></cmdline><boot dev='hd'/></os></domain>`);
    assert.equal(doc.children[0]?.text, 'a & b');
    assert.equal(doc.children[1]?.children[0]?.text, 'x<y & z');
    assert.equal(serializeXml(doc), "<domain type='kvm'>\n  <name>a &amp; b</name>\n  <os>\n    <cmdline>x&lt;y &amp; z</cmdline>\n    <boot dev='hd'/>\n  </os>\n</domain>\n");
    assert.deepEqual(parseXml(serializeXml(doc)), doc);
  });
  test('reports malformed XML with its line', () => {
    assert.throws(() => parseXml('<domain>\n<name>x</nam>\n</domain>'), /invalid XML at line 2: expected <\/name>/);
    assert.throws(() => parseXml('<domain>'), /not closed/);
  });
  test('sizes are binary, as virsh reads them', () => {
    assert.equal(parseSize('10G'), 10 * 2 ** 30);
    assert.equal(parseSize('512MiB'), 512 * 2 ** 20);
    assert.equal(parseSize(4096), 4096);
    assert.throws(() => parseSize('ten'), /not a size/);
  });
});

describe("libvirt's defaults never count as a change", () => {
  const cases: Array<[string, 'domain' | 'network' | 'pool', XmlElement]> = [
    ['typed domain (disk, fixed MAC, PXE, serial log)', 'domain', domainXml('vm1', { ...WEB1, serial_log: '/tmp/vm1.log' })],
    ['typed domain (direct kernel boot, volume disk)', 'domain', domainXml('vm2', { memory: 256, kernel: '/boot/k', initrd: '/boot/i', cmdline: 'console=ttyS0', disks: [{ pool: 'default-pool', volume: 'x', format: 'qcow2' }] })],
    ['NAT network with DHCP range and hosts', 'network', networkXml('net1', { bridge: 'virbr5', address: '10.9.0.1', dhcp_range: { start: '10.9.0.10', end: '10.9.0.20' }, dhcp_hosts: [{ mac: '52:54:00:00:00:0A', ip: '10.9.0.11', name: 'a' }] })],
    ['isolated network', 'network', networkXml('net2', { forward: 'isolated', address: '10.9.1.1', netmask: '255.255.255.0' })],
    ['dir pool', 'pool', parseXml("<pool type='dir'><name>p1</name><target><path>/srv/p1</path></target></pool>")],
  ];
  for (const [name, kind, xml] of cases) {
    test(name, () => {
      const libvirts = roundTrip(kind, xml);
      assert.notEqual(serializeXml(libvirts), serializeXml(xml), 'libvirt added its defaults');
      const c = compareDefinitions(xml, libvirts);
      assert.ok(c.same, `before:\n${c.before}\nafter:\n${c.after}`);
    });
  }
});

describe('real differences are found, and shown as the fields that differ', () => {
  const current = roundTrip('domain', domainXml('web1', WEB1));
  test('a changed MAC', () => {
    const c = compareDefinitions(domainXml('web1', { ...WEB1, interfaces: [{ network: 'lab', mac: '52:54:00:aa:00:02' }] }), current);
    assert.equal(c.same, false);
    assert.match(c.before, /52:54:00:aa:00:01/);
    assert.match(c.after, /52:54:00:aa:00:02/);
    assert.doesNotMatch(c.before, /uuid|placement|on_reboot/, 'only the fields the task states');
  });
  test('a removed disk', () => {
    const c = compareDefinitions(domainXml('web1', { ...WEB1, disks: [] }), current);
    assert.equal(c.same, false);
    assert.match(c.before, /web1\.img/);
  });
  test('a changed boot order, and a memory size in other units', () => {
    assert.equal(compareDefinitions(domainXml('web1', { ...WEB1, pxe: undefined, boot: ['hd', 'network'] }), current).same, false);
    const inKiB = parseXml(serializeXml(domainXml('web1', WEB1)).replace("<memory unit='MiB'>512", "<memory unit='KiB'>524288"));
    assert.equal(compareDefinitions(inKiB, current).same, true);
  });
  test('a NAT network made isolated loses its <forward>', () => {
    const nat = roundTrip('network', networkXml('n', { address: '10.9.2.1' }));
    const c = compareDefinitions(networkXml('n', { forward: 'isolated', address: '10.9.2.1' }), nat);
    assert.equal(c.same, false);
    assert.match(c.before, /<forward mode='nat'/);
  });
  test('redefinition keeps the uuid, and refuses another one', () => {
    const uuid = current.children.find((c) => c.tag === 'uuid')?.text as string;
    assert.equal(keepUuid(domainXml('web1', WEB1), current, 'domain web1').children[1]?.text, uuid);
    const other = parseXml(serializeXml(domainXml('web1', WEB1)).replace('</name>', '</name><uuid>00000000-0000-0000-0000-000000000001</uuid>'));
    assert.throws(() => keepUuid(other, current, 'domain web1'), /exists with uuid/);
  });
});

describe('plans read the existing state (fixture in the test driver)', () => {
  const plan = (module: Parameters<typeof runModule>[1], params: Record<string, unknown>) => runModule(local, module, { uri: FIXTURE, ...params }, { check: true });

  test('domain: matching fields and state: nothing to do', async () => {
    const out = await plan(libvirtDomain, { name: 'web1', state: 'running', autostart: false, ...WEB1 });
    assert.deepEqual(out.changes, []);
    assert.equal(out.result.state, 'running');
  });
  test('domain: a new MAC redefines it, a running domain is told so', async () => {
    const out = await plan(libvirtDomain, { name: 'web1', ...WEB1, interfaces: [{ network: 'lab', mac: '52:54:00:aa:00:09' }] });
    assert.deepEqual(out.changes, ['redefine domain web1 (it is running: the new definition takes effect when it next starts)']);
    assert.match(out.diff[0]?.after ?? '', /52:54:00:aa:00:09/);
  });
  test('domain: shut off, autostart, absent, and a new one', async () => {
    assert.deepEqual((await plan(libvirtDomain, { name: 'web1', state: 'shutoff', autostart: true, ...WEB1 })).changes, ['enable autostart of domain web1', 'shut down domain web1']);
    assert.deepEqual((await plan(libvirtDomain, { name: 'web1', state: 'absent' })).changes, ['undefine domain web1 (forced off first)']);
    const created = await plan(libvirtDomain, { name: 'db1', state: 'running', memory: 128 });
    assert.deepEqual(created.changes, ['define domain db1', 'start domain db1']);
    assert.match(created.diff[0]?.after ?? '', /<name>db1<\/name>/);
  });
  test('domain: xml and fields are exclusive; the XML name must match', async () => {
    await assert.rejects(plan(libvirtDomain, { name: 'web1', xml: '<domain/>', memory: 1 }), /xml or as fields, not both \(also given: memory\)/);
    await assert.rejects(plan(libvirtDomain, { name: 'web1', xml: "<domain type='qemu'><name>other</name></domain>" }), /named 'other'/);
    await assert.rejects(plan(libvirtDomain, { name: 'web1', xml: '<network/>' }), /root element must be <domain>/);
  });
  test('network: same fields nothing, a new DHCP range redefines and restarts', async () => {
    const lab = { name: 'lab', bridge: 'virbr7', address: '192.168.77.1', dhcp_range: { start: '192.168.77.10', end: '192.168.77.50' }, dhcp_hosts: [{ mac: '52:54:00:aa:00:01', name: 'web1', ip: '192.168.77.11' }] };
    assert.deepEqual((await plan(libvirtNetwork, lab)).changes, []);
    const out = await plan(libvirtNetwork, { ...lab, dhcp_range: { start: '192.168.77.100', end: '192.168.77.150' } });
    assert.deepEqual(out.changes, ['redefine network lab and restart it to apply the new definition']);
    assert.deepEqual(await plan(libvirtNetwork, { name: 'lab', state: 'absent' }).then((o) => o.changes), ['stop and undefine network lab']);
  });
  test('pool: volumes are read by capacity; new ones created, smaller ones grown', async () => {
    const pool = { name: 'images', path: '/var/lib/libvirt/images' };
    assert.deepEqual((await plan(libvirtPool, { ...pool, volumes: [{ name: 'base.img', capacity: '1G' }] })).changes, []);
    const out = await plan(libvirtPool, { ...pool, autostart: true, volumes: [{ name: 'base.img', capacity: '2G' }, { name: 'new.qcow2', capacity: '10M', format: 'qcow2' }, { name: 'copy.img', clone_from: 'base.img' }] });
    assert.deepEqual(out.changes, [
      'enable autostart of pool images',
      'grow volume base.img in pool images from 1073741824 to 2147483648 bytes',
      'create volume new.qcow2 in pool images (10485760 bytes, qcow2)',
      'create volume copy.img in pool images as a copy of base.img',
    ]);
    assert.deepEqual((await plan(libvirtPool, { ...pool, path: '/srv/images' })).changes, ['redefine pool images and restart it to apply the new definition', 'create directory /srv/images']);
  });
});
