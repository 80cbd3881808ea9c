// A module that throws a TypeError is a bug of drover's, not a failure of the
// host: the host stops (a rescue does not hide it), the other hosts finish, the
// run exits 250 (Ansible's exit for an unexpected error), and the stack goes to
// the debug log, whose path is printed, while the screen shows one line.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { after, test } from 'node:test';
import { createRegistry, defineModule } from '../runner/module-api.js';
import { EXIT, runPlaybook } from '../runner/engine/run.js';
import type { EngineEvent } from '../runner/engine/events.js';
import { defaultRegistry, MODULES } from '../modules/registry.js';
import { DebugLogReporter } from '../runner/report/debug-log.js';
import { createReporter } from '../runner/report/index.js';

/** A module with a bug: on a host where `broken` holds it reads a property of undefined. */
const buggy = defineModule({
  name: 'buggy',
  summary: 'test module with a bug',
  changedWhen: 'never.',
  schema: { type: 'object', additionalProperties: false, properties: { broken: { type: 'boolean' } }, required: ['broken'] },
  async plan(_host, params) {
    const parts = params.broken ? undefined : { size: 1 };
    return { changes: [], result: { size: (parts as { size: number }).size } };
  },
});

const dir = mkdtempSync(join(tmpdir(), 'drover-bug-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a TypeError in a module stops only its host, exits 250, and puts the stack in the debug log', async () => {
  writeFileSync(join(dir, 'hosts.ini'), 'a ansible_connection=local\nb ansible_connection=local\n');
  writeFileSync(
    join(dir, 'site.yml'),
    [
      '- hosts: all',
      '  gather_facts: false',
      '  tasks:',
      '    - block:',
      '        - name: read the size',
      '          buggy: { broken: "{{ inventory_hostname == \'a\' }}" }',
      '      rescue:',
      '        - name: never hides a bug',
      '          debug: { msg: rescued }',
      '    - name: after',
      '      debug: { msg: done }',
      '',
    ].join('\n'),
  );
  const events: EngineEvent[] = [];
  const screen: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => screen.push(chunk.toString()));
  const view = createReporter({ format: 'plain', stream, diff: false, verbose: 0, color: false });
  const told: string[] = [];
  const logFile = join(dir, 'debug', 'bugs.log');
  const debugLog = new DebugLogReporter(logFile, (line) => told.push(line));
  const summary = await runPlaybook({
    playbook: join(dir, 'site.yml'),
    inventory: [join(dir, 'hosts.ini')],
    registry: createRegistry([...MODULES, buggy]),
    onEvent: (e) => {
      events.push(e);
      view.handle(e);
      debugLog.handle(e);
    },
  });
  await view.close();
  await debugLog.close();

  assert.equal(summary.exitCode, EXIT.internal);
  assert.equal(EXIT.internal, 250);
  assert.deepEqual({ failed: summary.stats.a!.failed, ok: summary.stats.a!.ok, rescued: summary.stats.a!.rescued }, { failed: 1, ok: 0, rescued: 0 });
  assert.deepEqual({ failed: summary.stats.b!.failed, ok: summary.stats.b!.ok }, { failed: 0, ok: 2 });
  const results = events.filter((e) => e.type === 'host.task.result');
  assert.ok(!results.some((e) => e.task.name === 'never hides a bug'), 'the rescue did not run');
  const bug = events.find((e) => e.type === 'drover.bug');
  assert.ok(bug && bug.type === 'drover.bug');
  assert.equal(bug.host, 'a');
  assert.equal(bug.task.name, 'read the size');
  assert.match(bug.error, /^TypeError: /);

  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /drover bug on host a, task 'read the size' \(.*site\.yml:5:11\)/);
  assert.match(log, /TypeError: Cannot read properties of undefined/);
  assert.match(log, /\n\s+at .*a-bug-in-a-module-is-reported-as-a-drover-bug\.test\.ts:\d+:\d+/, 'the stack names the line of the bug');
  assert.equal(told.length, 1);
  assert.match(told[0]!, /a bug of drover's stopped a host; the stack is in .*bugs\.log: please report it/);

  const shown = screen.join('');
  assert.match(shown, /fatal: \[a\]: FAILED! .*drover bug, not a failure of this host: TypeError: Cannot read properties of undefined/);
  assert.doesNotMatch(shown, /\n\s+at /, 'no stack on the screen');
});

test('an ordinary module failure stays a task failure that a rescue catches (exit 0 once rescued)', async () => {
  writeFileSync(join(dir, 'hosts.ini'), 'a ansible_connection=local\n');
  writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - block:\n        - fail: { msg: planned }\n      rescue:\n        - debug: { msg: rescued }\n');
  const events: EngineEvent[] = [];
  const summary = await runPlaybook({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.ini')], registry: defaultRegistry, onEvent: (e) => events.push(e) });
  assert.equal(summary.exitCode, EXIT.ok);
  assert.equal(summary.stats.a!.rescued, 1);
  assert.ok(!events.some((e) => e.type === 'drover.bug'));
});
