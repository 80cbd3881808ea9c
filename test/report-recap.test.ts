// PLAY RECAP, byte for byte as Ansible's default callback prints it:
// `"%s : %s %s %s %s %s %s %s" % (hostcolor(h, t), colorize('ok', ...), ...)`
// with hostcolor = `%-26s` (uncoloured) or `%-37s` around the coloured name,
// and colorize = `%s=%-4s`, coloured only when non-zero.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HostStats, TaskResultEvent } from '../runner/engine/events.js';
import { emptyStats } from '../runner/engine/events.js';
import { countResult, recapLine, renderRecap } from '../runner/report/recap.js';

const stats = (partial: Partial<HostStats>): HostStats => ({ ...emptyStats(), ...partial });

test('one line, exactly Ansible: host %-26s, counters name=%-4s, three trailing spaces', () => {
  assert.equal(
    recapLine('web01', stats({ ok: 3, changed: 1 })),
    'web01                      : ok=3    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
  );
});

test('wide numbers and long host names push the columns, never truncate', () => {
  assert.equal(
    recapLine('a-very-long-host-name.example.com', stats({ ok: 12345, skipped: 10 })),
    'a-very-long-host-name.example.com : ok=12345 changed=0    unreachable=0    failed=0    skipped=10   rescued=0    ignored=0   ',
  );
});

test('the block: banner to 80 columns, hosts sorted by name, blank line after', () => {
  const text = renderRecap({ web02: stats({ ok: 1 }), db01: stats({ unreachable: 1 }), Web00: stats({}) });
  assert.equal(
    text,
    `
PLAY RECAP *********************************************************************
Web00                      : ok=0    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   
db01                       : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   
web02                      : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   

`,
  );
  assert.equal(text.split('\n')[1]!.length, 80);
  assert.equal(renderRecap({}), '\nPLAY RECAP *********************************************************************\n\n');
});

test('a wider terminal widens the banner like Ansible (columns - 1)', () => {
  assert.equal(renderRecap({}, { columns: 99 }).split('\n')[1]!.length, 100);
});

test('colour: host by its worst outcome, non-zero counters in their colours, padding kept', () => {
  const line = renderRecap({ web01: stats({ ok: 3, changed: 1 }), db01: stats({ failed: 1, ignored: 2 }) }, { color: true });
  assert.equal(
    line.split('\n')[2],
    '\x1b[0;31mdb01\x1b[0m' + ' '.repeat(22) + ' : ok=0    changed=0    unreachable=0    \x1b[0;31mfailed=1   \x1b[0m skipped=0    rescued=0    \x1b[1;35mignored=2   \x1b[0m',
  );
  assert.equal(
    line.split('\n')[3],
    '\x1b[0;33mweb01\x1b[0m' + ' '.repeat(21) + ' : \x1b[0;32mok=3   \x1b[0m \x1b[0;33mchanged=1   \x1b[0m unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ',
  );
});

test('live counting follows Ansible: changed is also ok, ignored failures are ok, rescued are not failures, a loop counts once', () => {
  const result = (status: TaskResultEvent['status'], extra: Partial<TaskResultEvent> = {}): TaskResultEvent => ({
    type: 'host.task.result', host: 'h', task: { play: 'p', name: 't', location: 'x.yml:1:1' },
    status, planOnly: false, changes: [], diff: [], durationMs: 1, ...extra,
  });
  const s = emptyStats();
  for (const event of [
    result('ok'), result('changed'), result('skipped'), result('unreachable'), result('failed'),
    result('failed', { ignored: true }), result('failed', { rescued: true }), result('unreachable', { ignored: true }),
    result('changed', { item: 'a loop item: its summary counts instead' }),
  ]) countResult(s, event);
  assert.deepEqual(s, { ok: 4, changed: 1, unreachable: 1, failed: 1, skipped: 1, rescued: 1, ignored: 2 });
});
