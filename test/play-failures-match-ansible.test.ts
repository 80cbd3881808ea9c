// any_errors_fatal, max_fail_percentage, force_handlers (keyword, flag and
// environment), meta end_batch / clear_host_errors / end_host / end_play with
// when, a wholly failed serial batch and the exit code of a run with failed and
// unreachable hosts, as ansible-core 2.14 runs them with its linear strategy:
// for each case of test/fixtures/play-failures/cases.json, drover's results
// per host (task, status, in order), its recap and its exit code equal what
// scripts/record-play-failures.ts recorded from ansible-playbook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { HostStats, TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, runDrover } from './support/cli.js';

const DIR = 'test/fixtures/play-failures';

interface Case {
  name: string;
  playbook?: string;
  adhoc?: string[];
  args?: string[];
  env?: Record<string, string>;
  /** The play runs in lock-step: the task order across hosts is Ansible's too. */
  lockstep?: boolean;
}

interface Recorded {
  exitCode: number;
  results: [string, string, string][];
  recap: Record<string, Record<string, number>>;
}

const cases = JSON.parse(readFileSync(`${DIR}/cases.json`, 'utf8')) as Case[];
const expected = JSON.parse(readFileSync(`${DIR}/expected.json`, 'utf8')) as Record<string, Recorded>;

/** Results per host, in the order the host ran them (hosts of one task finish in any order, in both). */
function byHost(results: [string, string, string][]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [host, task, status] of results) (out[host] ??= []).push(`${task}: ${status}`);
  return out;
}

/** The tasks in the order they ran across hosts (a task once however many hosts ran it): lock-step order. */
function taskOrder(results: [string, string, string][]): string[] {
  return results.map(([, task]) => task).filter((task, i, all) => i === 0 || all[i - 1] !== task);
}

/** Ansible's recap names: failures for failed. */
function recapOf(stats: Record<string, HostStats>): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(stats)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([host, s]) => [host, { ok: s.ok, failures: s.failed, unreachable: s.unreachable, changed: s.changed, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored }]),
  );
}

for (const c of cases.filter((c) => c.adhoc)) {
  test(`${c.name}: drover exec exits as ansible did`, async () => {
    const run = await runDrover(['exec', '-i', `${DIR}/hosts.yml`, '--no-log', ...c.adhoc!], { env: { ...c.env } });
    assert.equal(run.code, expected[c.name]!.exitCode, run.stdout + run.stderr);
  });
}

for (const c of cases.filter((c) => c.playbook)) {
  test(`${c.name}: results, recap and exit code as ansible-playbook's`, async () => {
    const want = expected[c.name]!;
    const run = await runDrover(['run', `${DIR}/${c.playbook!}`, '-i', `${DIR}/hosts.yml`, '--json', ...(c.args ?? [])], { env: { ...c.env } });
    const events = jsonEvents(run.stdout);
    // An unnamed meta task is 'meta' in Ansible's callbacks, `meta: ACTION` in drover's events.
    const results = events
      .filter((e): e is TaskResultEvent => e.type === 'host.task.result')
      .map((e): [string, string, string] => [e.host, e.task.name.startsWith('meta: ') ? 'meta' : e.task.name, e.status]);
    const end = events.find((e) => e.type === 'run.end') as { stats: Record<string, HostStats> } | undefined;
    assert.ok(end, run.stdout.slice(-2000) + run.stderr);
    assert.deepEqual(byHost(results), byHost(want.results), run.stderr);
    assert.deepEqual(recapOf(end.stats), want.recap);
    assert.equal(run.code, want.exitCode, run.stderr);
    // Outside one task's hosts, lock-step order is Ansible's (other plays let hosts run ahead).
    if (c.lockstep) assert.deepEqual(taskOrder(results), taskOrder(want.results));
  });
}

test('an included file that needs lock-step, in a play that does not run in lock-step, fails the include saying why instead of ignoring any_errors_fatal', async () => {
  const run = await runDrover(['run', `${DIR}/fatal-in-include.yml`, '-i', `${DIR}/hosts.yml`, '--json']);
  assert.equal(run.code, 2, run.stderr);
  const failed = jsonEvents(run.stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result' && e.status === 'failed');
  assert.deepEqual(failed.map((e) => e.host).sort(), ['h1', 'h2']);
  for (const e of failed) assert.match(e.message ?? '', /any_errors_fatal.*lock-step.*set any_errors_fatal on the play/);
  assert.ok(!run.stdout.includes('"msg":"never"'));
});

test('strategy is rendered when the run starts: linear runs, a strategy drover lacks is refused before any host is contacted', async () => {
  const linear = await runDrover(['run', `${DIR}/strategy.yml`, '-i', `${DIR}/hosts.yml`, '--json']);
  assert.equal(linear.code, 0, linear.stderr);
  const debug = await runDrover(['run', `${DIR}/strategy.yml`, '-i', `${DIR}/hosts.yml`, '-e', 'test_strategy=debug']);
  assert.equal(debug.code, 5, debug.stdout + debug.stderr);
  assert.match(debug.stdout + debug.stderr, /strategy\.yml:4:\d+.*Invalid play strategy specified: debug/s);
  assert.ok(!debug.stdout.includes('ok: [h1]'), debug.stdout);
});
