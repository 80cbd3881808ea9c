// hosts_entry on a real (namespace) host: its private /etc/hosts, read back
// from outside drover after every step.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import hostsEntry from '../modules/hosts_entry.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';

const NAME = 'hostsentry';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { inHost, content } = hostFiles(NAME, () => ground);

const PATH = '/etc/hosts';
const START = '# static names\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n10.0.0.5 old.cluster demo.openchami.cluster # legacy\n\n';
beforeEach(() => inHost('cat > /etc/hosts', [], START));
const hosts = async () => (await content(PATH)) ?? '';
const resolve = async (name: string) => (await inHost('getent ahostsv4 "$1" | head -n1 | cut -d" " -f1 || true', [name])).trim();

describe('hosts_entry', () => {
  test('present: the name moves to its address, localhost and the comment stay, check mode touches nothing', async () => {
    const params = { ip: '127.0.0.1', hostnames: ['demo.openchami.cluster', 'demo'] };
    const { first } = await convergeTwice(host, hostsEntry, params, hosts);
    assert.deepEqual(first.changes, ['update /etc/hosts: 127.0.0.1 demo.openchami.cluster demo']);
    assert.equal(await hosts(), '# static names\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n10.0.0.5 old.cluster # legacy\n\n127.0.0.1 demo.openchami.cluster demo\n');
    assert.equal(await resolve('demo.openchami.cluster'), '127.0.0.1');
    assert.equal(first.diff[0]!.before, START);
  });

  test('changing the address of an entry rewrites its line in place, no duplicate', async () => {
    await runModule(host, hostsEntry, { ip: '10.1.1.1', hostnames: 'nfs.cluster' });
    await convergeTwice(host, hostsEntry, { ip: '10.1.1.2', hostnames: ['nfs.cluster'] }, hosts);
    assert.equal((await hosts()).match(/nfs\.cluster/g)?.length, 1);
    assert.match(await hosts(), /^10\.1\.1\.2 nfs\.cluster$/m);
  });

  test('aliases of the existing line are replaced; its comment is kept', async () => {
    await convergeTwice(host, hostsEntry, { ip: '10.0.0.5', hostnames: ['old.cluster', 'old'] }, hosts);
    assert.match(await hosts(), /^10\.0\.0\.5 old\.cluster old # legacy$/m);
    assert.doesNotMatch(await hosts(), /demo\.openchami/);
  });

  test('IPv4 and IPv6 entries of one name coexist; an IPv6 address compares in any spelling', async () => {
    await runModule(host, hostsEntry, { ip: '127.0.0.1', hostnames: ['localhost'] });
    assert.deepEqual((await runModule(host, hostsEntry, { ip: '0:0::1', hostnames: ['localhost', 'ip6-localhost'] })).changes, []);
    assert.match(await hosts(), /^::1\tlocalhost ip6-localhost$/m);
  });

  test('absent by names takes them off every line; a line left empty goes', async () => {
    const { first } = await convergeTwice(host, hostsEntry, { hostnames: ['old.cluster', 'demo.openchami.cluster'], state: 'absent' }, hosts);
    assert.deepEqual(first.changes, ['update /etc/hosts: remove old.cluster demo.openchami.cluster']);
    assert.equal(await hosts(), '# static names\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n\n');
  });

  test('absent by address removes its lines', async () => {
    await convergeTwice(host, hostsEntry, { ip: '::1', state: 'absent' }, hosts);
    assert.doesNotMatch(await hosts(), /ip6-localhost/);
    assert.match(await hosts(), /^127\.0\.0\.1\tlocalhost$/m);
  });

  test('a file without a final newline is left alone when the entry is there', async () => {
    await inHost('printf "127.0.0.1 localhost" > /etc/hosts');
    assert.deepEqual((await runModule(host, hostsEntry, { ip: '127.0.0.1', hostnames: 'localhost' })).changes, []);
  });

  test('bad values are errors before anything is touched', async () => {
    await assert.rejects(runModule(host, hostsEntry, { ip: '300.1.1.1', hostnames: 'x' }), /not an IPv4 or IPv6 address/);
    await assert.rejects(runModule(host, hostsEntry, { ip: '10.0.0.1', hostnames: ['a b'] }), /may not contain blanks/);
    await assert.rejects(runModule(host, hostsEntry, { hostnames: ['x'] }), /needs ip and hostnames/);
    assert.equal(await hosts(), START);
  });

  test('backup keeps the previous file; a hostile path is data', async () => {
    const path = "/srv/it's $(touch canary)/-hosts";
    await inHost('mkdir -p -- "$(dirname -- "$1")" && cat > "$1"', [path], START);
    const out = await runModule(host, hostsEntry, { path, ip: '10.9.9.9', hostnames: 'x.cluster', backup: true });
    assert.equal(await content(out.result.backup_file as string), START);
    assert.match((await content(path))!, /^10\.9\.9\.9 x\.cluster$/m);
    assert.equal(await inHost('for d in / /root /srv; do [ -e "$d/canary" ] && echo "$d"; done; true'), '');
  });
});
