// copy with a directory src (trailing slash or not, directory_mode) and onto
// a dest that is a symlink (follow or not), against what ansible-playbook did
// (test/fixtures/recorded/copy-dir: record-copy.sh made copy-results.json):
// the same end state (names, kinds, modes, link targets) and the same changed
// flags on a first and a second run; check mode changes nothing.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import copy from '../modules/copy.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const FIXTURE = new URL('fixtures/recorded/copy-dir/', import.meta.url);
const RECORDED: { changed: Record<string, [boolean, boolean]>; tree: string[] } = JSON.parse(readFileSync(new URL('copy-results.json', FIXTURE), 'utf8'));
const FILES = fileURLToPath(new URL('files', FIXTURE));

const NAME = 'copydir';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { fresh, inHost, snapshot } = hostFiles(NAME, () => ground);

test('directory src and symlink dest: the end state and changed flags Ansible recorded', async () => {
  const { dir } = await fresh(null);
  const t = `${dir}/t`;
  await inHost('umask 022; mkdir "$1" && printf "target\\n" > "$1/real" && ln -s real "$1/link" && ln -s real "$1/flink"', [t]);
  const cases: Record<string, Record<string, unknown>> = {
    link: { content: 'new\n', dest: `${t}/link` },
    flink: { content: 'new\n', dest: `${t}/flink`, follow: true },
    dir: { src: 'tree', dest: `${t}/noslash/` },
    slash: { src: 'tree/', dest: `${t}/slash/` },
    dmode: { src: 'tree/', dest: `${t}/dmode`, directory_mode: '0750', mode: '0600' },
  };
  for (const [name, params] of Object.entries(cases)) {
    const before = await snapshot(t);
    const planned = await runModule(host, copy, params, { check: true, filesDir: FILES });
    assert.equal(planned.changed, RECORDED.changed[name]![0], `${name} under --check`);
    assert.equal(await snapshot(t), before, `${name}: check mode changed the host`);
    const changed = [];
    for (let i = 0; i < 2; i++) changed.push((await runModule(host, copy, params, { filesDir: FILES })).changed);
    assert.deepEqual(changed, RECORDED.changed[name], name);
  }
  const tree = await inHost(`cd "$1" && find . -mindepth 1 -printf '%p %y %m %l\\n' | LC_ALL=C sort`, [t]);
  assert.deepEqual(tree.replace(/\n$/, '').split('\n'), RECORDED.tree);
  assert.equal(await inHost('cat "$1/real" "$1/link" "$1/slash/sub/b.txt"', [t]), 'new\nnew\ntwo\n');
});
