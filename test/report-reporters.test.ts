// The reporters fed one realistic run: 2 plays, 3 hosts, every kind of
// result (ok, changed, failed, ignored, rescued, skipped, unreachable), a
// loop, a diff, warnings, a handler; once for real and once in check mode.
// Plain text and JSON lines are asserted exactly; the listr view is run with
// listr's line renderer, since a test has no terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import type { EngineEvent, HostStats, TaskRef, TaskResultEvent } from '../runner/engine/events.js';
import { emptyStats } from '../runner/engine/events.js';
import { createReporter, fanOut, resolveFormat, JsonReporter, ListrReporter, PlainReporter } from '../runner/report/index.js';

const task = (name: string, line: number, extra: Partial<TaskRef> = {}): TaskRef => ({
  play: extra.play ?? 'Configure web servers',
  name,
  location: `site.yml:${line}:7`,
  ...extra,
});
const T = {
  packages: task('Install packages', 5, { module: 'apt' }),
  config: task('Write nginx.conf', 12, { module: 'template', role: 'nginx' }),
  legacy: task('Check legacy config', 20, { module: 'stat' }),
  fallback: task('Use packaged config', 24, { module: 'copy' }),
  restart: task('restart nginx', 40, { module: 'service', handler: true }),
  version: task('Show version', 50, { play: 'Report', module: 'debug' }),
  tooOld: task('Fail on old version', 55, { play: 'Report', module: 'fail' }),
};

function sampleRun(check: boolean): EngineEvent[] {
  const result = (host: string, ref: TaskRef, status: TaskResultEvent['status'], extra: Partial<TaskResultEvent> = {}): EngineEvent[] => [
    { type: 'host.task.start', host, task: ref, ...(extra.item !== undefined ? { item: extra.item } : {}) },
    {
      type: 'host.task.result', host, task: ref, status, planOnly: check && status === 'changed',
      changes: [], diff: [], durationMs: 12, ...extra,
    },
  ];
  const stats: Record<string, HostStats> = {
    web01: { ...emptyStats(), ok: 5, changed: 3, ignored: 1 },
    web02: { ...emptyStats(), ok: 3, changed: 1, failed: 1, skipped: 1, rescued: 1 },
    db01: { ...emptyStats(), unreachable: 1 },
  };
  return [
    { type: 'run.start', playbook: 'site.yml', plays: 1, check, diff: true, forks: 5 },
    { type: 'play.start', play: 'Configure web servers', hosts: ['web01', 'web02', 'db01'] },
    ...result('web01', T.packages, 'changed', { item: 'nginx', changes: ['install nginx'], result: { packages: ['nginx'] } }),
    ...result('web02', T.packages, 'ok', { item: 'nginx' }),
    ...result('db01', T.packages, 'unreachable', { message: 'ssh: connect to host db01 port 22: Connection refused' }),
    ...result('web01', T.packages, 'ok', { item: 'curl' }),
    ...result('web02', T.packages, 'ok', { item: 'curl' }),
    // The engine follows a loop's items with one summary result for the task.
    ...result('web01', T.packages, 'changed', { changes: ['install nginx'], result: { results: [], msg: 'All items completed' } }),
    ...result('web02', T.packages, 'ok', { result: { results: [], msg: 'All items completed' } }),
    ...result('web01', T.config, 'changed', {
      changes: ['update /etc/nginx/nginx.conf'],
      diff: [{ label: '/etc/nginx/nginx.conf', before: 'worker_processes 1;\nevents {}\n', after: 'worker_processes auto;\nevents {}\n' }],
    }),
    { type: 'handler.notified', host: 'web01', handler: 'restart nginx', by: T.config },
    ...result('web02', T.config, 'skipped', { message: "when: inventory_hostname == 'web01' was false" }),
    { type: 'warning', host: 'web02', message: 'apt: package cache is 9 days old' },
    ...result('web01', T.legacy, 'failed', { message: '/etc/legacy.conf: No such file', ignored: true }),
    ...result('web02', T.legacy, 'failed', { message: 'nginx.service not found', rescued: true }),
    ...result('web02', T.fallback, 'changed', { changes: ['copy nginx.conf'] }),
    ...result('web01', T.restart, 'changed', { changes: ['restart nginx'] }),
    { type: 'play.end', play: 'Configure web servers' },
    { type: 'play.start', play: 'Report', hosts: ['web01', 'web02'] },
    ...result('web01', T.version, 'ok', { message: 'nginx 1.24.0', result: { msg: 'nginx 1.24.0' } }),
    ...result('web02', T.version, 'ok', { message: 'nginx 1.22.1', result: { msg: 'nginx 1.22.1' } }),
    ...result('web02', T.tooOld, 'failed', { message: 'nginx 1.22.1 is too old\nupgrade to 1.24 first' }),
    { type: 'play.end', play: 'Report' },
    { type: 'warning', message: 'db01 was unreachable; its changes were not made' },
    { type: 'run.end', stats, exitCode: 2, durationMs: 5321 },
  ];
}

