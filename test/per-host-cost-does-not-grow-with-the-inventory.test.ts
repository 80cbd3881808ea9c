// Shared magic variables (groups, hostvars, the play's host lists) are built
// once per run or play, not once per host: a host's cost must not grow with
// the inventory. Counted, not timed: how often the engine asks the inventory
// for its groups map (once per host made 10,000 hosts take 9.5 minutes and
// 655 MB). The wall time and peak RSS of 10,000 hosts are measured by
// bench/scale-local-hosts.ts, outside the suite.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inventory } from '../runner/inventory/index.js';
import { runPlaybook } from '../runner/engine/run.js';
import { defaultRegistry } from '../modules/registry.js';
import type { EngineEvent } from '../runner/engine/events.js';

const HOSTS = 10_000;
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-scale-'));
  const lines = Array.from({ length: HOSTS }, (_, i) => `h${String(i).padStart(5, '0')} ansible_connection=local`);
  await writeFile(join(dir, 'hosts.ini'), `[many]\n${lines.join('\n')}\n`);
  await writeFile(
    join(dir, 'site.yml'),
    '- hosts: all\n  gather_facts: false\n  tasks:\n    - debug:\n        msg: "{{ inventory_hostname }} is one of {{ groups.many | length }}, first {{ hostvars[groups.many[0]].inventory_hostname }}"\n',
  );
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('10,000 local hosts with one debug task all finish ok, the groups map built once', async () => {
  const original = Inventory.prototype.groupsMap;
  let built = 0;
  Inventory.prototype.groupsMap = function (this: Inventory) {
    built++;
    return original.call(this);
  };
  const results: EngineEvent[] = [];
  try {
    const summary = await runPlaybook({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.ini')], registry: defaultRegistry, onEvent: (e) => e.type === 'host.task.result' && results.push(e) });
    assert.equal(summary.exitCode, 0);
    assert.equal(Object.keys(summary.stats).length, HOSTS);
    assert.ok(Object.values(summary.stats).every((s) => s.ok === 1 && s.failed === 0 && s.unreachable === 0));
  } finally {
    Inventory.prototype.groupsMap = original;
  }
  assert.equal(built, 1, 'groups is built once for the run, not per host');
  const last = results.find((e) => e.type === 'host.task.result' && e.host === 'h09999') as { message?: string } | undefined;
  assert.equal(last?.message, 'h09999 is one of 10000, first h00000');
});
