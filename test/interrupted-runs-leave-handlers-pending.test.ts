// Ctrl-C: the running task finishes, nothing new starts (not even the handlers
// notified so far: they are recorded as pending, docs/pending-handlers.md), the
// recap is printed and drover exits 130. A second Ctrl-C exits at once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { access, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { countInPidNamespaceOf, untilRunning } from './support/processes.js';

let ground: TestGround;
let dir: string;

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: Change the config
      command: touch /srv/config
      notify: restart app
    - name: Work a while
      command: sleep {{ nap }}
    - name: Never reached after Ctrl-C
      command: touch /srv/too-late
  handlers:
    - name: restart app
      command: touch /srv/restarted
`;

before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'intr' });
  dir = await mkdtemp(join(tmpdir(), 'drover-interrupt-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await writeFile(join(dir, 'site.yml'), PLAYBOOK);
});

after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function startRun(nap: number) {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts', 'run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--output', 'plain', '-e', `nap=${nap}`], { cwd: projectRoot(), env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  // Both hosts are in "Work a while" once its sleep runs on each (however long a busy machine takes).
  const untilTaskStarted = () =>
    untilRunning(child, `sleep ${nap} on every host`, async () => (await Promise.all(ground.hosts.map((h) => countInPidNamespaceOf(h.initPid, `sleep ${nap}`)))).every((n) => n > 0));
  return { child, closed, untilTaskStarted, output: () => stdout };
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

test('after Ctrl-C the running task ends, notified handlers do not run and are recorded as pending', async () => {
  // Long enough for the poll to see the sleep on a loaded machine, short enough to wait for.
  const run = startRun(5);
  await run.untilTaskStarted();
  const interruptedAt = Date.now();
  run.child.kill('SIGINT');
  const code = await run.closed;
  const stdout = run.output();
  console.log(`# exited ${code} ${Date.now() - interruptedAt} ms after SIGINT`);
  assert.equal(code, 130, stdout);
  assert.match(stdout, /^changed: \[intr1\] => Work a while/m);
  assert.match(stdout, /^PLAY RECAP/m);
  assert.doesNotMatch(stdout, /Never reached|restart app/);
  for (const host of ground.hosts) {
    const root = `/proc/${host.initPid}/root`;
    assert.equal(await exists(`${root}/srv/config`), true, `${host.name} ran the first task`);
    assert.equal(await exists(`${root}/srv/restarted`), false, `${host.name} ran no handler`);
    assert.equal(await exists(`${root}/srv/too-late`), false, `${host.name} started no new task`);
  }
  const records = await readdir(join(dir, '.drover', 'pending-handlers'));
  assert.equal(records.length, 1);
  const record = await readFile(join(dir, '.drover', 'pending-handlers', records[0]!), 'utf8');
  for (const host of ground.hosts) assert.match(record, new RegExp(`${host.name}[\\s\\S]*restart app`));
});

test('a second Ctrl-C exits at once, without waiting for the running task', async () => {
  const run = startRun(30);
  await run.untilTaskStarted();
  run.child.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 300));
  const secondAt = Date.now();
  run.child.kill('SIGINT');
  const code = await run.closed;
  const waited = Date.now() - secondAt;
  console.log(`# exited ${code} ${waited} ms after the second SIGINT (the task had 30 s to go)`);
  assert.equal(code, 130);
  assert.ok(waited < 5000, `exited ${waited} ms after the second SIGINT`);
});
