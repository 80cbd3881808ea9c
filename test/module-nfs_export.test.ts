// nfs_export on a real (namespace) host, file side: Debian's exportfs reads
// the host's private /etc/exports.d and keeps its export table in
// /var/lib/nfs/etab, read back with `exportfs -s` outside drover. The NFS
// server itself (nfsd) and client mounts need a kernel this machine lacks.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import nfsExport from '../modules/nfs_export.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';

const NAME = 'nfshost';
let ground: TestGround;
let host: HostHandle;
before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  await inHost('mkdir -p /srv/nfs/home "/srv/nfs/my data" /srv/other');
});
after(() => stopModuleHost(ground));
const { inHost, content } = hostFiles(NAME, () => ground);

const FILE = '/etc/exports.d/srv-nfs-home.exports';
const table = () => inHost('exportfs -s');
const observe = async () => `${await inHost('cat /etc/exports.d/* 2>/dev/null; true')}|${await table()}`;

describe('nfs_export', () => {
  test('present: its own exports.d file, then exportfs -ra; check mode does neither', async () => {
    const params = { path: '/srv/nfs/home', clients: ['*(ro,no_root_squash,no_subtree_check,async,fsid=0)', '10.0.0.0/24(rw,sync,no_subtree_check)'] };
    const { first } = await convergeTwice(host, nfsExport, params, observe);
    assert.deepEqual(first.changes, [`create ${FILE}: export /srv/nfs/home`, 'reload the export table (exportfs -ra)']);
    assert.equal(await content(FILE), '/srv/nfs/home *(ro,no_root_squash,no_subtree_check,async,fsid=0) 10.0.0.0/24(rw,sync,no_subtree_check)\n');
    assert.match(await table(), /^\/srv\/nfs\/home\s+\*\(async,.*fsid=0,.*ro,no_root_squash/m);
    assert.match(await table(), /^\/srv\/nfs\/home\s+10\.0\.0\.0\/24\(sync,.*rw,/m);
  });

  test('a file that is right but never loaded is a reload only', async () => {
    await inHost('exportfs -ua');
    const { first } = await convergeTwice(host, nfsExport, { path: '/srv/nfs/home/', clients: '*(ro,no_root_squash,no_subtree_check,async,fsid=0) 10.0.0.0/24(rw,sync,no_subtree_check)' }, observe);
    assert.deepEqual(first.changes, ['reload the export table (exportfs -ra)']);
  });

  test('new clients rewrite the line; other lines of a shared file stay', async () => {
    await inHost('echo "/srv/other 10.9.0.0/16(ro,no_subtree_check)" > /etc/exports');
    await runModule(host, nfsExport, { path: '/srv/other', clients: ['10.9.0.0/16(ro,no_subtree_check)'], file: '/etc/exports' });
    await convergeTwice(host, nfsExport, { path: '/srv/nfs/my data', clients: ['*(rw,no_subtree_check)'], file: '/etc/exports' }, observe);
    assert.equal(await content('/etc/exports'), '/srv/other 10.9.0.0/16(ro,no_subtree_check)\n"/srv/nfs/my data" *(rw,no_subtree_check)\n');
    assert.match(await table(), /^\/srv\/nfs\/my\\040data\s+\*\(/m);
    await convergeTwice(host, nfsExport, { path: '/srv/nfs/my data', clients: ['10.1.0.0/16(ro,no_subtree_check)'], file: '/etc/exports' }, observe);
    assert.doesNotMatch(await table(), /my\\040data\s+\*/);
  });

  test('absent removes the line, the emptied exports.d file, and the export', async () => {
    const { first } = await convergeTwice(host, nfsExport, { path: '/srv/nfs/home', state: 'absent' }, observe);
    assert.deepEqual(first.changes, [`remove ${FILE}: unexport /srv/nfs/home`, 'reload the export table (exportfs -ra)']);
    assert.equal(await content(FILE), null);
    assert.doesNotMatch(await table(), /nfs\/home/);
  });

  test('option names are checked against exports(5) before anything is written', async () => {
    const before = await observe();
    await assert.rejects(runModule(host, nfsExport, { path: '/srv/nfs/home', clients: ['*(ro,noatime)'] }), /unknown export option 'noatime' in client '\*\(ro,noatime\)'.*mount option/);
    await assert.rejects(runModule(host, nfsExport, { path: '/srv/nfs/home', clients: ['*(ro,no_root_sqash)'] }), /unknown export option 'no_root_sqash'/);
    await assert.rejects(runModule(host, nfsExport, { path: '/srv/nfs/home', clients: ['*(fsid)'] }), /needs a value/);
    await assert.rejects(runModule(host, nfsExport, { path: '/srv/nfs/home', clients: ['*(ro'] }), /is not 'HOST\(OPTIONS\)'/);
    await assert.rejects(runModule(host, nfsExport, { path: '/srv/nfs/home' }), /clients is required/);
    assert.equal(await observe(), before);
  });

  test('every option drover accepts is accepted by exportfs itself', async () => {
    const options = 'secure,insecure,rw,ro,async,sync,wdelay,no_wdelay,hide,nohide,crossmnt,subtree_check,no_subtree_check,insecure_locks,no_auth_nlm,secure_locks,auth_nlm,mountpoint,mp=/srv,fsid=7,nordirplus,refer=/a@h,replicas=/a@h,pnfs,no_pnfs,security_label,root_squash,no_root_squash,all_squash,no_all_squash,anonuid=1,anongid=1,sec=sys,acl,no_acl';
    // One client holding them all: exportfs names the first keyword it does not know.
    await runModule(host, nfsExport, { path: '/srv/other', clients: [`10.2.0.0/16(${options})`], file: '/etc/exports.d/opt.exports' });
    assert.match(await table(), /^\/srv\/other\s+10\.2\.0\.0\/16\(/m);
    await runModule(host, nfsExport, { path: '/srv/other', state: 'absent', file: '/etc/exports.d/opt.exports' });
  });
});
