// Per-host state that lives across tasks and plays of one run.
import { emptyStats, type HostStats, type TaskStatus } from './events.js';

export interface HostState {
  name: string;
  stats: HostStats;
  /** register: and set_fact: values (above play vars, below extra vars). */
  hostVars: Record<string, unknown>;
  /** Host facts under Ansible's names, as its fact cache holds them: ansible_os_family from gathering, any name from set_fact cacheable. */
  facts: Record<string, unknown>;
  /** include_vars values (above task vars, below register: and set_fact:), kept for the whole run as Ansible's vars cache. */
  includedVars: Record<string, unknown>;
  /** Handler names and listen topics notified and not yet run. */
  notified: Set<string>;
  /** Failed (not rescued, not ignored): the host does nothing more this run. */
  failed: boolean;
  /** The last failure that was not ignored: a rescue section sees it as ansible_failed_task / ansible_failed_result. */
  lastFailure?: { task: Record<string, unknown>; result: Record<string, unknown> };
  unreachable: boolean;
  /** Stopped by a bug of drover's (runner/engine/drover-bug.ts): the run exits EXIT.internal. */
  droverBug?: boolean;
  /** meta end_host: skip the rest of the current play. */
  endedPlay: boolean;
}

export function newHostState(name: string): HostState {
  return { name, stats: emptyStats(), hostVars: {}, facts: {}, includedVars: {}, notified: new Set(), failed: false, unreachable: false, endedPlay: false };
}

/**
 * Count a task's result; like Ansible, an ignored failure counts as ok and as ignored, and as
 * changed when its result says changed (a command that ran and failed).
 */
export function countResult(state: HostState, result: { status: TaskStatus; ignored: boolean; changed?: boolean }): void {
  const stats = state.stats;
  if (result.status === 'failed' && result.ignored) {
    stats.ok += 1;
    stats.ignored += 1;
    if (result.changed) stats.changed += 1;
  } else if (result.status === 'failed') {
    stats.failed += 1;
    state.failed = true;
  } else if (result.status === 'skipped') stats.skipped += 1;
  else {
    stats.ok += 1;
    if (result.status === 'changed') stats.changed += 1;
  }
}
