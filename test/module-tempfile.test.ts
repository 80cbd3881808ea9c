// tempfile on a real host: Ansible's names (prefix 'ansible.' + 8 random
// characters + suffix), modes (0600 file, 0700 directory) and result keys
// (recorded from ansible-core 2.14: path, state, uid, gid, owner, group, mode,
// size); check mode creates nothing; each run makes a new one, changed, as
// Ansible's does.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import tempfile from '../modules/tempfile.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'tmpfh';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { fresh, inHost, snapshot } = hostFiles(NAME, () => ground);

test('a file in path: check mode makes nothing; each run a new 0600 file', async () => {
  const { dir } = await fresh(null);
  const before = await snapshot(dir);
  const planned = await runModule(host, tempfile, { path: dir }, { check: true });
  assert.deepEqual([planned.changed, planned.changes], [true, [`create a temporary file in ${dir}`]]);
  assert.equal(await snapshot(dir), before);
  const first = await runModule(host, tempfile, { path: dir });
  const second = await runModule(host, tempfile, { path: dir });
  assert.equal(first.changed && second.changed, true);
  for (const r of [first, second]) {
    assert.match(r.result.path as string, new RegExp(`^${dir}/ansible\\.[A-Za-z0-9_]{8}$`));
    assert.deepEqual(r.result, { path: r.result.path, state: 'file', uid: 0, gid: 0, owner: 'root', group: 'root', mode: '0600', size: 0 });
  }
  assert.notEqual(first.result.path, second.result.path);
  assert.equal(await inHost('ls -A "$1" | wc -l', [dir]), '2\n');
});

test('a directory with prefix and suffix, 0700; without path it goes to /tmp', async () => {
  const { dir } = await fresh(null);
  const r = await runModule(host, tempfile, { state: 'directory', path: dir, prefix: 'build-', suffix: '.d' });
  assert.match(r.result.path as string, new RegExp(`^${dir}/build-[A-Za-z0-9_]{8}\\.d$`));
  assert.equal(await inHost('stat -c "%F %a" "$1"', [r.result.path as string]), 'directory 700\n');
  const t = await runModule(host, tempfile, {});
  assert.match(t.result.path as string, /^\/tmp\/ansible\.[A-Za-z0-9_]{8}$/);
  await inHost('rm -f -- "$1"', [t.result.path as string]);
});
