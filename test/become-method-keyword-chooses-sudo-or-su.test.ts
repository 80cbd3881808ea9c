// The become_method keyword on a play, block or task (templated too) picks
// sudo or su, and the inventory's ansible_become_method wins over it, as in
// Ansible: the real ansible-playbook and drover run the same playbook on the
// same hosts, and what each command saw (its user, and SUDO_USER, which only
// sudo sets) must be the same. A method drover lacks is refused at load time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';
import { addSudoUser } from './support/sudo-user.js';

const playbook = join(projectRoot(), 'test', 'fixtures', 'become', 'method-keyword.yml');
let ground: TestGround;
let dir: string;
let inventory: string;
before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'bmk' });
  for (const host of ground.hosts) await addSudoUser(ground, host.name, { name: 'deploy', password: 'deploy-pw-1', rootPassword: 'root-pw-1' });
  dir = await mkdtemp(join(tmpdir(), 'drover-become-method-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, ground.inventoryIni('all'));
  await mkdir(join(dir, 'host_vars'));
  // The second host's variable beats every keyword: sudo throughout.
  await writeFile(join(dir, 'host_vars', `${ground.hosts[1]!.name}.yml`), 'ansible_become_method: sudo\n');
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function seen(): Promise<string[]> {
  const out: string[] = [];
  for (const host of ground.hosts) {
    const r = await ground.exec(host.name, ['sh', '-c', 'cat /tmp/become-method.txt && rm /tmp/become-method.txt']);
    assert.equal(r.rc, 0, r.stderr);
    out.push(r.stdout);
  }
  return out;
}

test('become_method on a play, task and block picks su or sudo; ansible_become_method wins; as ansible-playbook does', async () => {
  const env = { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_HOME: join(dir, 'ansible-home') };
  const ansible = await execa('ansible-playbook', ['-i', inventory, playbook], { env, reject: false, stdin: 'ignore' });
  assert.equal(ansible.exitCode, 0, ansible.stdout + ansible.stderr);
  const want = await seen();
  assert.deepEqual(want, ['deploy no-sudo|deploy root|deploy root\n', 'deploy root|deploy root|deploy root\n']);

  const r = await runDrover(['run', playbook, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await seen(), want);
});

test('a become method drover lacks is refused at load time; templated, it fails the task naming the keyword', async () => {
  const literal = join(dir, 'doas.yml');
  await writeFile(literal, '- hosts: all\n  tasks:\n    - command: id\n      become: true\n      become_method: doas\n');
  const refused = await runDrover(['run', literal, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(refused.code, 5);
  assert.match(refused.stderr, /doas\.yml:5:7: task: keyword .become_method. must be one of sudo, su, got "doas"/);

  const templated = join(dir, 'doas-templated.yml');
  await writeFile(templated, `- hosts: ${ground.hosts[0]!.name}\n  gather_facts: false\n  tasks:\n    - command: id\n      become: true\n      become_method: "{{ 'doas' }}"\n`);
  const failed = await runDrover(['run', templated, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(failed.code, 2, failed.stdout + failed.stderr);
  assert.match(failed.stdout, /keyword 'become_method'.*doas/);
});
