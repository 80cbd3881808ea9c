// A host that dies mid-task or never answers is unreachable (exit 4) within a
// bounded time while the others finish; a task that runs past its `timeout:`
// fails on that host (exit 2), as in Ansible, its command is killed there,
// and the host stays reachable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { jsonEvents, recapOf, runDrover } from './support/cli.js';
import type { EngineEvent } from '../runner/engine/events.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../runner/connection/ssh-errors.js';
import { countInPidNamespaceOf } from './support/processes.js';

let ground: TestGround;
let dir: string;

before(async () => {
  ground = await startHosts({ count: 3, namePrefix: 'frail' });
  dir = await mkdtemp(join(tmpdir(), 'drover-frail-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
});

after(async () => {
  // A stopped sshd would survive nothing anyway: stop() SIGKILLs each host's unshare.
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function run(name: string, playbook: string) {
  await writeFile(join(dir, name), playbook);
  const result = await runDrover(['run', join(dir, name), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json'], { timeoutMs: 120_000 });
  const events = jsonEvents(result.stdout);
  // The engine's own time, from the run.end event: how long node and tsx take to start on a busy machine is not the point.
  const end = events.find((e): e is Extract<EngineEvent, { type: 'run.end' }> => e.type === 'run.end');
  return { ...result, ms: end?.durationMs ?? Infinity, events };
}

type Result = Extract<EngineEvent, { type: 'host.task.result' }>;
function results(events: EngineEvent[], host: string): Result[] {
  return events.filter((e): e is Result => e.type === 'host.task.result' && e.host === host && e.status !== 'skipped');
}

test('a task past its timeout fails on that host, which still runs later tasks and plays', async () => {
  const r = await run(
    'timeout.yml',
    `- hosts: all
  gather_facts: false
  tasks:
    - name: Too slow, ignored
      command: sleep 30
      timeout: 2
      ignore_errors: true
      when: inventory_hostname == 'frail1'
    - name: Too slow
      command: sleep 30
      timeout: 2
      when: inventory_hostname == 'frail2'
    - name: Still answering
      command: echo alive
- hosts: all
  gather_facts: false
  tasks:
    - name: Next play
      command: echo next
`,
  );
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const recap = recapOf(r.stdout);
  assert.equal(recap.frail1!.unreachable, 0);
  assert.equal(recap.frail2!.unreachable, 0);
  assert.equal(recap.frail2!.failed, 1);
  const slow = results(r.events, 'frail2').find((e) => e.task.name === 'Too slow')!;
  assert.equal(slow.status, 'failed');
  assert.match(slow.message ?? '', /timed out after 2 s/);
  // The ignored timeout left frail1's connection usable for the next task and play.
  assert.deepEqual(results(r.events, 'frail1').map((e) => [e.task.name, e.status]), [
    ['Too slow, ignored', 'failed'],
    ['Still answering', 'changed'],
    ['Next play', 'changed'],
  ]);
  assert.equal(results(r.events, 'frail3').filter((e) => e.status === 'changed').length, 2);
  // The timed-out commands were ended on their hosts too, with what they started.
  for (const host of ground.hosts.slice(0, 2)) assert.equal(await countInPidNamespaceOf(host.initPid, 'sleep 30'), 0, `sleep 30 still runs on ${host.name}`);
  // Shorter than one of the sleeps: neither ran to its end.
  assert.ok(r.ms < 30_000, `run took ${r.ms} ms`);
  console.log(`# timeout: run took ${r.ms} ms; frail2 "${slow.message}"`);
});

test('a host whose sshd is stopped (TCP connects, SSH never speaks) is unreachable after the connect timeout', async () => {
  const stopped = ground.hosts[2]!;
  process.kill(stopped.initPid, 'SIGSTOP');
  try {
    const r = await run('hang.yml', `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: Say hello\n      command: echo hello\n`);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    const recap = recapOf(r.stdout);
    assert.equal(recap.frail3!.unreachable, 1);
    assert.equal(recap.frail1!.changed, 1);
    assert.equal(recap.frail2!.changed, 1);
    const others = ['frail1', 'frail2'].map((h) => results(r.events, h)[0]!.durationMs);
    const hung = results(r.events, 'frail3')[0]!;
    assert.match(hung.message ?? '', /no SSH handshake within/);
    // The others did not wait for the hung host's handshake timeout, and the run waited for it once.
    assert.ok(Math.max(...others) < DEFAULT_CONNECT_TIMEOUT_MS, `the other hosts took ${others.join(', ')} ms`);
    assert.ok(r.ms < 2 * DEFAULT_CONNECT_TIMEOUT_MS, `run took ${r.ms} ms`);
    console.log(`# stopped sshd: run took ${r.ms} ms; other hosts ${others.join(', ')} ms; frail3 "${hung.message}"`);
  } finally {
    process.kill(stopped.initPid, 'SIGCONT');
  }
});

test('a host killed mid-task is unreachable; the others finish their play; exit 4 without stalling', async () => {
  const victim = ground.hosts[1]!;
  const pending = run(
    'die.yml',
    `- hosts: all
  gather_facts: false
  tasks:
    - name: Work a while
      command: sleep 10
    - name: Afterwards
      command: echo done
`,
  );
  // Kill sshd (PID 1 of the host: everything in it dies) once the sleep runs there, however long that takes.
  let ended = false;
  void pending.then(() => (ended = true));
  while ((await countInPidNamespaceOf(victim.initPid, 'sleep 10')) === 0) {
    assert.equal(ended, false, 'the run ended before the sleep ran on the victim');
    await new Promise((r) => setTimeout(r, 50));
  }
  const killedAt = Date.now();
  process.kill(victim.initPid, 'SIGKILL');
  const r = await pending;
  assert.equal(r.code, 4, r.stdout + r.stderr);
  const recap = recapOf(r.stdout);
  assert.equal(recap[victim.name]!.unreachable, 1);
  for (const other of ['frail1', 'frail3']) {
    assert.deepEqual(results(r.events, other).map((e) => e.status), ['changed', 'changed'], other);
  }
  const afterKill = Date.now() - killedAt;
  // Measured: drover learns of the death from the next keepalive (every 15 s),
  // answered by a reset or a failed neighbour lookup, as after a power loss.
  assert.ok(afterKill < 25_000, `drover ended ${afterKill} ms after the kill`);
  console.log(`# killed host: run took ${r.ms} ms, ended ${afterKill} ms after the kill; ${victim.name} "${results(r.events, victim.name)[0]!.message}"`);
});
