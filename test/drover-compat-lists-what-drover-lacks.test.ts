// `drover compat DIR`, the migration report: every playbook, role, task file,
// template and inventory of a repository loaded with the code a run uses, each
// construct drover lacks listed at its file:line:col under its kind, with the
// same content as text and as JSON, exit 0 only when everything loads.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { projectRoot } from '../runner/paths.js';
import type { CompatReport } from '../runner/compat/report.js';
import { runDrover } from './support/cli.js';

const root = projectRoot();
const fixture = join(root, 'test', 'fixtures', 'compat');
let home: string;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'drover-compat-'));
});
after(async () => {
  await rm(home, { recursive: true, force: true });
});

/** No ~/.ansible.cfg or /etc/ansible/ansible.cfg of this machine: only the repository's own ansible.cfg. */
const env = () => ({ HOME: home, DROVER_ANSIBLE_CONFIG: '', DROVER_ANSIBLE_SYSTEM_CONFIG: join(home, 'none.cfg') });

test("the project's own playbooks, roles and inventories all load: every one listed, exit 0", async () => {
  const own = join(home, 'own');
  await rm(own, { recursive: true, force: true });
  await mkdir(own);
  for (const dir of ['playbooks', 'roles', 'inventories']) await symlink(join(root, dir), join(own, dir));
  // The hub inventories keep their secrets in age vaults; the demo identity opens them.
  const identity = { DROVER_AGE_IDENTITY_FILE: join(root, 'inventories', 'example-environments.age-identity.txt') };
  const r = await runDrover(['compat', own, '--json'], { env: { ...env(), ...identity } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const report = JSON.parse(r.stdout) as CompatReport;
  assert.equal(report.ok, true);
  assert.deepEqual(report.unsupported, []);
  assert.deepEqual(report.other, []);
  const listed = (kind: string) => report.items.filter((i) => i.kind === kind).map((i) => i.path);
  const roles = (await readdir(join(root, 'roles'))).sort().map((r) => `roles/${r}`);
  assert.deepEqual(listed('role'), roles, 'every role, used by a playbook or not');
  const playbooks = (await readdir(join(root, 'playbooks'))).filter((f) => f.endsWith('.yml')).map((f) => `playbooks/${f}`);
  for (const p of playbooks) assert.ok(listed('playbook').includes(p), `${p} listed`);
  const inventories = (await readdir(join(root, 'inventories'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => `inventories/${e.name}`);
  assert.deepEqual(listed('inventory'), inventories.sort());
  assert.ok(report.items.every((i) => i.status === 'loads' && i.problems === 0));
  assert.equal(report.counts.loads, report.items.length);

  const text = await runDrover(['compat', own], { env: { ...env(), ...identity } });
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`${report.items.length} of ${report.items.length} load, 0 refused; 0 unsupported constructs, 0 other problems\\n$`));
});

/** One construct of each kind in the fixture, where it is written (see test/fixtures/compat/). */
const EXPECTED = [
  { kind: 'module', name: 'community.general.timezone', file: 'site.yml', line: 8, column: 7 },
  { kind: 'role', name: 'acme.tools.clock', file: 'clock.yml', line: 4, column: 7 },
  { kind: 'parameter', name: 'copy: attributes', file: 'site.yml', line: 14, column: 9 },
  { kind: 'keyword', name: 'collections', file: 'roles/legacy/tasks/main.yml', line: 3, column: 3 },
  { kind: 'keyword', name: 'debugger', file: 'roles/legacy/tasks/main.yml', line: 4, column: 3 },
  { kind: 'keyword', name: 'order: sorted', file: 'site.yml', line: 3, column: 3 },
  { kind: 'filter', name: 'community.general.json_query', file: 'site.yml', line: 17, column: 9 },
  { kind: 'test', name: 'community.general.a_module', file: 'site.yml', line: 24, column: 7 },
  { kind: 'lookup', name: 'community.general.redis', file: 'site.yml', line: 20, column: 9 },
  { kind: 'template statement', name: '{% extends %}', file: 'roles/web/templates/site.conf.j2', line: 1, column: 4 },
  { kind: 'setting', name: '[defaults] hash_behaviour', file: 'ansible.cfg', line: 3, column: 1 },
  // Command lines in the Makefile, against drover run's and drover exec's own options.
  { kind: 'setting', name: 'ansible-playbook --module-path', file: 'Makefile', line: 4, column: 30 },
  { kind: 'setting', name: 'ansible --tree', file: 'Makefile', line: 7, column: 44 },
];

test('a repository with one construct of each kind drover lacks: each listed at file:line:col under its kind, with counts, exit non-zero', async () => {
  const r = await runDrover(['compat', fixture, '--json'], { env: env() });
  assert.equal(r.code, 5, r.stderr);
  const report = JSON.parse(r.stdout) as CompatReport;
  assert.equal(report.ok, false);
  assert.deepEqual(report.unsupported.map(({ kind, name, file, line, column }) => ({ kind, name, file, line, column })), EXPECTED);
  for (const u of report.unsupported) assert.ok(u.instead.length > 0 && u.message.length > 0, `${u.name} says what to do instead`);
  assert.deepEqual(report.counts.byKind, { module: 1, role: 1, parameter: 1, keyword: 3, filter: 1, test: 1, lookup: 1, 'template statement': 1, setting: 3 });
  assert.equal(report.counts.unsupported, 13);
  // A mistake Ansible refuses too is listed apart, not as something drover lacks.
  assert.deepEqual(report.other.map(({ file, line, column }) => `${file}:${line}:${column}`), ['tasks/cleanup.yml:1:3']);
  assert.match(report.other[0]!.message, /more than one action/);
  const status = Object.fromEntries(report.items.map((i) => [`${i.kind} ${i.path}`, i.status]));
  assert.deepEqual(status, {
    'ansible.cfg ansible.cfg': 'refused',
    // Ansible finds a collection's role under collections/ by its full name; drover does not.
    'playbook clock.yml': 'refused',
    'playbook good.yml': 'loads',
    'playbook site.yml': 'refused',
    'role collections/ansible_collections/acme/tools/roles/clock': 'loads',
    // No playbook names it: loaded on its own.
    'role roles/legacy': 'refused',
    'role roles/web': 'refused',
    'task file tasks/cleanup.yml': 'refused',
    'template templates/banner.j2': 'loads',
    'script Makefile': 'refused',
    'inventory inventories/lab': 'loads',
  });
  assert.equal(report.items.find((i) => i.kind === 'role' && i.path.includes('acme'))?.name, 'acme.tools.clock');
  assert.deepEqual([report.counts.items, report.counts.loads, report.counts.refused], [11, 4, 7]);
});

test('the text report has the same content as the JSON one', async () => {
  const [json, text] = await Promise.all([runDrover(['compat', fixture, '--json'], { env: env() }), runDrover(['compat', fixture], { env: env() })]);
  assert.equal(text.code, json.code);
  const report = JSON.parse(json.stdout) as CompatReport;
  const out = text.stdout;
  for (const item of report.items) assert.match(out, new RegExp(`^${item.status} +${item.kind} +${escape(item.path)}`, 'm'));
  assert.match(out, /^Not supported by drover: 13 \(module 1, role 1, parameter 1, keyword 3, filter 1, test 1, lookup 1, template statement 1, setting 3\)$/m);
  for (const kind of Object.keys(report.counts.byKind)) assert.match(out, new RegExp(`^  ${kind} \\(${report.counts.byKind[kind as keyof typeof report.counts.byKind]}\\)$`, 'm'));
  // Each construct under its own kind's heading, with what to use instead on the next line.
  const sections = out.split(/^  (?=\S)/m);
  for (const u of report.unsupported) {
    const section = sections.find((s) => s.startsWith(`${u.kind} (`));
    assert.ok(section?.includes(`    ${u.file}:${u.line}:${u.column}  ${u.name}\n      instead: ${u.instead}\n`), `${u.kind} ${u.name} in its section`);
  }
  for (const o of report.other) assert.ok(out.includes(`  ${o.file}:${o.line}:${o.column}: ${o.message}`));
  assert.match(out, /^4 of 11 load, 7 refused; 13 unsupported constructs, 1 other problem\n$/m);
});

test('compat refuses what drover run --syntax-check refuses, at the same places', async () => {
  // Without the fixture's ansible.cfg, whose refused setting would stop the run before the playbook is read.
  const check = await runDrover(['run', 'site.yml', '--syntax-check'], { cwd: fixture, env: { ...env(), DROVER_ANSIBLE_CONFIG: 'none' } });
  assert.equal(check.code, 5);
  const report = JSON.parse((await runDrover(['compat', fixture, '--json'], { env: env() })).stdout) as CompatReport;
  const fromPlaybook = report.unsupported.filter((u) => u.file === 'site.yml' || u.file.startsWith('roles/web/'));
  assert.equal(fromPlaybook.length, 7);
  for (const u of fromPlaybook.filter((x) => x.file === 'site.yml')) assert.ok(check.stderr.includes(`site.yml:${u.line}:${u.column}: `), `syntax-check reports site.yml:${u.line}:${u.column}`);
  assert.match(check.stderr, /site\.conf\.j2:1:4/);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

test('roles beside a playbook, and a Galaxy role checked out alone, are loaded as roles', async () => {
  const galaxy = join(root, 'test', 'galaxy-roles');
  const beside = await runDrover(['compat', galaxy, '--json'], { env: env() });
  assert.equal(beside.code, 0, beside.stdout);
  const items = (JSON.parse(beside.stdout) as CompatReport).items.map((i) => `${i.kind} ${i.path} ${i.status}`);
  assert.deepEqual(items, ['playbook firewall.play.yml loads', 'playbook nfs.play.yml loads', 'role firewall loads', 'role nfs loads']);
  const alone = await runDrover(['compat', join(galaxy, 'nfs'), '--json'], { env: env() });
  assert.equal(alone.code, 0, alone.stdout);
  assert.deepEqual((JSON.parse(alone.stdout) as CompatReport).items.map((i) => [i.kind, i.path, i.name, i.status]), [['role', '.', 'nfs', 'loads']]);
});
