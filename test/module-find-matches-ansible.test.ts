// find on a real host against ansible-core 2.14's answers on the same tree
// (test/fixtures/recorded/find-*: find-tree.sh builds it, record-find.py
// recorded Ansible): the same files with the same stat keys (times, inode
// and device excepted), msg, matched, examined and skipped_paths. Files are
// compared by path: within a directory both list them in the filesystem's
// readdir order, which differs between filesystems.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import find from '../modules/find.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const fixture = (name: string) => readFileSync(new URL(`fixtures/recorded/${name}`, import.meta.url), 'utf8');
const CASES: { name: string; params: Record<string, unknown> }[] = JSON.parse(fixture('find-cases.json'));
type Files = Record<string, unknown>[];
const RESULTS: Record<string, { files: Files; msg: string; matched: number; examined: number; skipped_paths: Record<string, string> }> = Object.fromEntries(
  JSON.parse(fixture('find-results.json')).map((r: { name: string }) => [r.name, r]),
);
const VOLATILE = ['atime', 'mtime', 'ctime', 'inode', 'dev'];

const NAME = 'findhost';
let ground: TestGround;
let host: HostHandle;
let dir: string;
before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  dir = (await files.fresh(null)).dir;
  await files.inHost(`cd "$1" && ${fixture('find-tree.sh')}`, [dir]);
});
after(() => stopModuleHost(ground));
const files = hostFiles(NAME, () => ground);

const byPath = (list: Files) => [...list].sort((a, b) => String(a.path).localeCompare(String(b.path)));

for (const c of CASES) {
  test(`find ${c.name}: as Ansible`, async () => {
    const recorded = RESULTS[c.name]!;
    const params = JSON.parse(JSON.stringify(c.params).split('{dir}').join(dir));
    const r = await runModule(host, find, { paths: `${dir}/d`, ...params }, { check: c.name === 'defaults' });
    assert.equal(r.changed, false);
    const result = r.result as { files: Files };
    const got = result.files.map((f) => {
      for (const key of VOLATILE) assert.equal(typeof f[key], 'number', `${key} of ${f.path}`);
      return Object.fromEntries(Object.entries(f).filter(([k]) => !VOLATILE.includes(k)).map(([k, v]) => [k, k === 'path' ? String(v).split(dir).join('{dir}') : v]));
    });
    // A directory's size is the filesystem's business.
    const sizeless = (list: Files) => byPath(list).map((f) => (f.isdir ? { ...f, size: 0 } : f));
    assert.deepEqual(sizeless(got), sizeless(recorded.files));
    const skipped = Object.fromEntries(Object.entries(r.result.skipped_paths as Record<string, string>).map(([k, v]) => [k.split(dir).join('{dir}'), v.split(dir).join('{dir}')]));
    assert.deepEqual({ ...r.result, files: undefined, skipped_paths: skipped }, { msg: recorded.msg, matched: recorded.matched, examined: recorded.examined, skipped_paths: recorded.skipped_paths, files: undefined });
  });
}

test('file_type any lists each directory as os.walk does: its files first, then its directories', async () => {
  const r = await runModule(host, find, { paths: `${dir}/d`, file_type: 'any', recurse: true, hidden: true });
  const kinds = (r.result.files as Files).filter((f) => String(f.path).split('/').length === `${dir}/d/x`.split('/').length).map((f) => (f.isdir || f.path === `${dir}/d/sublink` ? 'dir' : 'file'));
  assert.deepEqual(kinds, [...kinds].sort((a, b) => (a === b ? 0 : a === 'file' ? -1 : 1)));
  const paths = (r.result.files as Files).map((f) => f.path);
  assert.ok(paths.indexOf(`${dir}/d/sub`) < paths.indexOf(`${dir}/d/sub/c.conf`), 'a directory before what is in it');
});

test('bad age and size fail as in Ansible; follow is refused by the schema', async () => {
  await assert.rejects(runModule(host, find, { paths: dir, age: '2x' }), { message: 'failed to process age' });
  await assert.rejects(runModule(host, find, { paths: dir, size: 'big' }), { message: 'failed to process size' });
  await assert.rejects(runModule(host, find, { paths: dir, follow: true }), /follow/);
});
