// package / apt on a real (namespace) host. The hosts have no network, so the
// test builds tiny .deb packages inside the host (dpkg-deb) and serves them
// from a file-based apt repository there (dpkg-scanpackages; `deb
// [trusted=yes] file:/srv/repo ./`). Every write stays in the host's overlay.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import pkg, { apt } from '../modules/package.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { AnyModule } from '../runner/module-api.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

const NAME = 'pkghost';
let ground: TestGround;
let host: HostHandle;

/** dpkg-scanpackages comes from dpkg-dev; hosts share the machine's / as their lower layer. */
function ensureControllerTools(): void {
  if (spawnSync('sh', ['-c', 'command -v dpkg-scanpackages && command -v dpkg-deb']).status === 0) return;
  const r = spawnSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'dpkg-dev'], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('the package tests need dpkg-dev on the machine (apt-get install dpkg-dev)');
}

/** Build NAME VERSION [conffile] into /srv/repo and re-index. Values come in as argv, never as shell text. */
const PUBLISH = `set -e
name=$1 version=$2 conf=$3
d=$(mktemp -d)
mkdir -p "$d/DEBIAN" "$d/usr/share/drover-test"
printf 'Package: %s\\nVersion: %s\\nArchitecture: all\\nMaintainer: drover tests <tests@example.org>\\nDescription: drover test package\\n' "$name" "$version" > "$d/DEBIAN/control"
echo "$version" > "$d/usr/share/drover-test/$name"
if [ -n "$conf" ]; then mkdir -p "$d/etc"; echo "setting=1" > "$d/etc/$name.conf"; echo "/etc/$name.conf" > "$d/DEBIAN/conffiles"; fi
mkdir -p /srv/repo
dpkg-deb --build --root-owner-group "$d" "/srv/repo/\${name}_\${version}_all.deb" >/dev/null
rm -rf "$d"
cd /srv/repo && dpkg-scanpackages --multiversion . /dev/null 2>/dev/null > Packages && gzip -kf Packages`;

async function publish(name: string, version: string, conffile = false): Promise<void> {
  const r = await ground.exec(NAME, ['sh', '-c', PUBLISH, 'sh', name, version, conffile ? 'yes' : '']);
  assert.equal(r.rc, 0, r.stderr);
}

/** dpkg's view, asked directly on the host (not through the module); 'unknown' once dpkg has forgotten it. */
async function dpkgStatus(name: string): Promise<string> {
  const r = await ground.exec(NAME, ['dpkg-query', '-W', '-f=${db:Status-Status} ${Version}', '--', name]);
  return r.rc === 0 ? r.stdout : 'unknown';
}

before(async () => {
  ensureControllerTools();
  ground = await startHosts({ names: [NAME] });
  // Only the local repository: the host has no route to any mirror.
  const sources = await ground.exec(NAME, ['sh', '-c', `set -e
mkdir -p /etc/apt/sources.list.d.off
for f in /etc/apt/sources.list /etc/apt/sources.list.d/*; do if [ -e "$f" ]; then mv "$f" /etc/apt/sources.list.d.off/; fi; done
echo 'deb [trusted=yes] file:/srv/repo ./' > /etc/apt/sources.list.d/drover-test.list`]);
  assert.equal(sources.rc, 0, sources.stderr);
  await publish('drover-foo', '1.0');
  await publish('drover-bar', '1.0');
  await publish('drover-baz', '1.0', true);
  const update = await ground.exec(NAME, ['apt-get', '-q', 'update']);
  assert.equal(update.rc, 0, update.stderr);
  host = await connectModuleHost(ground, NAME);
});
after(async () => {
  await stopModuleHost(ground);
});

/** Applied twice: the first run makes `changes`, the second plans none. */
async function converge(module: AnyModule, params: Record<string, unknown>, changes: string[]) {
  const first = await runModule(host, module, params);
  assert.deepEqual(first.changes, changes);
  assert.equal(first.changed, true);
  const second = await runModule(host, module, params);
  assert.deepEqual(second.changes, [], 'second run must plan no changes');
  assert.equal(second.changed, false);
  return first;
}

