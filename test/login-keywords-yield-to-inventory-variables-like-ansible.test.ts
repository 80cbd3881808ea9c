// The become_method and connection keywords on a play, block or task
// (templated too) pick sudo or su, ssh or local, and the inventory's
// ansible_become_method / ansible_connection win over them, as in Ansible:
// the real ansible-playbook and drover run the same playbook on the same
// namespace hosts, and what each command saw (SUDO_USER is set only by sudo,
// SSH_CONNECTION only over ssh) must be the same. A method or connection
// drover lacks is refused at load time; templated, it fails the task.
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

let ground: TestGround;
let dir: string;
let inventory: string;
before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'lkw' });
  for (const host of ground.hosts) await addSudoUser(ground, host.name, { name: 'deploy', password: 'deploy-pw-1', rootPassword: 'root-pw-1' });
  dir = await mkdtemp(join(tmpdir(), 'drover-login-keywords-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, ground.inventoryIni('all'));
  await mkdir(join(dir, 'host_vars'));
  // The second host's variables beat every keyword: sudo and ssh throughout.
  await writeFile(join(dir, 'host_vars', `${ground.hosts[1]!.name}.yml`), 'ansible_become_method: sudo\nansible_connection: ssh\n');
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** What the playbook wrote on each host to `path`, removed after reading. */
async function seen(path: string): Promise<string[]> {
  const out: string[] = [];
  for (const host of ground.hosts) {
    const r = await ground.exec(host.name, ['sh', '-c', 'cat "$1" && rm "$1"', 'sh', path]);
    assert.equal(r.rc, 0, r.stderr);
    out.push(r.stdout);
  }
  return out;
}

/** The playbook run by ansible-playbook, then by drover: each host must have seen the same, and what Ansible saw is `want`. */
async function sameAsAnsible(fixture: string, written: string, want: string[]): Promise<void> {
  const playbook = join(projectRoot(), 'test', 'fixtures', fixture);
  const env = { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_HOME: join(dir, 'ansible-home') };
  const ansible = await execa('ansible-playbook', ['-i', inventory, playbook], { env, reject: false, stdin: 'ignore' });
  assert.equal(ansible.exitCode, 0, ansible.stdout + ansible.stderr);
  assert.deepEqual(await seen(written), want);
  const r = await runDrover(['run', playbook, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await seen(written), want);
}

/** A value drover lacks: refused at load time when written, a failed task naming the keyword when templated. */
async function refused(keyword: string, value: string, allowed: RegExp): Promise<void> {
  const literal = join(dir, `${keyword}.yml`);
  await writeFile(literal, `- hosts: all\n  tasks:\n    - command: id\n      become: true\n      ${keyword}: ${value}\n`);
  const atLoad = await runDrover(['run', literal, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(atLoad.code, 5);
  assert.match(atLoad.stderr, new RegExp(`${keyword}\\.yml:5:7: task: keyword '${keyword}' must be one of ${allowed.source}, got "${value}"`));
  const templated = join(dir, `${keyword}-templated.yml`);
  await writeFile(templated, `- hosts: ${ground.hosts[0]!.name}\n  gather_facts: false\n  tasks:\n    - command: id\n      ${keyword}: "{{ '${value}' }}"\n`);
  const failed = await runDrover(['run', templated, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(failed.code, 2, failed.stdout + failed.stderr);
  assert.match(failed.stdout, new RegExp(`keyword '${keyword}'.*${value}`));
}

test('become_method on a play, task and block picks su or sudo; ansible_become_method wins; as ansible-playbook does', async () => {
  await sameAsAnsible('become/method-keyword.yml', '/tmp/become-method.txt', ['deploy no-sudo|deploy root|deploy root\n', 'deploy root|deploy root|deploy root\n']);
});

test('connection on a play, task and block picks local or ssh; ansible_connection wins; as ansible-playbook does', async () => {
  await sameAsAnsible('connection/keyword.yml', '/tmp/connection-seen.txt', ['local|ssh|local\n', 'ssh|ssh|ssh\n']);
});

test('a become method or a connection drover lacks is refused at load time; templated, it fails the task naming the keyword', async () => {
  await refused('become_method', 'doas', /sudo, su/);
  await refused('connection', 'docker', /local, .*ssh.*/);
});