/** A stream that is not a terminal, and what was written to it. */
function capture(isTTY = false): { stream: PassThrough & { isTTY?: boolean }; text: () => string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  if (isTTY) stream.isTTY = true;
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return { stream, text: () => text };
}

async function runThrough(reporter: { handle(e: EngineEvent): void; close(): Promise<void> }, events: EngineEvent[]): Promise<void> {
  for (const event of events) reporter.handle(event);
  await reporter.close();
}

const RECAP = `
PLAY RECAP *********************************************************************
db01                       : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   
web01                      : ok=5    changed=3    unreachable=0    failed=0    skipped=0    rescued=0    ignored=1   
web02                      : ok=3    changed=1    unreachable=0    failed=1    skipped=1    rescued=1    ignored=0   

`;

const DIFF = `--- before: /etc/nginx/nginx.conf
+++ after: /etc/nginx/nginx.conf
@@ -1,2 +1,2 @@
-worker_processes 1;
+worker_processes auto;
 events {}
`;

const PLAIN = `
PLAY [Configure web servers] ***************************************************
changed: [web01] => (item=nginx) Install packages (site.yml:5)
ok: [web02] => (item=nginx) Install packages (site.yml:5)
fatal: [db01]: UNREACHABLE! => Install packages (site.yml:5): ssh: connect to host db01 port 22: Connection refused
ok: [web01] => (item=curl) Install packages (site.yml:5)
ok: [web02] => (item=curl) Install packages (site.yml:5)
changed: [web01] => nginx : Write nginx.conf (site.yml:12)
${DIFF}skipping: [web02] => nginx : Write nginx.conf (site.yml:12)
[WARNING]: [web02]: apt: package cache is 9 days old
fatal: [web01]: FAILED! => Check legacy config (site.yml:20): /etc/legacy.conf: No such file
...ignoring
fatal: [web02]: FAILED! => Check legacy config (site.yml:20): nginx.service not found
...rescued
changed: [web02] => Use packaged config (site.yml:24)
changed: [web01] => handler: restart nginx (site.yml:40)

PLAY [Report] ******************************************************************
ok: [web01] => Show version (site.yml:50): nginx 1.24.0
ok: [web02] => Show version (site.yml:50): nginx 1.22.1
fatal: [web02]: FAILED! => Fail on old version (site.yml:55): nginx 1.22.1 is too old
    upgrade to 1.24 first
[WARNING]: db01 was unreachable; its changes were not made
${RECAP}`;

test('plain: the whole run, Ansible-like lines, diff under its line, recap at the end', async () => {
  const out = capture();
  await runThrough(new PlainReporter({ stream: out.stream, diff: true }), sampleRun(false));
  assert.equal(out.text(), PLAIN);
});

test('plain: check mode marks plays and planned-only changes', async () => {
  const out = capture();
  await runThrough(new PlainReporter({ stream: out.stream }), sampleRun(true));
  const expected = PLAIN.replace(/^(PLAY \[.*\]) \**$/gm, (_line, head: string) => `${head} [CHECK MODE] ${'*'.repeat(79 - head.length - 13)}`)
    .replace(/^changed: /gm, 'changed (check): ')
    .replace(DIFF, ''); // no --diff this time
  assert.equal(out.text(), expected);
});

