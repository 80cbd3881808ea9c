// `include_vars: a.yml file=b.yml` reads b.yml: Ansible's include_vars action
// takes the free-form words only when neither file nor dir is given
// (ansible-core 2.14 recorded: v is "from_b"). The written key=value wins in
// both forms the words reach drover in (a task's value and a module string).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runPlaybook } from '../runner/engine/run.js';
import type { EngineEvent } from '../runner/engine/events.js';
import { normaliseParams } from '../runner/validate/params.js';
import includeVars from '../modules/include_vars.js';
import { defaultRegistry } from '../modules/registry.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-include-vars-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('include_vars: a.yml file=b.yml loads b.yml, as Ansible does', async () => {
  writeFileSync(join(dir, 'hosts.ini'), 'localhost ansible_connection=local\n');
  writeFileSync(join(dir, 'a.yml'), 'v: from_a\n');
  writeFileSync(join(dir, 'b.yml'), 'v: from_b\n');
  writeFileSync(join(dir, 'site.yml'), ['- hosts: all', '  gather_facts: false', '  tasks:', '    - include_vars: a.yml file=b.yml', '    - debug: var=v', ''].join('\n'));
  const events: EngineEvent[] = [];
  const summary = await runPlaybook({ playbook: join(dir, 'site.yml'), inventory: [join(dir, 'hosts.ini')], registry: defaultRegistry, onEvent: (e) => events.push(e) });
  assert.equal(summary.exitCode, 0);
  const shown = events.flatMap((e) => (e.type === 'host.task.result' && e.task.module === 'debug' ? [e.result] : []));
  assert.deepEqual(shown.map((r) => (r as Record<string, unknown>).v), ['from_b']);
});

test('a module string keeps the written file= over the free words; the words fill file when it is not given', () => {
  assert.equal(normaliseParams(includeVars, 'a.yml file=b.yml').file, 'b.yml');
  assert.equal(normaliseParams(includeVars, 'a.yml').file, 'a.yml');
});
