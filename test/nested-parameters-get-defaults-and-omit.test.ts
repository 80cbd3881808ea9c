// Module parameters nested in lists and dicts behave as at the top level:
// a dict that comes whole from the inventory still gets its schema defaults,
// and `omit` leaves a nested key out (Ansible's remove_omit), so roles can
// pass data structures from group_vars straight to a module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, runDrover } from './support/cli.js';

test('nested parameters get their defaults and drop omitted keys', async () => {
  const r = await runDrover(['run', 'test/fixtures/nested-params/site.yml', '-i', 'test/fixtures/nested-params/hosts.yml', '--check', '--json']);
  const results = jsonEvents(r.stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result');
  assert.deepEqual(
    results.map((e) => [e.task.name, e.status, e.message]),
    [
      ['A dict taken whole from the inventory gets its nested defaults', 'changed', undefined],
      ['omit inside a list item leaves that key out', 'changed', undefined],
    ],
    r.stdout + r.stderr,
  );
  assert.equal(r.code, 0);
  assert.ok(results.every((e) => e.changes.some((c) => /\.img/.test(c))), JSON.stringify(results.map((e) => e.changes)));
});
