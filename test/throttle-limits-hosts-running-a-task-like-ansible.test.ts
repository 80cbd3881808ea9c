// throttle: at most N hosts inside a task at once, on the task or inherited
// from its block, templated; the same playbook is run by the real
// ansible-playbook and by drover over six local-connection hosts, and each
// task's highest count of hosts inside it at once must be the same.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const playbook = join(projectRoot(), 'test', 'fixtures', 'throttle', 'site.yml');
let dir: string;
let inventory: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-throttle-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, 'h[1:6] ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Per task, the most hosts that were inside it together. */
async function mostAtOnce(out: string): Promise<Record<string, number>> {
  const most: Record<string, number> = {};
  for (const step of ['free', 'two', 'one']) {
    const counts = (await readFile(join(out, `${step}.counts`), 'utf8')).trim().split('\n').map(Number);
    assert.equal(counts.length, 6, `every host ran ${step}`);
    most[step] = Math.max(...counts);
  }
  return most;
}

test('throttle lets only N hosts run the task at once, on the task and from its block, as in ansible-playbook', async () => {
  const ansibleOut = join(dir, 'ansible');
  await promisify(execFile)('ansible-playbook', [playbook, '-i', inventory, '-f', '10', '-e', `out=${ansibleOut}`], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
  const want = await mostAtOnce(ansibleOut);
  assert.deepEqual({ two: want.two, one: want.one }, { two: 2, one: 1 });
  assert.ok(want.free! > 2, `without throttle several hosts are inside at once (${want.free})`);

  const droverOut = join(dir, 'drover');
  const r = await runDrover(['run', playbook, '-i', inventory, '-f', '10', '-e', `out=${droverOut}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const got = await mostAtOnce(droverOut);
  assert.deepEqual({ two: got.two, one: got.one }, { two: 2, one: 1 });
  assert.ok(got.free! > 2, `without throttle several hosts are inside at once (${got.free})`);
});

test('a throttle that does not render to a whole number fails the task, naming the keyword and its value', async () => {
  const bad = join(dir, 'bad.yml');
  await writeFile(bad, '- hosts: h1\n  gather_facts: false\n  tasks:\n    - command: "true"\n      throttle: "{{ \'two\' }}"\n');
  const r = await runDrover(['run', bad, '-i', inventory]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /keyword 'throttle'.*'two'/);
});
