// What one task run produced for one item (or, combined, for the whole loop),
// and what of it an event may show.
import { ModuleFailure, type DiffEntry } from '../module-api.js';
import type { TaskResultEvent } from './events.js';
import { CENSORED } from './mask.js';
import { OMIT } from './templating.js';
import { isMapping, setOwn } from '../template/values.js';

export interface ItemOutcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  result: Record<string, unknown>;
  changes: string[];
  diff: DiffEntry[];
  planOnly: boolean;
  message?: string;
  facts?: Record<string, unknown>;
  /** Facts that are host facts too (set_fact cacheable). */
  cacheableFacts?: Record<string, unknown>;
  /** Variables at include_vars precedence (include_vars). */
  includedVars?: Record<string, unknown>;
  /** A run_once result another host produced: registered here, not reported again. */
  shared?: boolean;
  /** no_log held for this item (or some item of the loop). */
  noLog?: boolean;
  /** The task's diff keyword, when it was set and its item keywords evaluated. */
  showDiff?: boolean;
  /** The module asks for its result to be shown without -v (Plan.verboseAlways). */
  verboseAlways?: boolean;
}

export function failure(error: unknown): ItemOutcome {
  const result = error instanceof ModuleFailure ? error.result : {};
  const message = (error as Error).message;
  // The registered msg is the module's own when it gives one, as Ansible's (command: 'non-zero return code'); the message shown may say more.
  const msg = typeof result.msg === 'string' && result.msg !== '' ? result.msg : message;
  return { status: 'failed', result: { ...result, failed: true, msg }, changes: [], diff: [], planOnly: false, message };
}

export function skipped(): ItemOutcome {
  const reason = 'Conditional result was False';
  return { status: 'skipped', result: { skipped: true, changed: false, skip_reason: reason }, changes: [], diff: [], planOnly: false, message: reason };
}

/** The loop's outcome from its items' (each registered with its item under the loop variable). */
export function combineItems(items: { outcome: ItemOutcome; registered: Record<string, unknown> }[], noLog: boolean): ItemOutcome {
  const combined: ItemOutcome = { status: 'ok', result: {}, changes: [], diff: [], planOnly: false, noLog };
  for (const { outcome } of items) {
    combined.changes.push(...outcome.changes);
    combined.diff.push(...outcome.diff);
    combined.planOnly ||= outcome.planOnly;
    combined.noLog ||= Boolean(outcome.noLog);
    if (outcome.facts) combined.facts = { ...combined.facts, ...outcome.facts };
    if (outcome.cacheableFacts) combined.cacheableFacts = { ...combined.cacheableFacts, ...outcome.cacheableFacts };
    if (outcome.includedVars) combined.includedVars = { ...combined.includedVars, ...outcome.includedVars };
    if (outcome.status === 'failed') combined.status = 'failed';
    else if (outcome.status === 'changed' && combined.status !== 'failed') combined.status = 'changed';
  }
  if (items.length > 0 && items.every((i) => i.outcome.status === 'skipped')) combined.status = 'skipped';
  const failed = combined.status === 'failed';
  combined.result = { results: items.map((i) => i.registered), changed: combined.status === 'changed', msg: failed ? 'One or more items failed' : 'All items completed' };
  if (failed) combined.message = 'One or more items failed';
  return combined;
}

/** What an event may show of an outcome: nothing under no_log (known secrets are masked for every event in run.ts). */
export function shown(outcome: ItemOutcome, options: { noLog: boolean; showDiff: boolean }): Pick<TaskResultEvent, 'changes' | 'diff' | 'message' | 'verboseAlways'> {
  const { noLog, showDiff } = options;
  return {
    ...(outcome.verboseAlways ? { verboseAlways: true } : {}),
    changes: noLog ? [] : outcome.changes,
    diff: noLog || !showDiff ? [] : outcome.diff,
    message: outcome.message === undefined ? undefined : noLog ? CENSORED : outcome.message,
  };
}

/**
 * Parameters without the keys set to `omit`, at any depth of dicts (and dicts
 * inside lists), as Ansible's remove_omit. The copy is the module's own: values
 * that came whole from the inventory are frozen, and validation fills in defaults.
 */
export function dropOmitted(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (value !== OMIT) setOwn(out, key, withoutOmitted(value));
  return out;
}
function withoutOmitted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOmitted);
  return isMapping(value) ? dropOmitted(value) : value;
}
