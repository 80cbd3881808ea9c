// unarchive on a real host: each case of fixtures/recorded/unarchive-cases.json
// runs in check mode (skipped for tar, as Ansible's GNU tar handler skips it),
// then twice for real, and drover's registered result and the files under dest
// are compared with what ansible-core 2.14 did (unarchive-results.json,
// recorded by record-http.ts). The archives are built by support/archives.ts,
// on the controller ({archives}) and copied into the host ({remote}).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import unarchive from '../modules/unarchive.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { ARCHIVES, buildArchives } from './support/archives.js';
import { filesInHostDir, recordedShape, registeredBy, withoutFailedFalse } from './support/http-recorded.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'unarch';
const REMOTE = '/srv/unarchive-archives';
const cases = JSON.parse(readFileSync(new URL('./fixtures/recorded/unarchive-cases.json', import.meta.url), 'utf8')) as { name: string; params: Record<string, unknown> }[];
const recorded = JSON.parse(readFileSync(new URL('./fixtures/recorded/unarchive-results.json', import.meta.url), 'utf8')) as Record<string, { result: Record<string, unknown>; files: Record<string, string> }>[];

let ground: TestGround;
let host: HostHandle;
let archives: string;
const { fresh, inHost } = hostFiles(NAME, () => ground);
before(async () => {
  archives = buildArchives(mkdtempSync(join(tmpdir(), 'drover-archives-')));
  ({ ground, host } = await startModuleHost(NAME));
  for (const name of Object.values(ARCHIVES)) await inHost('mkdir -p "$1" && cat > "$1/$2"', [REMOTE, name], readFileSync(join(archives, name)));
});
after(async () => {
  await stopModuleHost(ground);
  if (archives) rmSync(archives, { recursive: true, force: true });
});

cases.forEach((c, index) => {
  test(`unarchive: ${c.name}: check mode, first and second run register what Ansible registers`, async () => {
    let dir = '';
    for (const run of ['check', 'first', 'second'] as const) {
      if (run !== 'second') {
        ({ dir } = await fresh(null));
        // As the recorder's mkdtemp made it.
        await inHost('chmod 700 "$1"', [dir]);
      }
      const params = JSON.parse(JSON.stringify(c.params).replaceAll('{dir}', dir).replaceAll('{archives}', archives).replaceAll('{remote}', REMOTE));
      // Controller paths are absolute: the harness joins them to '/'.
      const outcome = await registeredBy(() => runModule(host, unarchive, params, { check: run === 'check', filesDir: '/' }));
      const result = recordedShape(outcome, { dir, base: 'no server: unarchive makes no request', archives: params.remote_src ? REMOTE : archives });
      assert.deepEqual(result, withoutFailedFalse(recorded[index]![run]!.result), `${run} run`);
      assert.deepEqual(await filesInHostDir(inHost, dir), recorded[index]![run]!.files, `files after the ${run} run`);
    }
  });
});

test('a zip archive is refused with what to use instead, and dest is left alone', async () => {
  const { dir } = await fresh(null);
  await assert.rejects(runModule(host, unarchive, { src: `${REMOTE}/${ARCHIVES.zip}`, dest: dir, remote_src: true }), /is a zip archive: drover's unarchive handles tar archives only .*unzip/);
  assert.deepEqual(await filesInHostDir(inHost, dir), {});
});

test('a file changed in dest after unpacking is unpacked again', async () => {
  const { dir } = await fresh(null);
  const params = { src: `${REMOTE}/${ARCHIVES.tgz}`, dest: dir, remote_src: true };
  assert.equal((await runModule(host, unarchive, params)).changed, true);
  assert.equal((await runModule(host, unarchive, params)).changed, false);
  await inHost('echo changed > "$1/top/a.txt"', [dir]);
  assert.equal((await runModule(host, unarchive, params)).changed, true);
  assert.equal(await inHost('cat "$1/top/a.txt"', [dir]), 'alpha\n');
});
