// One module task on one host, as named steps:
//   tags? -> run_once? -> loop items -> per item: when? -> render params ->
//   validate -> plan (-> apply unless check) with until/retries ->
//   changed_when / failed_when -> register -> notify -> event.
import type { ModuleTask } from '../playbook/types.js';
import { ConnectionError } from '../connection/types.js';
import { ModuleFailure, type AnyModule, type DiffEntry } from '../module-api.js';
import { normaliseParams, validateParams } from '../validate/params.js';
import { runModuleStep } from './module-step.js';
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import type { TaskRef, TaskResultEvent, TaskStatus } from './events.js';
import { isSelected } from './tags.js';
import { condition, extendedLoopVars, render, OMIT, type Scope, type VarLayer } from './templating.js';
import { ansibleBoolean } from '../validate/coerce.js';
import { taskRefOf } from './task-runner.js';
import { moduleContext } from './module-context.js';
import { CENSORED, NO_LOG_ITEM } from './mask.js';
import { isMapping, setOwn } from '../template/values.js';
import { evaluateKeywords, keywordFailure, type KeywordProblem } from './task-keywords.js';
import type { EvaluatedAt } from '../playbook/keywords.js';

/** The keywords decided once per host, before any loop item. */
type HostKeywords = EvaluatedAt<'host'> & {
  /** no_log needs the loop item (it did not render without one): each item decides, and the task is censored. */
  noLogPerItem?: boolean;
};

interface ItemOutcome {
  status: 'ok' | 'changed' | 'failed' | 'skipped';
  result: Record<string, unknown>;
  changes: string[];
  diff: DiffEntry[];
  planOnly: boolean;
  message?: string;
  facts?: Record<string, unknown>;
  /** A run_once result another host produced: registered here, not reported again. */
  shared?: boolean;
  /** no_log held for this item (or some item of the loop). */
  noLog?: boolean;
  /** The task's diff keyword, when it was set and its item keywords evaluated. */
  showDiff?: boolean;
}

/** Returns true when the host failed (and the failure was not ignored). */
export async function runModuleTask(task: ModuleTask, inherited: Inherited, rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
  if (!isSelected(inherited.tags, rt.settings.tags)) return false;
  if (task.role) {
    const role = task.role;
    inherited = { ...inherited, layers: [{ source: `role ${role.name} parameters`, vars: { ...role.params, role_name: role.name, role_path: role.dir } }, ...inherited.layers] };
  }
  const module = rt.registry.find(task.module)!;
  const kw = inherited.keywords;
  const baseScope = host.scope(inherited.layers);
  const ref = namedRef(task, rt, baseScope);
  if (inherited.handler) ref.handler = true;
  else if (!(await rt.gate.allows(task, ref.name))) return false;
  const started = Date.now();
  rt.emit({ type: 'host.task.start', host: host.state.name, task: ref });
  const evaluated = hostKeywords(kw, baseScope);
  if ('problems' in evaluated) {
    const outcome = failure(new Error(keywordFailure(evaluated.problems, ref.location)));
    // The message was made safe above (no values where no_log may hold), so it is shown. A valid
    // ignore_errors still holds, as in Ansible; a bad one is not taken for true.
    const alone = evaluateKeywords({ stage: 'host', keywords: { ignore_errors: kw.ignore_errors }, scope: baseScope });
    const ignoreErrors = alone.ok && alone.values.ignoreErrors;
    return finish(task, inherited, rt, host, ref, outcome, { noLog: false, runOnce: false, ignoreErrors }, Date.now() - started);
  }
  const hostKw = evaluated.values;
  try {
    const outcome = hostKw.runOnce
      ? await runOnce(task, rt, host, () => runItems(task, module, inherited, rt, host, ref, hostKw))
      : await runItems(task, module, inherited, rt, host, ref, hostKw);
    return finish(task, inherited, rt, host, ref, outcome, hostKw, Date.now() - started);
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error;
    host.state.unreachable = true;
    host.state.stats.unreachable += 1;
    rt.emit({ type: 'host.task.result', host: host.state.name, task: ref, status: 'unreachable', planOnly: false, changes: [], diff: [], message: error.message, durationMs: Date.now() - started });
    return true;
  }
}

