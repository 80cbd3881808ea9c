// drover.yml gives a project the defaults of drover's own flags (known hosts
// file, output, run log, debug log): read from the working directory or
// $DROVER_CONFIG, paths relative to the file, a flag given on the command line
// winning over it, and unknown keys or wrong types refused at file:line:col.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jsonEvents, runDrover } from './support/cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-yml-'));
  await writeFile(join(dir, 'hosts.ini'), 'controller ansible_connection=local\n');
  await writeFile(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug: { msg: hi }\n');
  await writeFile(join(dir, 'drover.yml'), 'output: json\nlog: runs\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('drover.yml in the working directory sets output and the run log directory (relative to the file)', async () => {
  const r = await runDrover(['run', 'site.yml', '-i', 'hosts.ini'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.ok(jsonEvents(r.stdout).some((e) => e.type === 'run.end'), 'JSON events, as output: json says');
  assert.ok((await readdir(join(dir, 'runs'))).length > 0, 'the run log went to runs/ beside drover.yml');
});

test('a flag given on the command line wins over drover.yml', async () => {
  const r = await runDrover(['run', 'site.yml', '-i', 'hosts.ini', '--output', 'plain', '--no-log'], { cwd: dir });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^PLAY RECAP \*+$/m);
  assert.doesNotMatch(r.stdout, /"type":"run\.end"/);
});

test('$DROVER_CONFIG names another file; none turns drover.yml off', async () => {
  await writeFile(join(dir, 'other.yml'), 'output: plain\nlog: false\n');
  const other = await runDrover(['run', 'site.yml', '-i', 'hosts.ini'], { cwd: dir, env: { DROVER_CONFIG: join(dir, 'other.yml') } });
  assert.equal(other.code, 0, other.stderr);
  assert.match(other.stdout, /^PLAY RECAP/m);
  const off = await runDrover(['run', 'site.yml', '-i', 'hosts.ini', '--log', join(dir, 'off-runs')], { cwd: dir, env: { DROVER_CONFIG: 'none' } });
  assert.equal(off.code, 0, off.stderr);
  assert.doesNotMatch(off.stdout, /"type":"run\.end"/, 'drover.yml not read: the default output');
  assert.ok(existsSync(join(dir, 'off-runs')));
});

test('an unknown key or a wrong type in drover.yml is refused at file:line:col, before anything runs', async () => {
  await writeFile(join(dir, 'bad.yml'), 'output: fancy\nforks: 10\n');
  const r = await runDrover(['run', 'site.yml', '-i', 'hosts.ini'], { cwd: dir, env: { DROVER_CONFIG: join(dir, 'bad.yml') } });
  assert.equal(r.code, 5, r.stdout + r.stderr);
  assert.match(r.stderr, /bad\.yml:1:1: drover\.yml setting 'output' takes auto, plain, listr, json or ansible, got "fancy"/);
  assert.match(r.stderr, /bad\.yml:2:1: unknown drover\.yml setting 'forks'; drover\.yml has known_hosts, accept_new_host_keys, output, log, debug_log \(Ansible's settings go in ansible\.cfg\)/);
});
