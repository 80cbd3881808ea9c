// The project's own scenarios (roles/*/tests/*, playbooks/tests/*), as
// `drover test --all` finds them, split by driver: namespace scenarios run in
// the default suite, qemu ones in the VM suite (test/vm/). Each runs through
// the same sequence as `drover test`; a failure names its step and why.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { projectRoot } from '../../runner/paths.js';
import { allScenarios, type ScenarioRef } from '../../runner/scenario/discover.js';
import { DEFAULT_DRIVER } from '../../runner/scenario/drivers.js';
import { runScenario } from '../../runner/scenario/sequence.js';
import { defaultRegistry } from '../../modules/registry.js';
import type { ScenarioEvent } from '../../runner/scenario/types.js';

/** Scenarios another test runs already, with the test that does. */
const RUN_ELSEWHERE: Record<string, string> = {
  'roles/example_motd/tests/default': 'test/drover-test-command.test.ts (the command line, output and --keep)',
  'roles/example_motd/tests/vm': 'test/vm/drover-test-qemu-scenario.test.ts (and what the qemu driver leaves behind)',
};

// The example environments' vault files (hub-dev, hub-prod) open with the demo identity committed beside them.
process.env.DROVER_AGE_IDENTITY_FILE ??= join(projectRoot(), 'inventories/example-environments.age-identity.txt');

export function projectScenarios(driver: string): ScenarioRef[] {
  return allScenarios(projectRoot()).filter((ref) => {
    const raw = (parse(readFileSync(join(ref.dir, 'scenario.yml'), 'utf8')) ?? {}) as { driver?: string };
    return (raw.driver ?? DEFAULT_DRIVER) === driver && !(ref.label in RUN_ELSEWHERE);
  });
}

/** Runs one scenario from the project root; asserts every step passed or was skipped for a reason. */
export async function scenarioPasses(ref: ScenarioRef): Promise<void> {
  const events: ScenarioEvent[] = [];
  const result = await runScenario(ref, { registry: defaultRegistry, onEvent: (e) => events.push(e) });
  const failed = events.flatMap((e) => (e.type === 'step.end' && e.status === 'failed' ? [`${e.step}: ${e.detail ?? ''}`] : []));
  assert.deepEqual(failed, [], `${ref.label} failed`);
  assert.equal(result.exitCode, 0);
  const steps = events.flatMap((e) => (e.type === 'step.end' && e.status === 'passed' ? [e.step] : []));
  for (const step of ['syntax', 'create', 'check', 'converge', 'idempotence', 'destroy'] as const) assert.ok(steps.includes(step), `${ref.label}: ${step} did not pass`);
}