function namedRef(task: ModuleTask, rt: PlayRuntime, scope: Scope): TaskRef {
  const ref = taskRefOf(task, rt, `${task.module}`);
  if (task.keywords.name?.includes('{{')) {
    // A name may use loop items or later facts; fall back to the raw name rather than fail.
    try {
      ref.name = String(render(task.keywords.name, scope));
    } catch {
      /* keep the written name */
    }
  }
  return ref;
}

/**
 * loop, run_once, no_log and ignore_errors for this host. A no_log that needs
 * the loop item is decided per item (the task stays censored meanwhile); any
 * other bad value fails the task, shown without values when no_log may hold.
 */
function hostKeywords(kw: Inherited['keywords'], scope: Scope): { values: HostKeywords } | { problems: KeywordProblem[]; noLog: boolean } {
  const evaluated = evaluateKeywords({ stage: 'host', keywords: kw, scope });
  if (evaluated.ok) return { values: evaluated.values };
  if (kw.loop !== undefined && evaluated.problems.every((p) => p.keyword === 'no_log')) {
    const rest = evaluateKeywords({ stage: 'host', keywords: { ...kw, no_log: true }, scope });
    if (rest.ok) return { values: { ...rest.values, noLogPerItem: true } };
  }
  const noLog = noLogHolds(kw, scope);
  const problems = evaluated.problems.map((p) => (noLog && p.keyword !== 'no_log' ? { ...p, message: `keyword '${p.keyword}' has a bad value (not shown: no_log)` } : p));
  return { problems, noLog };
}

/** no_log is true, or cannot be told (then everything is censored, as Ansible does). */
function noLogHolds(kw: Inherited['keywords'], scope: Scope): boolean {
  const evaluated = evaluateKeywords({ stage: 'host', keywords: { no_log: kw.no_log }, scope });
  return !evaluated.ok || evaluated.values.noLog;
}

async function runOnce(task: ModuleTask, rt: PlayRuntime, host: HostRuntime, run: () => Promise<ItemOutcome>): Promise<ItemOutcome> {
  let shared = rt.runOnce.get(task);
  if (!shared) {
    const pending = run();
    shared = pending.then((o) => ({ result: o.result, failed: o.status === 'failed' }));
    rt.runOnce.set(task, shared);
    return pending;
  }
  const { result, failed } = await shared;
  // Other hosts get the first host's result without running anything themselves.
  if (failed) host.state.failed = true;
  return { status: failed ? 'failed' : 'ok', result, changes: [], diff: [], planOnly: false, shared: true };
}

