// Conditions on a task's result: changed_when and failed_when override what
// the module said; until (in the task run) retries on it. They see the result
// under the register name and as `result`, as in Ansible.
import type { Keywords } from '../playbook/types.js';
import type { ItemOutcome } from './item-outcome.js';
import { condition, type Scope } from './templating.js';

export function withResult(scope: Scope, on: { result: Record<string, unknown>; register?: string }): Scope {
  const { result, register } = on;
  return scope.with({ source: 'registered result', vars: { result, ...(register ? { [register]: result } : {}) }, verbatim: true });
}

/** changed_when, then failed_when, on one attempt's outcome. */
export function overrides(outcome: ItemOutcome, on: { keywords: Keywords; scope: Scope; warn: (message: string) => void }): ItemOutcome {
  const { changed_when: changedWhen, failed_when: failedWhen, register } = on.keywords;
  // Under check mode a planned-only result has no real output to judge, so the overrides wait for a
  // real run; except a changed_when that does not need the output (`false`, a variable): a read-only
  // command then plans no change.
  if (outcome.planOnly) {
    if (changedWhen !== undefined && outcome.status === 'changed' && conditionWithoutResult(changedWhen, on.scope, on.warn) === false) outcome.status = 'ok';
    return outcome;
  }
  const resultScope = withResult(on.scope, { result: outcome.result, register });
  // As Ansible, changed_when sets a failed result's changed too (a failed command registers changed: true unless it says otherwise).
  if (changedWhen !== undefined) {
    const changed = condition(changedWhen, resultScope, on.warn);
    if (outcome.status !== 'failed') outcome.status = changed ? 'changed' : 'ok';
    outcome.result.changed = changed;
  }
  if (failedWhen === undefined) return outcome;
  if (condition(failedWhen, resultScope, on.warn)) {
    return { ...outcome, status: 'failed', message: outcome.message ?? `failed_when condition matched: ${String(failedWhen)}`, result: { ...outcome.result, failed: true, failed_when_result: true } };
  }
  if (outcome.status === 'failed') return { ...outcome, status: outcome.result.changed === true ? 'changed' : 'ok', message: undefined, result: { ...outcome.result, failed: false, failed_when_result: false } };
  return outcome;
}

/** The condition's value when it can be told without a result; undefined when it needs one. */
function conditionWithoutResult(when: unknown, scope: Scope, warn: (message: string) => void): boolean | undefined {
  try {
    return condition(when, scope, warn);
  } catch {
    return undefined;
  }
}
