// `npm pack` gives a package that installs into a clean directory and whose
// `drover` bin runs a playbook (the bastion install path besides drover.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../runner/paths.js';

const run = promisify(execFile);

test('npm pack makes an installable package whose drover bin runs a playbook', { timeout: 300_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drover-pack-'));
  try {
    // prepack compiles dist/ first, so the tarball always matches the sources.
    await run('npm', ['pack', '--pack-destination', dir, '--silent'], { cwd: projectRoot(), maxBuffer: 1 << 24 });
    const [tarball] = (await readdir(dir)).filter((f) => f.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote a tarball');
    const { stdout: listing } = await run('tar', ['-tzf', join(dir, tarball)]);
    assert.match(listing, /^package\/dist\/runner\/cli\.js$/m);
    assert.doesNotMatch(listing, /^package\/(test|runner)\/.*\.ts$/m, 'sources and tests stay out of the package');

    const app = join(dir, 'bastion');
    await run('mkdir', ['-p', app]);
    await writeFile(join(app, 'package.json'), '{"name": "bastion", "private": true}\n');
    // Dependencies come from npm's cache when they are there (CI ran npm ci just before).
    await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent', join(dir, tarball)], { cwd: app, maxBuffer: 1 << 24 });

    const out = join(app, 'out.txt');
    await writeFile(join(app, 'site.yml'), `- hosts: localhost\n  tasks:\n    - copy:\n        dest: ${JSON.stringify(out)}\n        content: "installed {{ ansible_os_family }}\\n"\n`);
    const bin = join(app, 'node_modules', '.bin', 'drover');
    const { stdout } = await run(bin, ['run', 'site.yml', '--output', 'plain'], { cwd: app });
    assert.match(stdout, /^localhost +: ok=2 +changed=1 +unreachable=0 +failed=0 /m);
    assert.equal(await readFile(out, 'utf8'), 'installed Debian\n');
    const { stdout: docList } = await run(bin, ['doc', '--list'], { cwd: app });
    assert.match(docList, /^copy\b/m, 'the installed package carries its module registry');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