async function runItems(task: ModuleTask, module: AnyModule, inherited: Inherited, rt: PlayRuntime, host: HostRuntime, ref: TaskRef, hostKw: HostKeywords): Promise<ItemOutcome> {
  const kw = inherited.keywords;
  if (hostKw.loop === undefined) return runItem(task, module, inherited, rt, host, ref, []);
  const items = hostKw.loop;
  const loopVar = kw.loop_control?.loop_var ?? 'item';
  const results: Record<string, unknown>[] = [];
  const combined: ItemOutcome = { status: 'ok', result: {}, changes: [], diff: [], planOnly: false, noLog: hostKw.noLog };
  // As Ansible: a loop over nothing (with_first_found and skip, an empty list) skips the task.
  if (items.length === 0) return { ...combined, status: 'skipped', result: { results: [], changed: false, skipped: true, skipped_reason: 'No items in the list' }, message: 'No items in the list' };
  const extended = loopExtension(kw.loop_control, host.scope(inherited.layers));
  for (const [index, item] of items.entries()) {
    const vars: Record<string, unknown> = { [loopVar]: item, ansible_loop_var: loopVar, ...(kw.loop_control?.index_var ? { [kw.loop_control.index_var]: index } : {}) };
    if (extended.on) vars.ansible_loop = extendedLoopVars(items, index, extended.allItems);
    const layer: VarLayer = { source: 'loop item', verbatim: true, vars };
    const itemNoLog = hostKw.noLog && (!hostKw.noLogPerItem || noLogHolds(kw, host.scope([...inherited.layers, layer])));
    // Like Ansible's `(item=None)`: a censored item is not named, not even by its label.
    const label = itemNoLog ? NO_LOG_ITEM : labelOf(kw.loop_control?.label, item, host, inherited, layer);
    rt.emit({ type: 'host.task.start', host: host.state.name, task: ref, item: label });
    const outcome = await runItem(task, module, inherited, rt, host, ref, [layer]);
    const noLog = itemNoLog || Boolean(outcome.noLog);
    results.push({ ...outcome.result, [loopVar]: item, changed: outcome.status === 'changed', failed: outcome.status === 'failed', skipped: outcome.status === 'skipped' });
    rt.emit({
      type: 'host.task.result',
      host: host.state.name,
      task: ref,
      item: noLog ? NO_LOG_ITEM : label,
      status: outcome.status,
      planOnly: outcome.planOnly,
      ...shown(outcome, noLog, outcome.showDiff ?? rt.settings.diff),
      durationMs: 0,
    });
    combined.changes.push(...outcome.changes);
    combined.diff.push(...outcome.diff);
    combined.planOnly ||= outcome.planOnly;
    combined.noLog ||= noLog;
    if (outcome.facts) combined.facts = { ...combined.facts, ...outcome.facts };
    if (outcome.status === 'failed') combined.status = 'failed';
    else if (outcome.status === 'changed' && combined.status !== 'failed') combined.status = 'changed';
    if (kw.loop_control?.pause) await new Promise((r) => setTimeout(r, kw.loop_control!.pause! * 1000));
  }
  if (items.length > 0 && results.every((r) => r.skipped)) combined.status = 'skipped';
  combined.result = { results, changed: combined.status === 'changed', msg: combined.status === 'failed' ? 'One or more items failed' : 'All items completed' };
  if (combined.status === 'failed') combined.message = 'One or more items failed';
  return combined;
}

/** loop_control.extended and extended_allitems, rendered and read as Ansible's boolean(). */
function loopExtension(control: Inherited['keywords']['loop_control'], scope: Scope): { on: boolean; allItems: boolean } {
  const flag = (value: unknown, fallback: boolean, name: string): boolean => {
    if (value === undefined) return fallback;
    const b = ansibleBoolean(render(value, scope));
    if (b === undefined) throw new ModuleFailure(`loop_control.${name} must be a boolean, got ${JSON.stringify(value)}`);
    return b;
  };
  return { on: flag(control?.extended, false, 'extended'), allItems: flag(control?.extended_allitems, true, 'extended_allitems') };
}

function labelOf(label: string | undefined, item: unknown, host: HostRuntime, inherited: Inherited, layer: VarLayer): string {
  if (label !== undefined) {
    try {
      return String(render(label, host.scope([...inherited.layers, layer])));
    } catch {
      return label;
    }
  }
  return typeof item === 'string' ? item : JSON.stringify(item);
}

function failure(error: unknown): ItemOutcome {
  const result = error instanceof ModuleFailure ? error.result : {};
  return { status: 'failed', result: { ...result, failed: true, msg: (error as Error).message }, changes: [], diff: [], planOnly: false, message: (error as Error).message };
}

