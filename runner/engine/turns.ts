// A host's wait for its turn before a task, in a play that runs in lock-step
// (lockstep.ts); a no-op in the others.
import type { Keywords } from '../playbook/types.js';
import type { Position } from './lockstep.js';
import type { HostRuntime, PlayRuntime } from './runtime.js';

export async function waitForTurn(rt: PlayRuntime, host: HostRuntime, node: object, keywords: Keywords, at: { position?: Position; recovering?: boolean }): Promise<void> {
  const lockstep = rt.batch?.lockstep;
  if (!lockstep) return;
  // As linear.py: `(task.any_errors_fatal or run_once) and not task.ignore_errors`, on the keywords as written.
  const fatal = (keywords.any_errors_fatal ?? rt.settings.anyErrorsFatal ?? false) === true || keywords.run_once === true;
  await lockstep.turn(host.state.name, { position: at.position ?? [], node, fatal: fatal && !keywords.ignore_errors, recovering: at.recovering === true });
}