test('plain -v: change sentences, skip reasons and registered results; -vv pretty-prints and shows handlers', async () => {
  const out = capture();
  await runThrough(new PlainReporter({ stream: out.stream, verbose: 1 }), sampleRun(false));
  const text = out.text();
  // An item's registered result is shown once, inside the loop summary's results, as Ansible registers it.
  assert.ok(text.includes('changed: [web01] => (item=nginx) Install packages (site.yml:5)\n    - install nginx\nok: [web02] => (item=nginx)'));
  assert.ok(text.includes('changed: [web01] => Install packages (site.yml:5)\n    - install nginx\n    result: {"results":[],"msg":"All items completed"}\n'));
  assert.ok(text.includes("skipping: [web02] => nginx : Write nginx.conf (site.yml:12): when: inventory_hostname == 'web01' was false\n"));
  assert.ok(!text.includes('--- before:'), 'diffs only with --diff');

  const vv = capture();
  await runThrough(new PlainReporter({ stream: vv.stream, verbose: 2 }), sampleRun(false));
  assert.ok(vv.text().startsWith('\nPLAYBOOK: site.yml ****'));
  assert.ok(vv.text().includes('NOTIFIED HANDLER restart nginx for web01\n'));
  assert.ok(vv.text().includes('    result: {\n        "msg": "nginx 1.24.0"\n    }\n'));
});

