// async and poll, as ansible-playbook runs them over SSH: polled to the end
// (and failed past its time), left running with poll: 0 and checked with
// async_status (done, failed, nothing to do, cleanup, unknown job), and a job
// that outlives the run and its connection. The same playbook, whose asserts
// hold under the real ansible-playbook, runs with both tools on a namespace
// host: both pass every assert with the same recap.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const playbook = join(projectRoot(), 'test', 'fixtures', 'async', 'jobs.yml');
let ground: TestGround;
let dir: string;
let inventory: string;
before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'asy' });
  dir = await mkdtemp(join(tmpdir(), 'drover-async-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, ground.inventoryIni('all'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const host = () => ground.hosts[0]!.name;
const recap = (text: string) => /ok=\d+\s+changed=\d+\s+unreachable=\d+\s+failed=\d+\s+skipped=\d+\s+rescued=\d+\s+ignored=\d+/.exec(text)?.[0];

/** The last job of the playbook writes this file two seconds after its run ended. */
async function outlived(): Promise<void> {
  const written = async () => (await ground.exec(host(), ['cat', '/tmp/drover-async-outlived'])).stdout === 'outlived\n';
  for (let waited = 0; !(await written()); waited += 200) {
    assert.ok(waited < 20_000, 'the job finished after the run and its connection ended');
    await new Promise((r) => setTimeout(r, 200));
  }
  await ground.exec(host(), ['rm', '-f', '/tmp/drover-async-outlived']);
}

test('async jobs, polled and left running with async_status, as ansible-playbook runs them', async () => {
  const env = { ANSIBLE_HOST_KEY_CHECKING: 'False', ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_HOME: join(dir, 'ansible-home') };
  const ansible = await execa('ansible-playbook', ['-i', inventory, playbook], { env, reject: false, stdin: 'ignore' });
  assert.equal(ansible.exitCode, 0, ansible.stdout + ansible.stderr);
  await outlived();

  const drover = await runDrover(['run', playbook, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(drover.code, 0, drover.stdout + drover.stderr);
  assert.equal(recap(drover.stdout), recap(ansible.stdout));
  await outlived();
});

test('poll: 0 on a module that cannot be left running fails the task saying what works', async () => {
  const bad = join(dir, 'copy-async.yml');
  await writeFile(bad, '- hosts: all\n  gather_facts: false\n  tasks:\n    - copy: { content: x, dest: /tmp/x }\n      async: 10\n      poll: 0\n');
  const r = await runDrover(['run', bad, '-i', inventory, '--known-hosts', ground.knownHostsFile]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /poll: 0 .* is supported for command and shell; copy runs on the controller's side/);
});
