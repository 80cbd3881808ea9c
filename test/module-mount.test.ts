// mount on a real (namespace) host: tmpfs and bind mounts in the host's own
// mount namespace, its private /etc/fstab; both read back outside drover.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import mount from '../modules/mount.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';

const NAME = 'mounthost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { inHost, content } = hostFiles(NAME, () => ground);

const FSTAB = '# UNCONFIGURED FSTAB FOR BASE SYSTEM\n';
/** mountpoint, type, source and super options of every mount under /mnt, as the kernel reports them. */
const mounts = () => inHost("awk '$5 ~ /^\\/mnt/ { for (i = 7; $i != \"-\"; i++); print $5, $(i+1), $(i+2), $(i+3) }' /proc/self/mountinfo");
const observe = async () => `${await content('/etc/fstab')}|${await mounts()}`;

describe('mount', () => {
  test('mounted: fstab line, mount point created, tmpfs mounted; check mode does neither', async () => {
    const params = { path: '/mnt/data', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=1m', state: 'mounted' };
    const { first } = await convergeTwice(host, mount, params, observe);
    assert.deepEqual(first.changes, ['update /etc/fstab: set /mnt/data', 'mount tmpfs on /mnt/data']);
    assert.equal(await content('/etc/fstab'), `${FSTAB}tmpfs /mnt/data tmpfs size=1m 0 0\n`);
    assert.equal(await mounts(), '/mnt/data tmpfs tmpfs rw,size=1024k\n');
  });

  test('new options: fstab updated and the running mount remounted with them', async () => {
    const { first } = await convergeTwice(host, mount, { path: '/mnt/data/', src: 'tmpfs', fstype: 'tmpfs', opts: 'size=2m', state: 'mounted' }, observe);
    assert.deepEqual(first.changes, ['update /etc/fstab: set /mnt/data', 'remount /mnt/data with size=2m']);
    assert.equal(await mounts(), '/mnt/data tmpfs tmpfs rw,size=2048k\n');
  });

  test('a new source reaches the running system (Ansible only remounts and keeps the old one)', async () => {
    const { first } = await convergeTwice(host, mount, { path: '/mnt/data', src: 'scratch', fstype: 'tmpfs', opts: 'size=2m', state: 'mounted' }, observe);
    assert.equal(first.changes[1], 'mount scratch (tmpfs) on /mnt/data instead of tmpfs (tmpfs)');
    assert.equal(await mounts(), '/mnt/data tmpfs scratch rw,size=2048k\n');
  });

  test('bind mount of a directory whose name has a blank', async () => {
    await inHost('mkdir -p "/srv/my src" && echo hello > "/srv/my src/f"');
    await convergeTwice(host, mount, { path: '/mnt/my bind', src: '/srv/my src', fstype: 'none', opts: 'bind', state: 'mounted' }, observe);
    assert.match((await content('/etc/fstab'))!, /^\/srv\/my\\040src \/mnt\/my\\040bind none bind 0 0$/m);
    assert.equal(await content('/mnt/my bind/f'), 'hello\n');
  });

  test('unmounted keeps the fstab line; present adds a line without mounting', async () => {
    await convergeTwice(host, mount, { path: '/mnt/my bind', state: 'unmounted' }, observe);
    assert.doesNotMatch(await mounts(), /my/);
    assert.match((await content('/etc/fstab'))!, /my\\040bind/);
    await convergeTwice(host, mount, { path: '/mnt/later', src: 'tmpfs', fstype: 'tmpfs', state: 'present' }, observe);
    assert.match((await content('/etc/fstab'))!, /^tmpfs \/mnt\/later tmpfs defaults 0 0$/m);
    assert.doesNotMatch(await mounts(), /later/);
  });

  test('absent unmounts and removes the line', async () => {
    const { first } = await convergeTwice(host, mount, { path: '/mnt/data', state: 'absent' }, observe);
    assert.deepEqual(first.changes, ['update /etc/fstab: remove /mnt/data', 'unmount /mnt/data']);
    assert.doesNotMatch(await observe(), /\/mnt\/data/);
  });

  test('remounted is always a change, like Ansible; a missing mount cannot be remounted', async () => {
    await runModule(host, mount, { path: '/mnt/r', src: 'tmpfs', fstype: 'tmpfs', state: 'mounted' });
    assert.equal((await runModule(host, mount, { path: '/mnt/r', state: 'remounted', opts: 'ro' })).changed, true);
    assert.match(await mounts(), /^\/mnt\/r tmpfs tmpfs ro/m);
    await assert.rejects(runModule(host, mount, { path: '/mnt/nothing', state: 'remounted' }), /is not mounted/);
  });

  test('a failing mount reports mount\'s message; a source starting with - is not an option', async () => {
    await assert.rejects(runModule(host, mount, { path: '/mnt/bad', src: '-oremount', fstype: 'nosuchfs', state: 'mounted' }), /mount.*nosuchfs|unknown filesystem type/);
    await assert.rejects(runModule(host, mount, { path: 'relative', state: 'absent' }), /must match pattern/);
  });
});
