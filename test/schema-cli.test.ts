// `drover schema` prints the generated schemas as 2-space JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultRegistry } from '../modules/registry.js';
import { playbookSchema, taskFileSchema } from '../runner/docs/playbook-schema.js';
import { runDrover } from './support/cli.js';

test('drover schema prints the playbook schema, --tasks the task file schema', async () => {
  const playbook = await runDrover(['schema']);
  assert.equal(playbook.code, 0, playbook.stderr);
  assert.equal(playbook.stdout, `${JSON.stringify(playbookSchema(defaultRegistry), null, 2)}\n`);
  const tasks = await runDrover(['schema', '--tasks']);
  assert.equal(tasks.code, 0, tasks.stderr);
  assert.deepEqual(JSON.parse(tasks.stdout), taskFileSchema(defaultRegistry));
});
