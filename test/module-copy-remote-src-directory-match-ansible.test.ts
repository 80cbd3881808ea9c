// copy with remote_src and a directory src, as ansible-core 2.14 answered
// (copy on localhost, recorded): 'src/' copies what is in src into dest,
// 'src' copies src itself as dest/src; files and directories keep their
// source modes; links stay links unless local_follow is true; the second run
// is ok; the result has checksum and md5sum null and dest as the module names
// it ('dest/' once dest is a directory); a dest in a missing directory fails.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import copy from '../modules/copy.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'copyrsd';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { fresh, inHost } = hostFiles(NAME, () => ground);

async function sourceTree(): Promise<string> {
  const { dir } = await fresh(null);
  await inHost("mkdir -p \"$1\"/src/sub && printf 'one\\n' > \"$1\"/src/f1 && chmod 0600 \"$1\"/src/f1 && printf 'twelve\\n' > \"$1\"/src/sub/f12 && chmod 0750 \"$1\"/src/sub && ln -s sub/f12 \"$1\"/src/lnk", [dir]);
  return dir;
}
const listing = (dir: string, top: string) => inHost("cd \"$1\" && find \"$2\" -printf '%p %M %l\\n' | sort", [dir, top]);
const DIR_KEYS = { gid: 0, group: 'root', mode: '0755', owner: 'root', state: 'directory', uid: 0 };

test("'src/' into a new dest: check mode writes nothing, then the tree with its modes and links, then ok", async () => {
  const dir = await sourceTree();
  const params = { remote_src: true, src: `${dir}/src/`, dest: `${dir}/t1` };
  const planned = await runModule(host, copy, params, { check: true });
  assert.equal(planned.changed, true);
  assert.deepEqual(planned.result, { dest: `${dir}/t1`, src: `${dir}/src/`, checksum: null, md5sum: null });
  assert.equal(await inHost('ls "$1"', [dir]), 'src\n');
  const first = await runModule(host, copy, params);
  assert.equal(first.changed, true);
  const { size, ...keys } = first.result;
  assert.deepEqual(keys, { ...DIR_KEYS, dest: `${dir}/t1`, src: `${dir}/src/`, checksum: null, md5sum: null });
  assert.equal(typeof size, 'number');
  assert.equal(await listing(dir, 't1'), ['t1 drwxr-xr-x ', 't1/f1 -rw------- ', 't1/lnk lrwxrwxrwx sub/f12', 't1/sub drwxr-x--- ', 't1/sub/f12 -rw-r--r-- ', ''].join('\n'));
  const second = await runModule(host, copy, params);
  assert.equal(second.changed, false);
  assert.equal(second.result.dest, `${dir}/t1/`);
});

test("'src' with local_follow: true makes dest/src, the link copied as the file it points to", async () => {
  const dir = await sourceTree();
  const params = { remote_src: true, src: `${dir}/src`, dest: `${dir}/t2`, local_follow: true };
  assert.equal((await runModule(host, copy, params)).changed, true);
  const lines = (await listing(dir, 't2')).split('\n');
  assert.deepEqual(lines.filter((l) => l.startsWith('t2/src/')).map((l) => l.split(' ')[0]), ['t2/src/f1', 't2/src/lnk', 't2/src/sub', 't2/src/sub/f12']);
  assert.match(lines.find((l) => l.startsWith('t2/src/lnk'))!, /^t2\/src\/lnk -rw-r--r-- $/);
  const second = await runModule(host, copy, params);
  assert.equal(second.changed, false);
  assert.equal(second.result.dest, `${dir}/t2/src`);
});

test("'src/' into an existing directory with local_follow: false keeps the link; a dest in a missing directory fails", async () => {
  const dir = await sourceTree();
  await inHost('mkdir "$1"/t3', [dir]);
  const params = { remote_src: true, src: `${dir}/src/`, dest: `${dir}/t3`, local_follow: false };
  const first = await runModule(host, copy, params);
  assert.equal(first.changed, true);
  assert.equal(first.result.dest, `${dir}/t3/`);
  assert.equal(await listing(dir, 't3'), ['t3 drwxr-xr-x ', 't3/f1 -rw------- ', 't3/lnk lrwxrwxrwx sub/f12', 't3/sub drwxr-x--- ', 't3/sub/f12 -rw-r--r-- ', ''].join('\n'));
  assert.equal((await runModule(host, copy, params)).changed, false);
  await assert.rejects(runModule(host, copy, { ...params, dest: `${dir}/x/y` }), new RegExp(`^ModuleFailure: Destination directory ${dir}/x does not exist$`));
});

test('owner and group are set on everything copied, directories and links too; a second run is ok', async () => {
  const dir = await sourceTree();
  const params = { remote_src: true, src: `${dir}/src/`, dest: `${dir}/t4`, owner: 'nobody', group: 'nogroup' };
  assert.equal((await runModule(host, copy, params)).changed, true);
  assert.equal(await inHost("cd \"$1\" && find t4 -printf '%p %u:%g\\n' | sort", [dir]), ['t4 nobody:nogroup', 't4/f1 nobody:nogroup', 't4/lnk nobody:nogroup', 't4/sub nobody:nogroup', 't4/sub/f12 nobody:nogroup', ''].join('\n'));
  assert.equal((await runModule(host, copy, params)).changed, false);
  await inHost('chown -h root "$1"/t4/lnk', [dir]);
  assert.equal((await runModule(host, copy, params)).changed, true);
  assert.equal(await inHost("stat -c '%U' \"$1\"/t4/lnk", [dir]), 'nobody\n');
});
