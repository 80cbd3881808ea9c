// replace on a real host against what ansible-core 2.14 did with the same
// file and parameters (test/fixtures/recorded/replace-*.json, made by
// record.py): content, changed and msg under --check, on a first and on a
// second run. Failures compare the file left behind and that it failed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import replace from '../modules/replace.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

interface Run { changed: boolean; failed: boolean; msg: string; after: string | null }
interface Case { name: string; before: string | null; params: Record<string, unknown> }
const read = (name: string) => JSON.parse(readFileSync(new URL(`fixtures/recorded/${name}`, import.meta.url), 'utf8'));
const CASES: Case[] = read('replace-cases.json');
const RESULTS: Record<string, { check: Run; first: Run; second: Run }> = Object.fromEntries(read('replace-results.json').map((r: { name: string }) => [r.name, r]));

const NAME = 'replhost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const files = hostFiles(NAME, () => ground);

async function run(params: Record<string, unknown>, check: boolean): Promise<Omit<Run, 'after'>> {
  try {
    const r = await runModule(host, replace, params, { check });
    return { changed: r.changed, failed: false, msg: r.result.msg as string };
  } catch (error) {
    return { changed: false, failed: true, msg: (error as Error).message };
  }
}

function same(actual: Omit<Run, 'after'>, after: string | null, recorded: Run, path: string, what: string): void {
  const expected = { ...recorded, msg: recorded.msg.split('{path}').join(path) };
  // A failure's wording is drover's (validate's stderr, not Python's rc:/error: text); that it failed and the file are compared.
  if (recorded.failed && !expected.msg.startsWith('Path ')) expected.msg = actual.msg;
  assert.deepEqual({ ...actual, after }, expected, what);
}

describe('replace: the same content, changed and msg as Ansible', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const recorded = RESULTS[c.name]!;
      const check = await files.fresh(c.before);
      const snap = await files.snapshot(check.dir);
      same(await run({ ...c.params, path: check.path }, true), await files.content(check.path), recorded.check, check.path, 'check');
      assert.equal(await files.snapshot(check.dir), snap, 'check mode changed the host');
      const { path } = await files.fresh(c.before);
      same(await run({ ...c.params, path }, false), await files.content(path), recorded.first, path, 'first run');
      same(await run({ ...c.params, path }, false), await files.content(path), recorded.second, path, 'second run');
    });
  }
});

test('backup returns backup_file with the old content; a symlink edits its target', async () => {
  const { dir, path } = await files.fresh('hello\n');
  await files.inHost('ln -s f.conf "$1/link"', [dir]);
  const r = await runModule(host, replace, { path: `${dir}/link`, regexp: 'hello', replace: 'bye', backup: true });
  assert.equal(r.result.msg, '1 replacements made');
  assert.equal(await files.content(r.result.backup_file as string), 'hello\n');
  assert.equal(await files.content(path), 'bye\n');
  assert.equal(await files.inHost('readlink "$1/link"', [dir]), 'f.conf\n');
});
