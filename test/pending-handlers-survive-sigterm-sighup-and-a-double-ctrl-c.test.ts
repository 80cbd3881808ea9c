// A notified handler is recorded when it is notified (an fsync'd journal,
// runner/engine/pending-handlers.ts), not at exit: a run killed with SIGTERM,
// SIGHUP or a double Ctrl-C while the handler is pending leaves it pending, and
// `--flush-pending-handlers` then runs it exactly once. Before, only a single
// Ctrl-C (which lets the run end in order) saved the record.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';
import { countInPidNamespaceOf, untilRunning } from './support/processes.js';

let ground: TestGround;
let dir: string;

const PLAYBOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: Change the config
      command: "true"
      changed_when: nap | int > 0
      notify: restart app
    - name: Work a while
      command: sleep {{ nap }}
  handlers:
    - name: restart app
      shell: echo restarted >> /srv/restarts
`;

before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'jrnl' });
  dir = await mkdtemp(join(tmpdir(), 'drover-journal-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await writeFile(join(dir, 'site.yml'), PLAYBOOK);
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const args = (nap: number, ...more: string[]) => ['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--output', 'plain', '-e', `nap=${nap}`, ...more];

async function killedWhileWorking(signals: NodeJS.Signals[]): Promise<number | null> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts', ...args(60)], { cwd: projectRoot(), env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.resume();
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  // The handler is notified (and journaled) once the next task's sleep runs on the host.
  await untilRunning(child, 'sleep 60', async () => (await countInPidNamespaceOf(ground.hosts[0]!.initPid, 'sleep 60')) > 0);
  for (const signal of signals) {
    child.kill(signal);
    await new Promise((r) => setTimeout(r, 200));
  }
  return closed;
}

const restarts = async () => (await readFile(`/proc/${ground.hosts[0]!.initPid}/root/srv/restarts`, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;

for (const signals of [['SIGTERM'], ['SIGHUP'], ['SIGINT', 'SIGINT']] as NodeJS.Signals[][]) {
  test(`killed with ${signals.join(' + ')} while a notified handler is pending: --flush-pending-handlers runs it once`, async () => {
    const before = await restarts();
    const code = await killedWhileWorking(signals);
    assert.notEqual(code, 0);
    assert.equal(await restarts(), before, 'the killed run ran no handler');
    const flushed = await runDrover(args(0, '--flush-pending-handlers'));
    assert.equal(flushed.code, 0, flushed.stdout + flushed.stderr);
    assert.match(flushed.stdout, /restart app/);
    assert.equal(await restarts(), before + 1, 'the handler ran once');
    const again = await runDrover(args(0));
    assert.equal(again.code, 0, again.stdout);
    assert.doesNotMatch(again.stdout, /pending from an earlier run/);
    assert.equal(await restarts(), before + 1, 'and not again');
  });
}
