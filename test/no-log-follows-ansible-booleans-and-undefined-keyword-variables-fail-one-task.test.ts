// no_log rendered to 1, "Yes", "on", "TRUE" or " true " censors, as Ansible's
// boolean() says (it printed the secret before: only true/'true'/'yes'/'True'
// counted); "n" and None do not. An undefined variable in no_log, run_once or
// ignore_errors fails that task on that host (rescuable), never the run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, recapOf, runDrover } from './support/cli.js';

const secret = 'nolog-truthy-secret-5150';
let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 2, namePrefix: 'nlb' });
  dir = await mkdtemp(join(tmpdir(), 'drover-no-log-bool-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await mkdir(join(dir, 'host_vars'));
  await writeFile(join(dir, 'host_vars', `${ground.hosts[1]!.name}.yml`), 'flag: false\n');
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const run = (playbook: string, ...args: string[]) =>
  runDrover(['run', `test/fixtures/keywords/${playbook}`, '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '-e', `secret=${secret}`, ...args]);
const resultsOf = (stdout: string, host: string) =>
  new Map(jsonEvents(stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result' && e.host === host && e.item === undefined).map((e) => [e.task.name, e]));

test("no_log rendered to 1, Yes, on, TRUE or ' true ' censors; n and None do not", async () => {
  const json = await run('no-log-truthiness.yml', '--json');
  assert.equal(json.code, 0, json.stdout.slice(-3000) + json.stderr);
  const plain = await run('no-log-truthiness.yml', '--output', 'plain', '-vvv');
  assert.equal(plain.code, 0, plain.stdout.slice(-3000) + plain.stderr);
  for (const out of [json.stdout + json.stderr, plain.stdout + plain.stderr]) {
    assert.doesNotMatch(out, new RegExp(secret), 'the secret never shows');
    assert.match(out, /visible-n/);
    assert.match(out, /visible-none/);
  }
  const results = resultsOf(json.stdout, ground.hosts[0]!.name);
  for (const name of ['no_log 1', 'no_log Yes', 'no_log on', 'no_log TRUE', 'no_log TRUE on a failing command']) {
    assert.ok(results.get(name)?.result?.censored, `${name} is censored: ${JSON.stringify(results.get(name))}`);
  }
  assert.equal(results.get('no_log TRUE on a failing command')?.status, 'failed');
});

test('an undefined variable in no_log, run_once or ignore_errors fails that task on that host only', async () => {
  const r = await run('undefined-keyword-variables.yml', '--json');
  const [first, second] = ground.hosts.map((h) => h.name) as [string, string];
  assert.equal(r.code, 2, `a failed host, not a crash (exit 1): ${r.stdout.slice(-2000)}${r.stderr}`);
  assert.doesNotMatch(r.stderr, /\n\s+at |TypeError|UndefinedVariable/, 'no stack trace');
  const mine = resultsOf(r.stdout, first);
  for (const keyword of ['no_log', 'run_once', 'ignore_errors']) {
    const result = mine.get(`${keyword} on an undefined variable`);
    assert.equal(result?.status, 'failed', `${keyword}: ${JSON.stringify(result)}`);
    assert.match(result.message ?? '', new RegExp(`keyword '${keyword}': .*flag.*undefined`), keyword);
  }
  assert.equal(mine.get('rescued no_log')?.status, 'ok');
  assert.equal(mine.get('rescued run_once')?.status, 'ok');
  assert.equal(mine.get('ignore_errors on an undefined variable')?.ignored, undefined, 'a bad ignore_errors is not taken for true');
  assert.equal(mine.get('after'), undefined, 'the failed host stops');
  const theirs = resultsOf(r.stdout, second);
  assert.equal(theirs.get('no_log on an undefined variable')?.status, 'ok');
  assert.equal(theirs.get('ignore_errors on an undefined variable')?.ignored, true);
  assert.equal(theirs.get('after')?.status, 'ok', 'the other host runs every task');
  const recap = recapOf(r.stdout);
  assert.equal(recap[first]!.rescued, 2);
  assert.equal(recap[first]!.failed, 1);
  assert.equal(recap[second]!.failed, 0);
});
