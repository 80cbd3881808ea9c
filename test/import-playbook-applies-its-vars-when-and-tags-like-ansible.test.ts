// import_playbook's vars, when and tags, and templated import names, as
// ansible-playbook 2.14 applies them: the same playbook (test/fixtures/import-playbook)
// run by both tools with the same arguments must append the same lines to the
// log and end with the same recap. Until this, drover read only the file name
// of an import and ran a `when: false` import's plays.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const fixture = join(projectRoot(), 'test', 'fixtures', 'import-playbook');
let dir: string;
let inventory: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-import-playbook-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const recapLine = (stdout: string) => stdout.split('\n').find((line) => line.startsWith('localhost ') && line.includes('ok='))?.trim();
const logOf = (path: string) => readFile(path, 'utf8').catch(() => '');

const CASES: { name: string; args: string[]; log: string }[] = [
  { name: 'no tags', args: [], log: 'first\npre colour=import-blue\ncolour=import-blue\nrole announcer\ntagged.yml untagged task\ntagged.yml task tagged own\ninner level=outer\n' },
  { name: '--tags imported', args: ['--tags', 'imported'], log: 'tagged.yml untagged task\ntagged.yml task tagged own\n' },
  { name: '--skip-tags imported', args: ['--skip-tags', 'imported'], log: 'first\npre colour=import-blue\ncolour=import-blue\nrole announcer\ninner level=outer\n' },
  { name: '--tags own', args: ['--tags', 'own'], log: 'tagged.yml task tagged own\n' },
  { name: 'a true when, --tags always', args: ['-e', 'run_skipped=yes', '--tags', 'always'], log: '' },
];

for (const c of CASES) {
  test(`import_playbook with ${c.name}: the lines and the recap are ansible-playbook's`, async () => {
    const out = { ansible: await mkdtemp(join(dir, 'ansible-')), drover: await mkdtemp(join(dir, 'drover-')) };
    const args = (to: string) => [join(fixture, 'site.yml'), '-i', inventory, '-e', `out=${to}`, '-e', 'first_file=first.yml', ...c.args];
    const ansible = await execa('ansible-playbook', args(out.ansible), { env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_HOME: join(dir, 'ansible-home') }, reject: false, stdin: 'ignore' });
    assert.equal(ansible.exitCode, 0, ansible.stdout + ansible.stderr);
    assert.equal(await logOf(join(out.ansible, 'log')), c.log, 'the fixture still shows what it was written for');
    const drover = await runDrover(['run', ...args(out.drover)]);
    assert.equal(drover.code, 0, drover.stdout + drover.stderr);
    assert.equal(await logOf(join(out.drover, 'log')), c.log);
    assert.equal(recapLine(drover.stdout), recapLine(ansible.stdout));
  });
}

test('import_playbook keys Ansible ignores, extra words, vars that are not a mapping and an unknown name are refused at load time', async () => {
  const bad = join(dir, 'bad.yml');
  await writeFile(bad, [
    '- import_playbook: first.yml',
    '  become: true',
    '- import_playbook: first.yml colour=red',
    '- import_playbook: first.yml',
    '  vars: [colour]',
    '- import_playbook: "{{ nowhere }}.yml"',
    '- hosts: all',
    '  tasks:',
    '    - import_role:',
    '        name: "{{ inventory_hostname }}"',
    '',
  ].join('\n'));
  await writeFile(join(dir, 'first.yml'), '- hosts: all\n  tasks: []\n');
  const r = await runDrover(['run', bad, '-i', inventory, '--syntax-check']);
  assert.equal(r.code, 5, r.stdout + r.stderr);
  assert.match(r.stderr, /bad\.yml:2:3: import_playbook: 'become' is not supported here \(Ansible accepts it on import_playbook and ignores it\)/);
  assert.match(r.stderr, /bad\.yml:3:3: import_playbook: 'colour=red' after the file name is ignored by Ansible 2\.14: give variables with vars:/);
  assert.match(r.stderr, /bad\.yml:5:3: import_playbook: vars for import_playbook statements must be specified as a dictionary/);
  assert.match(r.stderr, /bad\.yml:6:3: import_playbook: the file name '\{\{ nowhere \}\}\.yml' cannot be rendered when the playbook loads .*nowhere/);
  assert.match(r.stderr, /bad\.yml:9:7: .*import_role is read when the playbook loads, .* so '\{\{ inventory_hostname \}\}' cannot be rendered .*use include_role/);
});
