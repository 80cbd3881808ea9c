// The sequence every state-managing module must pass on a real host: under
// --check it plans changes and the host stays exactly as it was; applied, it
// makes those same changes; applied again, it finds nothing to do.
import assert from 'node:assert/strict';
import type { AnyModule } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import type { StepOutcome } from '../../runner/engine/module-step.js';
import { runModule } from './module-harness.js';

export interface Converged {
  check: StepOutcome;
  first: StepOutcome;
  second: StepOutcome;
}

/**
 * Check, apply, apply again. `observe` reads the state the module manages
 * (files, `ip -j` output, /proc) straight from the host, outside drover.
 */
export async function convergeTwice(host: Host, module: AnyModule, params: Record<string, unknown>, observe: () => Promise<string>): Promise<Converged> {
  const before = await observe();
  const check = await runModule(host, module, params, { check: true });
  assert.ok(check.changes.length > 0, 'check mode planned no change');
  assert.equal(await observe(), before, 'check mode changed the host');
  const first = await runModule(host, module, params);
  assert.equal(first.changed, true);
  assert.deepEqual(first.changes, check.changes, 'apply made other changes than check mode announced');
  assert.deepEqual(first.diff, check.diff);
  const second = await runModule(host, module, params);
  assert.deepEqual(second.changes, [], 'second run must plan no changes');
  assert.equal(second.changed, false);
  return { check, first, second };
}
