// Where copy's dest directory does not exist, as ansible-core 2.14 answered
// (copy on localhost, recorded): a dest ending in '/' has its missing
// directories made (with directory_mode), a dest naming a file in a missing
// directory fails with "Destination directory ... does not exist" (in check
// mode only with remote_src: the controller-src action reports a change there).
// With remote_src the module's own source checks and its result: src is the
// path on the host, md5sum is there even when nothing changed.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import copy from '../modules/copy.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'copydirs';
let ground: TestGround;
let host: HostHandle;
let filesDir: string;
before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  filesDir = await mkdtemp(join(tmpdir(), 'drover-copydirs-'));
  await writeFile(join(filesDir, 'src.txt'), 'hi\n');
});
after(async () => {
  await stopModuleHost(ground);
  await rm(filesDir, { recursive: true, force: true });
});
const { fresh, inHost } = hostFiles(NAME, () => ground);
const HI_SHA1 = '55ca6286e3e4f4fba5d0448333fa99fc5a404a73';
const HI_MD5 = '764efa883dda1e11db47671c4a3bbd9e';

test("a dest ending in '/' gets its missing directories, with directory_mode; a second run is ok", async () => {
  const { dir } = await fresh(null);
  const params = { src: 'src.txt', dest: `${dir}/a/b/`, directory_mode: '0700' };
  const planned = await runModule(host, copy, params, { filesDir, check: true });
  assert.equal(planned.changed, true);
  assert.equal(await inHost('ls -A "$1"', [dir]), '');
  const first = await runModule(host, copy, params, { filesDir });
  assert.equal(first.changed, true);
  assert.equal(first.result.dest, `${dir}/a/b/src.txt`);
  assert.equal(await inHost("stat -c '%n %a' \"$1\"/a \"$1\"/a/b \"$1\"/a/b/src.txt", [dir]), `${dir}/a 700\n${dir}/a/b 700\n${dir}/a/b/src.txt 644\n`);
  assert.equal((await runModule(host, copy, params, { filesDir })).changed, false);
});

test('without directory_mode the new directories get the umask\'s mode, and the task\'s owner and group', async () => {
  const { dir } = await fresh(null);
  await runModule(host, copy, { src: 'src.txt', dest: `${dir}/n/`, owner: 'nobody', group: 'nogroup', mode: '0640' }, { filesDir });
  assert.equal(await inHost("stat -c '%a %U:%G' \"$1\"/n \"$1\"/n/src.txt", [dir]), '755 nobody:nogroup\n640 nobody:nogroup\n');
});

test('a file dest in a missing directory fails with Ansible\'s words and the source checksum; check mode reports a change', async () => {
  const { dir } = await fresh(null);
  const params = { src: 'src.txt', dest: `${dir}/x/y/f` };
  assert.equal((await runModule(host, copy, params, { filesDir, check: true })).changed, true);
  await assert.rejects(runModule(host, copy, params, { filesDir }), (error: Error & { result?: Record<string, unknown> }) => {
    assert.equal(error.message, `Destination directory ${dir}/x/y does not exist`);
    assert.equal(error.result?.checksum, HI_SHA1);
    return true;
  });
  assert.equal(await inHost('ls -A "$1"', [dir]), '');
});

test('remote_src: src in the result is the path on the host, md5sum even when unchanged; missing dest directory fails in check mode too', async () => {
  const { dir } = await fresh(null);
  await inHost('echo hi > "$1"/src.txt', [dir]);
  const params = { src: `${dir}/src.txt`, dest: `${dir}/r1`, remote_src: true };
  const first = await runModule(host, copy, params);
  assert.equal(first.changed, true);
  assert.deepEqual(first.result, { checksum: HI_SHA1, dest: `${dir}/r1`, gid: 0, group: 'root', md5sum: HI_MD5, mode: '0644', owner: 'root', size: 3, src: `${dir}/src.txt`, state: 'file', uid: 0 });
  const second = await runModule(host, copy, params);
  assert.equal(second.changed, false);
  assert.deepEqual(second.result, first.result);
  await assert.rejects(runModule(host, copy, { ...params, dest: `${dir}/x/y/f` }, { check: true }), new RegExp(`^ModuleFailure: Destination directory ${dir}/x/y does not exist$`));
  const intoDir = await runModule(host, copy, { ...params, dest: `${dir}/rr/s/`, directory_mode: '0750' });
  assert.equal(intoDir.result.dest, `${dir}/rr/s/src.txt`);
  assert.equal(await inHost("stat -c '%a' \"$1\"/rr \"$1\"/rr/s", [dir]), '750\n750\n');
});

test("remote_src: a missing source and one that is not a file fail with Ansible's messages", async () => {
  const { dir } = await fresh(null);
  await assert.rejects(runModule(host, copy, { src: `${dir}/nope`, dest: `${dir}/r1`, remote_src: true }), new RegExp(`^ModuleFailure: Source ${dir}/nope not found$`));
  await assert.rejects(runModule(host, copy, { src: '/dev/null', dest: `${dir}/r1`, remote_src: true }), /^ModuleFailure: Cannot copy invalid source '\/dev\/null': not a file$/);
});