describe('package and apt converge', () => {
  test('check mode on fresh state lists the installs and installs nothing', async () => {
    const out = await runModule(host, pkg, { name: ['drover-foo', 'drover-bar'] }, { check: true });
    assert.deepEqual(out.changes, ['install drover-foo', 'install drover-bar']);
    assert.equal(out.planOnly, true);
    assert.deepEqual(out.diff[0], { label: 'packages', before: 'drover-foo (not installed)\ndrover-bar (not installed)\n', after: 'drover-foo 1.0\ndrover-bar 1.0\n' });
    assert.equal(await dpkgStatus('drover-foo'), 'unknown');
  });

  const CASES: { name: string; module: AnyModule; params: Record<string, unknown>; changes: string[]; after: Record<string, string> }[] = [
    { name: 'package: install two (one apt-get call)', module: pkg, params: { name: ['drover-foo', 'drover-bar'], state: 'present' }, changes: ['install drover-foo', 'install drover-bar'], after: { 'drover-foo': 'installed 1.0', 'drover-bar': 'installed 1.0' } },
    { name: 'apt: a pinned version already installed', module: apt, params: { name: 'drover-bar=1.0' }, changes: [], after: { 'drover-bar': 'installed 1.0' } },
    { name: 'apt: absent (removed)', module: apt, params: { pkg: 'drover-bar', state: 'removed' }, changes: ['remove drover-bar 1.0'], after: { 'drover-bar': 'unknown' } },
    { name: 'apt: a conffile package, comma-separated names', module: apt, params: { name: 'drover-baz,drover-foo', state: 'installed' }, changes: ['install drover-baz'], after: { 'drover-baz': 'installed 1.0' } },
    { name: 'apt: remove keeps configuration files', module: apt, params: { name: 'drover-baz', state: 'absent' }, changes: ['remove drover-baz 1.0'], after: { 'drover-baz': 'config-files 1.0' } },
    { name: 'apt: purge removes them', module: apt, params: { name: 'drover-baz', state: 'absent', purge: true }, changes: ['purge the configuration files of drover-baz'], after: { 'drover-baz': 'unknown' } },
  ];
  for (const c of CASES) {
    test(c.name, async () => {
      if (c.changes.length) await converge(c.module, c.params, c.changes);
      else assert.deepEqual((await runModule(host, c.module, c.params)).changes, []);
      for (const [name, status] of Object.entries(c.after)) assert.equal(await dpkgStatus(name), status);
    });
  }

  test('latest with update_cache: the plan sees the new version without touching the real cache', async () => {
    await publish('drover-foo', '1.1');
    const params = { name: 'drover-foo', state: 'latest', update_cache: true };
    const planned = await runModule(host, apt, params, { check: true });
    assert.deepEqual(planned.changes, ['update the package cache', 'upgrade drover-foo: 1.0 -> 1.1']);
    // The real lists still only know 1.0: the plan read a temporary copy.
    const policy = await ground.exec(NAME, ['apt-cache', 'policy', 'drover-foo']);
    assert.match(policy.stdout, /Candidate: 1\.0\n/);
    const first = await converge(apt, params, ['update the package cache', 'upgrade drover-foo: 1.0 -> 1.1']);
    assert.equal(first.result.cache_updated, true);
    assert.equal(await dpkgStatus('drover-foo'), 'installed 1.1');
  });

  test('update_cache alone, with cache_valid_time', async () => {
    await ground.exec(NAME, ['sh', '-c', "touch -d '2 hours ago' /var/lib/apt/lists; rm -f /var/lib/apt/periodic/update-success-stamp"]);
    await converge(apt, { update_cache: true, cache_valid_time: 3600 }, ['update the package cache']);
  });
});

describe('failures', () => {
  test('a package no repository has fails in plan (so --check fails too)', async () => {
    await assert.rejects(runModule(host, pkg, { name: 'drover-nope' }, { check: true }), /No package matching 'drover-nope' is available/);
  });
  test('a version with state latest', async () => {
    await assert.rejects(runModule(host, apt, { name: 'drover-foo=1.1', state: 'latest' }), /version number inconsistent with state=latest/);
  });
});

describe('hostile values never run', () => {
  const HOSTILE = [
    `it's "quoted"`, 'two  spaces', '$(touch /tmp/canary)', '`touch /tmp/canary`', '; touch /tmp/canary', '| touch /tmp/canary',
    '&& touch /tmp/canary', '> /tmp/canary', 'line1\nline2', 'ünïcödé', '-rf', '--help', '$HOME', '*', 'drover-*', '\\', "'",
  ];
  test('as package names: refused by name, verbatim in the message', async () => {
    for (const name of HOSTILE) {
      await assert.rejects(runModule(host, pkg, { name: [name], state: 'absent' }), (e: Error) => e.message.includes(JSON.stringify(name)));
    }
  });
  test('as default_release: one word to apt-get -t', async () => {
    await publish('drover-qux', '1.0');
    await ground.exec(NAME, ['apt-get', '-q', 'update']);
    await assert.rejects(runModule(host, apt, { name: 'drover-qux', default_release: '$(touch /tmp/canary); `touch /tmp/canary`' }), /failed/);
    assert.equal(await dpkgStatus('drover-qux'), 'unknown');
  });
  after(async () => {
    assert.notEqual((await ground.exec(NAME, ['test', '-e', '/tmp/canary'])).rc, 0, 'a hostile value was executed');
    // Nothing was removed by a pattern: the installed test package is still there.
    assert.equal(await dpkgStatus('drover-foo'), 'installed 1.1');
  });
});
