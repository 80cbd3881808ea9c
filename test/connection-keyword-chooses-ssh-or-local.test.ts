// The connection keyword on a play, block or task (templated too) picks ssh
// or local, and the inventory's ansible_connection wins over it, as in
// Ansible: the real ansible-playbook and drover run the same playbook on the
// same namespace hosts, and where each command ran (SSH_CONNECTION is set only
// over ssh) must be the same. A connection drover lacks is refused at load time.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const playbook = join(projectRoot(), 'test', 'fixtures', 'connection', 'keyword.yml');
let ground: TestGround;
let dir: string;
let inventory: string;
before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'ckw' });
  dir = await mkdtemp(join(tmpdir(), 'drover-connection-keyword-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, ground.inventoryIni('all'));
  await mkdir(join(dir, 'host_vars'));
  // The second host's variable beats every keyword: ssh throughout.
  await writeFile(join(dir, 'host_vars', `${ground.hosts[1]!.name}.yml`), 'ansible_connection: ssh\n');
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function seen(): Promise<string[]> {
  const out: string[] = [];
  for (const host of ground.hosts) {
    const r = await ground.exec(host.name, ['sh', '-c', 'cat /tmp/connection-seen.txt && rm /tmp/connection-seen.txt']);
    assert.equal(r.rc, 0, r.stderr);
    out.push(r.stdout);
  }
  return out;
}

test('connection on a play, task and block picks local or ssh; ansible_connection wins; as ansible-playbook does', async () => {
  const env = { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_HOME: join(dir, 'ansible-home') };
  const ansible = await execa('ansible-playbook', ['-i', inventory, playbook], { env, reject: false, stdin: 'ignore' });
  assert.equal(ansible.exitCode, 0, ansible.stdout + ansible.stderr);
  const want = await seen();
  assert.deepEqual(want, ['local|ssh|local\n', 'ssh|ssh|ssh\n']);

  const r = await runDrover(['run', playbook, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(await seen(), want);
});

test('a connection drover lacks is refused at load time; templated, it fails the task naming the keyword', async () => {
  const literal = join(dir, 'docker.yml');
  await writeFile(literal, '- hosts: all\n  connection: docker\n  tasks:\n    - command: id\n');
  const refused = await runDrover(['run', literal, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(refused.code, 5);
  assert.match(refused.stderr, /docker\.yml:2:3: play 'all': keyword 'connection' must be one of local, .*ssh.*, got "docker"/);

  const templated = join(dir, 'docker-templated.yml');
  await writeFile(templated, `- hosts: ${ground.hosts[0]!.name}\n  gather_facts: false\n  tasks:\n    - command: id\n      connection: "{{ 'docker' }}"\n`);
  const failed = await runDrover(['run', templated, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(failed.code, 2, failed.stdout + failed.stderr);
  assert.match(failed.stdout, /keyword 'connection'.*docker/);
});
