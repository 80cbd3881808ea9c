// `make dist`'s single file runs a playbook from a directory that has no
// node_modules: facts, templating and an atomic write on localhost.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../runner/paths.js';

const run = promisify(execFile);

test('the bundled drover.mjs runs a playbook with nothing but node', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drover-bundle-'));
  try {
    await run(process.execPath, ['scripts/bundle.mjs', join(dir, 'drover.mjs')], { cwd: projectRoot() });
    const out = join(dir, 'out.txt');
    await writeFile(join(dir, 'site.yml'), `- hosts: localhost\n  tasks:\n    - copy:\n        dest: ${JSON.stringify(out)}\n        content: "family={{ ansible_os_family }}\\n"\n`);
    const { stdout } = await run(process.execPath, ['drover.mjs', 'run', 'site.yml', '--output', 'plain'], { cwd: dir });
    assert.match(stdout, /^localhost +: ok=2 +changed=1 +unreachable=0 +failed=0 /m);
    assert.equal(await readFile(out, 'utf8'), 'family=Debian\n');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
