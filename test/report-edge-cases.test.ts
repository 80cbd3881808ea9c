// Reporter edge cases that need no whole run: loops, odd registered results,
// a reader that went away.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { EngineEvent, TaskRef, TaskResultEvent } from '../runner/engine/events.js';
import { JsonReporter, PlainReporter } from '../runner/report/index.js';

const T = { packages: { play: 'p', name: 'Install packages', location: 'site.yml:5:7' } satisfies TaskRef };

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

async function runThrough(reporter: { handle(e: EngineEvent): void; close(): Promise<void> }, events: EngineEvent[]): Promise<void> {
  for (const event of events) reporter.handle(event);
  await reporter.close();
}

test('plain: a loop is told by its items; its summary shows only when it failed', async () => {
  const out = capture();
  const item = (status: TaskResultEvent['status'], extra: Partial<TaskResultEvent>): TaskResultEvent => ({
    type: 'host.task.result', host: 'web01', task: T.packages, status, planOnly: false, changes: [], diff: [], durationMs: 1, ...extra,
  });
  await runThrough(new PlainReporter({ stream: out.stream }), [
    item('failed', { item: 'nginx', message: 'no such package' }),
    item('ok', { item: 'curl' }),
    item('failed', { message: 'One or more items failed', ignored: true }),
    item('ok', { item: 'vim' }),
    item('ok', {}),
  ]);
  assert.equal(out.text(), `failed: [web01] (item=nginx) => Install packages (site.yml:5): no such package
ok: [web01] => (item=curl) Install packages (site.yml:5)
fatal: [web01]: FAILED! => Install packages (site.yml:5): One or more items failed
...ignoring
ok: [web01] => (item=vim) Install packages (site.yml:5)
`);
});

test('json: lines are written as events arrive, and odd results cannot break a line', async () => {
  const out = capture();
  const reporter = new JsonReporter(out.stream);
  const cyclic: Record<string, unknown> = { n: 10n };
  cyclic.self = cyclic;
  reporter.handle({ type: 'host.task.result', host: 'h', task: T.packages, status: 'ok', planOnly: false, changes: [], diff: [], result: cyclic, durationMs: 1 });
  await new Promise((resolve) => setImmediate(resolve));
  assert.match(out.text(), /^\{.*"result":\{"n":"10","self":"\[Circular\]"\}.*\}\n$/);
  await reporter.close();
});

test('a broken pipe (the reader exited) stops the output, not the run', async () => {
  const stream = new PassThrough();
  const reporter = new PlainReporter({ stream });
  stream.destroy(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
  await new Promise((resolve) => setImmediate(resolve));
  reporter.handle({ type: 'warning', message: 'nobody reads this' });
  await reporter.close();
});