async function runItem(task: ModuleTask, module: AnyModule, inherited: Inherited, rt: PlayRuntime, host: HostRuntime, ref: TaskRef, itemLayers: VarLayer[]): Promise<ItemOutcome> {
  const kw = inherited.keywords;
  const scope = host.scope([...inherited.layers, ...itemLayers]);
  try {
    if (kw.when !== undefined && !condition(kw.when, scope)) {
      return { status: 'skipped', result: { skipped: true, changed: false, skip_reason: 'Conditional result was False' }, changes: [], diff: [], planOnly: false, message: 'Conditional result was False' };
    }
    const evaluated = evaluateKeywords({ stage: 'item', keywords: kw, scope });
    if (!evaluated.ok) return failure(new Error(keywordFailure(evaluated.problems, ref.location)));
    const itemKw = evaluated.values;
    const params = dropOmitted(normaliseParams(module, render(task.rawParams, scope), itemKw.args ?? {}));
    const problems = validateParams(module, params);
    if (problems.length) throw new ModuleFailure(`module '${module.name}': ${problems.map((p) => p.message).join('; ')}`);
    const check = itemKw.checkMode ?? rt.settings.check;
    const handle = await host.handle({
      become: itemKw.become,
      becomeUser: itemKw.becomeUser,
      environment: itemKw.environment,
      // timeout: 0 is no limit, as in Ansible.
      timeoutMs: itemKw.timeoutMs || undefined,
      delegateTo: itemKw.delegateTo,
    });
    const ctx = moduleContext(task, rt, scope);
    const retries = kw.until === undefined ? 0 : itemKw.retries;
    const outcome = await untilDone({ attempt: () => attemptOnce(module, handle, params, ctx, check, kw, scope), kw, scope, retries, delayMs: itemKw.delayMs });
    return { ...outcome, showDiff: itemKw.diff };
  } catch (error) {
    if (error instanceof ConnectionError) throw error;
    return failure(error);
  }
}

/** One attempt, or (with until) attempts until the condition holds or the retries are spent. */
async function untilDone(run: { attempt: () => Promise<ItemOutcome>; kw: Inherited['keywords']; scope: Scope; retries: number; delayMs: number }): Promise<ItemOutcome> {
  const { kw, scope, retries } = run;
  for (let attempt = 0; ; attempt++) {
    const outcome = await run.attempt();
    if (kw.until === undefined || (outcome.status === 'failed' && attempt >= retries)) return outcome;
    const done = outcome.planOnly || (outcome.status !== 'failed' && condition(kw.until, withResult(scope, kw, outcome.result)));
    if (done) return { ...outcome, result: { ...outcome.result, attempts: attempt + 1 } };
    if (attempt >= retries) return { ...outcome, status: 'failed', message: `retries exhausted (${retries}) waiting for: ${String(kw.until)}`, result: { ...outcome.result, attempts: attempt + 1, failed: true } };
    await new Promise((r) => setTimeout(r, run.delayMs));
  }
}

async function attemptOnce(module: AnyModule, handle: Parameters<AnyModule['plan']>[0], params: Record<string, unknown>, ctx: ReturnType<typeof moduleContext>, check: boolean, kw: Inherited['keywords'], scope: Scope): Promise<ItemOutcome> {
  let outcome: ItemOutcome;
  try {
    const step = await runModuleStep(module, handle, params, ctx, { check });
    outcome = { status: step.changed ? 'changed' : 'ok', result: { ...step.result, changed: step.changed }, changes: step.changes, diff: step.diff, planOnly: step.planOnly, facts: step.facts, message: step.message };
  } catch (error) {
    if (error instanceof ConnectionError) throw error;
    outcome = failure(error);
  }
  // Under check mode a planned-only result has no real output to judge, so the overrides wait for a
  // real run; except a changed_when that does not need the output (`false`, a variable): a read-only
  // command then plans no change.
  if (outcome.planOnly) {
    if (kw.changed_when !== undefined && outcome.status === 'changed' && conditionWithoutResult(kw.changed_when, scope) === false) outcome.status = 'ok';
    return outcome;
  }
  const resultScope = withResult(scope, kw, outcome.result);
  if (kw.changed_when !== undefined && outcome.status !== 'failed') {
    outcome.status = condition(kw.changed_when, resultScope) ? 'changed' : 'ok';
    outcome.result.changed = outcome.status === 'changed';
  }
  if (kw.failed_when !== undefined) {
    const failed = condition(kw.failed_when, resultScope);
    if (failed) outcome = { ...outcome, status: 'failed', message: outcome.message ?? `failed_when condition matched: ${String(kw.failed_when)}`, result: { ...outcome.result, failed: true, failed_when_result: true } };
    else if (outcome.status === 'failed') outcome = { ...outcome, status: 'ok', message: undefined, result: { ...outcome.result, failed: false, failed_when_result: false } };
  }
  return outcome;
}

