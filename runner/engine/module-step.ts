// One module on one host: plan (read, compute), then apply unless in check
// mode. This is the only place check mode is decided for modules.
import type { AnyModule, AsyncJobRequest, DiffEntry, ModuleContext } from '../module-api.js';
import type { Host } from '../host/types.js';

export interface StepOutcome {
  changed: boolean;
  /** What plan found to change (also filled in check mode: "would" changes). */
  changes: string[];
  diff: DiffEntry[];
  result: Record<string, unknown>;
  facts?: Record<string, unknown>;
  cacheableFacts?: Record<string, unknown>;
  includedVars?: Record<string, unknown>;
  message?: string;
  verboseAlways?: boolean;
  /** True when apply was skipped because of check mode. */
  planOnly: boolean;
  /** The module skipped itself (plan.skippedReason), or check mode made it report the task skipped (plan.inCheckMode). */
  skipped?: boolean;
}

export async function runModuleStep(
  module: AnyModule,
  host: Host,
  params: Record<string, unknown>,
  ctx: ModuleContext,
  options: { check: boolean },
): Promise<StepOutcome> {
  const plan = await module.plan(host, params, ctx);
  const base = { changes: plan.changes, diff: plan.diff ?? [], facts: plan.facts, cacheableFacts: plan.cacheableFacts, includedVars: plan.includedVars, message: plan.message, verboseAlways: plan.verboseAlways };
  const planned = plan.changes.length > 0;
  if (plan.skipped !== undefined) return { ...base, changed: false, skipped: true, result: { ...plan.skipped }, planOnly: false };
  if (plan.skippedReason !== undefined) return { ...base, changed: false, skipped: true, result: { ...plan.result, skipped_reason: plan.skippedReason }, planOnly: false };
  if (options.check && plan.inCheckMode !== undefined) {
    if (plan.inCheckMode.failure) throw plan.inCheckMode.failure;
    const result = { ...plan.result, ...plan.inCheckMode.result };
    if (plan.inCheckMode.skipped) return { ...base, changed: false, skipped: true, result, planOnly: planned };
    return { ...base, changed: plan.inCheckMode.changed ?? planned, result, planOnly: planned };
  }
  if (!planned || !module.apply || options.check) {
    return { ...base, changed: planned, result: module.diffInResult === true ? withDiff({ ...plan.result }, base.diff) : { ...plan.result }, planOnly: planned && options.check };
  }
  const applied = await module.apply(host, params, plan, ctx);
  return {
    ...base,
    changed: applied.changed ?? planned,
    result: module.diffInResult === true ? withDiff({ ...plan.result, ...applied.result }, base.diff) : { ...plan.result, ...applied.result },
    facts: applied.facts ?? plan.facts,
    planOnly: false,
  };
}

/**
 * The registered result's `diff`, for modules whose Ansible version returns it
 * whatever --diff says (lineinfile, blockinfile: roles test `result.diff |
 * length > 0`): one before/after pair per diff entry.
 */
function withDiff(result: Record<string, unknown>, diff: readonly DiffEntry[]): Record<string, unknown> {
  if (diff.length === 0 || 'diff' in result) return result;
  return { ...result, diff: diff.map((d) => ({ before: d.before, after: d.after, before_header: d.label, after_header: d.label })) };
}

/**
 * async with poll: 0, outside check mode: plan, then the module starts its changes as a job that
 * outlives the task; the task reports the job started (changed), as Ansible does.
 */
export async function startModuleJob(module: AnyModule, host: Host, params: Record<string, unknown>, ctx: ModuleContext, job: AsyncJobRequest): Promise<StepOutcome> {
  const plan = await module.plan(host, params, ctx);
  const result = await module.startJob!(host, params, plan, job);
  return { changed: true, changes: plan.changes, diff: [], result, planOnly: false };
}
