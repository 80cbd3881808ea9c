// drover test runs many playbooks under one AbortSignal (its Ctrl-C): every
// run must take its listeners off the signal when it ends, or they pile up
// (Node warns past 10) and keep every finished run's state alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { join } from 'node:path';
import { runPlaybook } from '../runner/engine/run.js';
import { defaultRegistry } from '../modules/registry.js';
import { projectRoot } from '../runner/paths.js';

test('runs sharing an abort signal leave no listener on it', async () => {
  const abort = new AbortController();
  for (let run = 0; run < 3; run++) {
    const summary = await runPlaybook({ playbook: join(projectRoot(), 'test/fixtures/conditions/site.yml'), inventory: [], registry: defaultRegistry, signal: abort.signal, onEvent: () => undefined });
    assert.equal(summary.exitCode, 0);
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0, `after run ${run + 1}`);
  }
});