/** The condition's value when it can be told without a result; undefined when it needs one. */
function conditionWithoutResult(when: unknown, scope: Scope): boolean | undefined {
  try {
    return condition(when, scope);
  } catch {
    return undefined;
  }
}

/** Conditions on a result see it under the register name (and as `result`), as in Ansible. */
function withResult(scope: Scope, kw: Inherited['keywords'], result: Record<string, unknown>): Scope {
  return scope.with({ source: 'registered result', vars: { result, ...(kw.register ? { [kw.register]: result } : {}) }, verbatim: true });
}

/**
 * Parameters without the keys set to `omit`, at any depth of dicts (and dicts
 * inside lists), as Ansible's remove_omit. The copy is the module's own: values
 * that came whole from the inventory are frozen, and validation fills in defaults.
 */
function dropOmitted(params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) if (value !== OMIT) setOwn(out, key, withoutOmitted(value));
  return out;
}
function withoutOmitted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOmitted);
  return isMapping(value) ? dropOmitted(value) : value;
}

/** What an event may show of an outcome: nothing under no_log (known secrets are masked for every event in run.ts). */
function shown(outcome: ItemOutcome, noLog: boolean, showDiff: boolean): Pick<TaskResultEvent, 'changes' | 'diff' | 'message'> {
  return {
    changes: noLog ? [] : outcome.changes,
    diff: noLog || !showDiff ? [] : outcome.diff,
    message: outcome.message === undefined ? undefined : noLog ? CENSORED : outcome.message,
  };
}

/** Register, set facts, notify handlers, count, and emit the task's final event. */
function finish(task: ModuleTask, inherited: Inherited, rt: PlayRuntime, host: HostRuntime, ref: TaskRef, outcome: ItemOutcome, hostKw: HostKeywords, durationMs: number): boolean {
  const kw = inherited.keywords;
  const result = { ...outcome.result, changed: outcome.status === 'changed', failed: outcome.status === 'failed', ...(outcome.status === 'skipped' ? { skipped: true } : {}) };
  if (kw.register) host.state.hostVars[kw.register] = result;
  if (outcome.facts) Object.assign(host.state.hostVars, outcome.facts);
  if (outcome.shared) return host.state.failed;
  if (outcome.status === 'changed') for (const handler of kw.notify ?? []) {
    host.state.notified.add(handler);
    rt.emit({ type: 'handler.notified', host: host.state.name, handler, by: ref });
  }
  const noLog = hostKw.noLog || Boolean(outcome.noLog);
  const ignoreErrors = outcome.status === 'failed' && hostKw.ignoreErrors;
  const status: TaskStatus = outcome.status;
  const stats = host.state.stats;
  if (status === 'failed') {
    // Like Ansible: an ignored failure counts as ok and as ignored.
    if (ignoreErrors) {
      stats.ok += 1;
      stats.ignored += 1;
    } else {
      stats.failed += 1;
      host.state.failed = true;
    }
  } else if (status === 'skipped') stats.skipped += 1;
  else {
    stats.ok += 1;
    if (status === 'changed') stats.changed += 1;
  }
  // Loop tasks emitted their per-item diffs already; the final event sums the rest up.
  const showDiff = (outcome.showDiff ?? rt.settings.diff) && kw.loop === undefined;
  rt.emit({
    type: 'host.task.result',
    host: host.state.name,
    task: ref,
    status,
    planOnly: outcome.planOnly,
    ...shown(outcome, noLog, showDiff),
    ignored: ignoreErrors || undefined,
    rescued: (status === 'failed' && !ignoreErrors && inherited.rescuable) || undefined,
    result: noLog ? { censored: CENSORED } : result,
    durationMs,
  });
  return host.state.failed;
}