test('plain: colour only when asked, in Ansible colours', async () => {
  const plain = capture();
  await runThrough(new PlainReporter({ stream: plain.stream, diff: true }), sampleRun(false));
  assert.ok(!plain.text().includes('\x1b['));
  const colored = capture();
  await runThrough(new PlainReporter({ stream: colored.stream, diff: true, color: true }), sampleRun(false));
  const text = colored.text();
  assert.ok(text.includes('\x1b[0;33mchanged: [web01] => nginx : Write nginx.conf (site.yml:12)\x1b[0m\n'));
  assert.ok(text.includes('\x1b[0;31m-worker_processes 1;\x1b[0m\n\x1b[0;32m+worker_processes auto;\x1b[0m\n'));
  assert.ok(text.includes('\x1b[1;35m[WARNING]: db01 was unreachable; its changes were not made\x1b[0m\n'));
  // Without escape codes it is the same text.
  assert.equal(text.replace(/\x1b\[[0-9;]*m/g, ''), plain.text());
});

test('json: one parseable line per event, the event objects unchanged', async () => {
  const out = capture();
  const events = sampleRun(false);
  await runThrough(new JsonReporter(out.stream), events);
  const lines = out.text().split('\n');
  assert.equal(lines.pop(), '', 'ends with a newline');
  assert.equal(lines.length, events.length);
  assert.deepEqual(lines.map((line) => JSON.parse(line) as unknown), events);
  assert.equal(lines[0], '{"type":"run.start","playbook":"site.yml","plays":1,"check":false,"diff":true,"forks":5}');
});

test('listr: a row per host under each play, failures and diffs after the live view, then the recap', async () => {
  const out = capture();
  const reporter = new ListrReporter({ stream: out.stream, renderer: 'simple', diff: true });
  await runThrough(reporter, sampleRun(false));
  const text = out.text();
  const order = ['PLAY [Configure web servers]', 'web01', 'web02', 'db01', 'PLAY [Report]'];
  let at = 0;
  for (const title of order) {
    at = text.indexOf(title, at);
    assert.ok(at >= 0, `${title} in order`);
  }
  assert.match(text, /web01 {2}ok=4 changed=3 ignored=1/, 'final counts of web01 in play 1');
  assert.match(text, /db01 {2}ok=0 changed=0 unreachable=1/);
  assert.match(text, /Install packages \(site\.yml:5\): ssh: connect to host db01 port 22: Connection refused/);
  assert.match(text, /web02 {2}ok=1 changed=0 failed=1 \[FAILED: Fail on old version \(site\.yml:55\): nginx 1\.22\.1 is too old/);
  // After the live view: what it could not show, grouped by play as plain output would, then the recap.
  assert.equal(text.slice(text.indexOf('\nPLAY [Configure web servers] *')), `
PLAY [Configure web servers] ***************************************************
fatal: [db01]: UNREACHABLE! => Install packages (site.yml:5): ssh: connect to host db01 port 22: Connection refused
changed: [web01] => nginx : Write nginx.conf (site.yml:12)
${DIFF}[WARNING]: [web02]: apt: package cache is 9 days old
fatal: [web01]: FAILED! => Check legacy config (site.yml:20): /etc/legacy.conf: No such file
...ignoring
fatal: [web02]: FAILED! => Check legacy config (site.yml:20): nginx.service not found
...rescued

PLAY [Report] ******************************************************************
fatal: [web02]: FAILED! => Fail on old version (site.yml:55): nginx 1.22.1 is too old
    upgrade to 1.24 first

[WARNING]: db01 was unreachable; its changes were not made
${RECAP}`);
  assert.ok(text.endsWith(RECAP), 'ends with the same recap as plain');
});

test('listr on a terminal: the live tree is drawn on the given stream, final frames stay, recap last', async () => {
  const out = capture(true);
  await runThrough(new ListrReporter({ stream: out.stream }), sampleRun(false));
  const raw = out.text();
  assert.ok(raw.includes('\x1b[?25l') && raw.includes('\x1b[?25h'), 'cursor hidden while drawing, shown again');
  // listr wraps long lines to process.stdout's width: join continuation lines back.
  const text = raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\n {6}(?=\S)/g, ' ');
  // The last frame of each play, as it stays on screen (⚠: some hosts failed).
  assert.ok(text.includes(`⚠ PLAY [Configure web servers]
  ✔ web01  ok=4 changed=3 ignored=1
  ✔ web02  ok=2 changed=1 skipped=1 rescued=1
  ✖ db01  ok=0 changed=0 unreachable=1
    › Install packages (site.yml:5): ssh: connect to host db01 port 22: Connection refused
`));
  assert.ok(text.includes(`⚠ PLAY [Report]
  ✔ web01  ok=1 changed=0
  ✖ web02  ok=1 changed=0 failed=1
    › Fail on old version (site.yml:55): nginx 1.22.1 is too old upgrade to 1.24 first
`));
  assert.ok(text.endsWith(RECAP));
});

test('listr: a play with more hosts than rows shows one aggregate line', async () => {
  const out = capture();
  const reporter = new ListrReporter({ stream: out.stream, renderer: 'simple', maxHostRows: 1 });
  await runThrough(reporter, sampleRun(false));
  assert.match(out.text(), /PLAY \[Configure web servers\] {2}3\/3 hosts done {2}ok=\d+ changed=\d+/);
  assert.ok(!/^\S+ web02$/m.test(out.text()), 'no per-host rows');
});

test('createReporter: listr only on a terminal, plain otherwise (listr2 has no business off a TTY)', () => {
  assert.equal(resolveFormat('auto', capture().stream, {}), 'plain');
  assert.equal(resolveFormat('listr', capture().stream, {}), 'plain');
  assert.equal(resolveFormat('auto', capture(true).stream, {}), 'listr');
  assert.equal(resolveFormat('auto', capture(true).stream, { CI: 'true' }), 'plain');
  assert.equal(resolveFormat('json', capture(true).stream, {}), 'json');
  assert.ok(createReporter({ stream: capture().stream }) instanceof PlainReporter);
  assert.ok(createReporter({ stream: capture(true).stream, env: {} }) instanceof ListrReporter);
  assert.ok(createReporter({ format: 'json', stream: capture().stream }) instanceof JsonReporter);
});

test('createReporter: NO_COLOR respected, an explicit colour choice wins', async () => {
  const run = async (color: boolean | undefined, env: NodeJS.ProcessEnv, tty = false): Promise<string> => {
    const out = capture(tty);
    await runThrough(createReporter({ format: 'plain', stream: out.stream, color, env }), sampleRun(false));
    return out.text();
  };
  assert.ok(!(await run(undefined, {})).includes('\x1b['), 'not a terminal');
  assert.ok((await run(undefined, {}, true)).includes('\x1b['), 'a terminal');
  assert.ok(!(await run(undefined, { NO_COLOR: '1' }, true)).includes('\x1b['), 'NO_COLOR');
  assert.ok((await run(undefined, { FORCE_COLOR: '1' })).includes('\x1b['), 'FORCE_COLOR');
  assert.ok((await run(true, { NO_COLOR: '1' })).includes('\x1b['), '--color');
});

test('fanOut: every reporter gets every event', async () => {
  const a = capture();
  const b = capture();
  await runThrough(fanOut([new PlainReporter({ stream: a.stream, diff: true }), new JsonReporter(b.stream)]), sampleRun(false));
  assert.equal(a.text(), PLAIN);
  assert.equal(b.text().split('\n').length, sampleRun(false).length + 1);
});
