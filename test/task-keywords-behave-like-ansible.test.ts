// Task keywords on real hosts, observed through --json events: tags
// (always/never), until/retries, no_log, run_once, delegate_to, environment,
// failed_when + ignore_errors, become_user, include_tasks, listen, serial.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, recapOf, runDrover } from './support/cli.js';

let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'kw' });
  dir = await mkdtemp(join(tmpdir(), 'drover-keywords-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (...args: string[]) => runDrover(['run', 'test/fixtures/keywords/site.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json', ...args]);
const results = (stdout: string, host: string) =>
  jsonEvents(stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result' && e.host === host && e.item === undefined);
const byName = (stdout: string, host: string) => new Map(results(stdout, host).map((e) => [e.task.name, e]));

test('every keyword behaves as in Ansible, and secrets never reach the output', async () => {
  const r = await run();
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  assert.doesNotMatch(r.stdout + r.stderr, /s3cr3t-token-value/);
  const kw1 = byName(r.stdout, 'kw1');
  assert.equal(kw1.get('Never tagged'), undefined, 'never-tagged tasks do not run by default');
  assert.equal(kw1.get('Always tagged')?.status, 'ok');
  assert.equal(kw1.get('Retry until the counter reaches 3')?.result?.attempts, 3);
  assert.equal(kw1.get('Secret command')?.result?.censored !== undefined, true);
  assert.equal(kw1.get('failed_when decides failure')?.status, 'failed');
  assert.equal(kw1.get('failed_when decides failure')?.ignored, true);
  assert.equal(kw1.get('Config handler')?.status, 'ok', 'the handler answered its listen topic');
  assert.equal(kw1.get('Included task')?.status, 'ok');
  assert.equal(byName(r.stdout, 'kw2').get('Once for all hosts'), undefined, 'run_once ran on the first host only');
  const delegated = await ground.exec('kw2', ['cat', '/tmp/kw-from-kw1']);
  assert.equal(delegated.stdout, 'kw1\n', "kw1's task wrote on kw2");
  const notOnSelf = await ground.exec('kw1', ['test', '-e', '/tmp/kw-from-kw1']);
  assert.notEqual(notOnSelf.rc, 0);
  const recap = recapOf(r.stdout);
  assert.equal(recap.kw1!.ignored, 1);
  assert.equal(recap.kw1!.failed, 0);
  // serial: 1 runs kw1's whole play before kw2 starts.
  const order = jsonEvents(r.stdout).flatMap((e) => (e.type === 'host.task.result' ? [e.host] : []));
  assert.ok(order.lastIndexOf('kw1') < order.indexOf('kw2'), 'serial batches run one after the other');
});

test('--tags selects tagged tasks, always still runs, never runs when named', async () => {
  const r = await run('--tags', 'config,debugonly');
  assert.equal(r.code, 0, r.stderr);
  const kw1 = byName(r.stdout, 'kw1');
  assert.deepEqual([...kw1.keys()].sort(), ['Always tagged', 'Config tagged', 'Never tagged'].sort());
});

test('under --check a command without creates/removes is skipped whatever its changed_when, as ansible-playbook --check skips both tasks', async () => {
  const r = await runDrover(['run', 'test/fixtures/keywords/check-mode.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json', '--check']);
  assert.equal(r.code, 0, r.stderr);
  const kw1 = byName(r.stdout, 'kw1');
  assert.equal(kw1.get('A read-only command')?.status, 'skipped');
  assert.equal(kw1.get('A command judged by its output')?.status, 'skipped');
});
