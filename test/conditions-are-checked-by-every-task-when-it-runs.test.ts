// A block's, role's or include's `when` is checked by each task at the moment
// it runs, as in Ansible: a task inside a block can turn the block's condition
// false for the tasks after it; a false block reports each task skipped; a
// skipped include is reported once and its file never loaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runPlaybook } from '../runner/engine/run.js';
import { defaultRegistry } from '../modules/registry.js';
import type { EngineEvent, TaskResultEvent } from '../runner/engine/events.js';
import { projectRoot } from '../runner/paths.js';

test('conditions of blocks, roles and includes are checked by every task when it runs', async () => {
  const events: EngineEvent[] = [];
  const summary = await runPlaybook({ playbook: join(projectRoot(), 'test/fixtures/conditions/site.yml'), inventory: [], registry: defaultRegistry, onEvent: (e) => events.push(e) });
  assert.equal(summary.exitCode, 0, JSON.stringify(events.filter((e) => e.type === 'host.task.result' && e.status === 'failed')));
  const status = new Map(events.filter((e): e is TaskResultEvent => e.type === 'host.task.result').map((e) => [e.task.name, e.status]));
  assert.deepEqual(Object.fromEntries(status), {
    'Before the switch': 'ok',
    'Flip the switch': 'ok',
    'After the switch (skipped, as in Ansible)': 'skipped',
    'Inside a false block': 'skipped',
    'Always section of a false block': 'skipped',
    'A skipped include is never loaded': 'skipped',
    // As in Ansible, the include reports itself (ok: "included"), then its tasks run.
    'An include whose condition holds': 'ok',
    'Included task': 'ok',
    'Role task under a false role condition': 'skipped',
  });
});
