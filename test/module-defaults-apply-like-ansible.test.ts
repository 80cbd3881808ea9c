// module_defaults on a play, block and task, as ansible-playbook applies them:
// the task's own parameters win, an inner entry for a module replaces an outer
// one whole, the ansible.builtin. name is the same module, values are
// templated. Both tools run the same playbook on local hosts; the modes the
// files end with must be the same. Names drover cannot resolve are refused at
// load time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const playbook = join(projectRoot(), 'test', 'fixtures', 'module-defaults', 'site.yml');
let dir: string;
let inventory: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-module-defaults-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, 'localhost ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('module_defaults on play, block and task give the files the modes ansible-playbook gives them', async () => {
  const ansibleOut = join(dir, 'ansible');
  const droverOut = join(dir, 'drover');
  await mkdir(ansibleOut);
  await mkdir(droverOut);
  const ansible = await execa('ansible-playbook', [playbook, '-i', inventory, '-e', `out=${ansibleOut}`], { env: { ANSIBLE_NOCOLOR: '1', ANSIBLE_HOME: join(dir, 'ansible-home') }, reject: false, stdin: 'ignore' });
  assert.equal(ansible.exitCode, 0, ansible.stdout + ansible.stderr);
  const want = await readFile(join(ansibleOut, 'modes.txt'), 'utf8');
  assert.match(want, /^play 600\nown 644\ncopied 640\nblock (644|664)\ntask 660\n$/);
  const r = await runDrover(['run', playbook, '-i', inventory, '-e', `out=${droverOut}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(await readFile(join(droverOut, 'modes.txt'), 'utf8'), want);
});

test('module_defaults naming a module drover lacks, an action group, or with templated keys is refused at load time', async () => {
  const bad = join(dir, 'bad.yml');
  await writeFile(bad, [
    '- hosts: all',
    '  module_defaults:',
    '    community.aws.ec2_instance: { region: eu-west-1 }',
    '    group/aws: { region: eu-west-1 }',
    '  tasks:',
    '    - command: "true"',
    '      module_defaults: "{{ defaults }}"',
    '',
  ].join('\n'));
  const r = await runDrover(['run', bad, '-i', inventory, '--syntax-check']);
  assert.equal(r.code, 5, r.stdout + r.stderr);
  assert.match(r.stderr, /bad\.yml:3:5: play 'all': module_defaults: 'community\.aws\.ec2_instance' is not a module drover has/);
  assert.match(r.stderr, /bad\.yml:4:5: play 'all': module_defaults: action group 'group\/aws' is not supported by drover/);
  assert.match(r.stderr, /bad\.yml:7:7: task: module_defaults must be a mapping of module names \(or a list of them\); its keys cannot be templated/);
});
