// Every run's events are kept for `drover report`: in a 0700 directory, one
// 0600 file per run, the newest RUN_LOGS_KEPT kept; a run killed mid-line
// still reads back up to its last whole event; `latest` and run ids find logs.
import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import type { EngineEvent } from '../runner/engine/events.js';
import { defaultRunLogDir, findRunLog, readRunLog, RUN_LOGS_KEPT, RunLogReporter, runLogs } from '../runner/report/run-log.js';

const dir = join(mkdtempSync(join(tmpdir(), 'drover-runlogs-')), 'runs');
after(() => rmSync(join(dir, '..'), { recursive: true, force: true }));

const start: EngineEvent = { type: 'run.start', playbook: 'site.yml', plays: 1, check: false, diff: false, forks: 5 };
const end: EngineEvent = { type: 'run.end', stats: {}, exitCode: 0, durationMs: 3 };

async function recordRun(at: number): Promise<RunLogReporter> {
  const log = new RunLogReporter(dir, () => at);
  log.handle(start);
  log.handle(end);
  await log.close();
  return log;
}

test('a run log is private and holds each event with its arrival time', async () => {
  const log = await recordRun(Date.UTC(2026, 0, 1));
  assert.equal(statSync(dir).mode & 0o777, 0o700);
  assert.equal(statSync(log.file!).mode & 0o777, 0o600);
  assert.deepEqual(readRunLog(log.file!), [
    { at: Date.UTC(2026, 0, 1), event: start },
    { at: Date.UTC(2026, 0, 1), event: end },
  ]);
  assert.equal(findRunLog('latest', dir), log.file);
  assert.equal(findRunLog(basename(log.file!, '.jsonl'), dir), log.file);
  assert.throws(() => findRunLog('no-such-run', dir), /no run "no-such-run" in .*runs there: /);
});

test('a torn last line (a killed run) reads back up to the last whole event', async () => {
  const log = await recordRun(Date.UTC(2026, 0, 2));
  appendFileSync(log.file!, '{"at":1,"event":{"type":"play.st');
  assert.equal(readRunLog(log.file!).length, 2);
});

test(`only the newest ${RUN_LOGS_KEPT} runs are kept`, async () => {
  for (let i = 0; i < RUN_LOGS_KEPT + 5; i++) await recordRun(Date.UTC(2026, 1, 1, 0, 0, i));
  const kept = runLogs(dir);
  assert.equal(kept.length, RUN_LOGS_KEPT);
  assert.match(basename(kept[0]!), /^2026-02-01T00-00-05/);
});

test('logs go under XDG_STATE_HOME, else ~/.local/state', () => {
  assert.equal(defaultRunLogDir({ XDG_STATE_HOME: '/state' }), '/state/drover/runs');
  assert.equal(defaultRunLogDir({ HOME: '/home/ops' }), '/home/ops/.local/state/drover/runs');
});
