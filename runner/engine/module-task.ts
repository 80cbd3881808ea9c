// One module task on one host (a TaskRun), as named steps:
//   gate (tags, --start-at-task, --step) -> host keywords (loop, run_once,
//   no_log, ignore_errors) -> run_once? -> loop items -> per item: when? ->
//   item keywords -> params -> plan (-> apply unless check) with
//   until/retries -> changed_when / failed_when -> register -> notify -> emit.
import type { ModuleTask } from '../playbook/types.js';
import { ConnectionError } from '../connection/types.js';
import { ModuleFailure, type AnyModule, type ModuleContext } from '../module-api.js';
import type { HostHandle } from '../host/handle.js';
import { normaliseParams, paramFailureMessage, validateParams } from '../validate/params.js';
import { runModuleStep, startModuleJob } from './module-step.js';
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import type { TaskRef } from './events.js';
import { countResult } from './state.js';
import { isSelected } from './tags.js';
import { condition, render, type Scope, type VarLayer } from './templating.js';
import { isMapping } from '../template/values.js';
import { loopItemVars, loopSettings, type LoopSettings } from './loop-vars.js';
import { taskRefOf } from './task-scope.js';
import { moduleContext } from './module-context.js';
import { CENSORED, NO_LOG_ITEM } from './mask.js';
import { evaluateKeywords, hostKeywords, keywordFailure, noLogHolds, type HostKeywords, type KeywordProblem } from './task-keywords.js';
import { combineItems, dropOmitted, failure, shown, skipped, type ItemOutcome } from './item-outcome.js';
import { overrides, withResult } from './result-conditions.js';
import { rethrowUnlessTaskFailure } from './drover-bug.js';
import { handlersFor } from './handler-lookup.js';
import { defaultsFor } from '../playbook/module-defaults.js';
import { asyncJob, fireAndForget, newJobId } from './async-job.js';

/** One task for one host. */
export interface TaskJob {
  task: ModuleTask;
  inherited: Inherited;
  rt: PlayRuntime;
  host: HostRuntime;
}

/** What one attempt of an item needs, decided once per item. */
interface Attempt {
  handle: HostHandle;
  params: Record<string, unknown>;
  ctx: ModuleContext;
  check: boolean;
  scope: Scope;
  /** The module's warnings so far: the registered result lists them, as Ansible's `warnings`. */
  warnings: string[];
}

/** Runs the task; true when the host failed (and the failure was not ignored). */
export function runModuleTask(job: TaskJob): Promise<boolean> {
  return new TaskRun(job).run();
}

class TaskRun {
  private readonly task: ModuleTask;
  private readonly rt: PlayRuntime;
  private readonly host: HostRuntime;
  private readonly inherited: Inherited;
  private readonly module: AnyModule;
  private readonly baseScope: Scope;
  private readonly ref: TaskRef;
  private hostKw: HostKeywords = { noLog: false, runOnce: false, ignoreErrors: false, throttle: 0 };

  constructor(job: TaskJob) {
    ({ task: this.task, rt: this.rt, host: this.host } = job);
    const role = job.task.role;
    // Ansible's Task.get_search_path: the role's directory, then the task file's (where lookups and modules look for files).
    const searchPath = { source: 'task search path', verbatim: true, vars: { ansible_search_path: [...new Set([...(role ? [role.dir] : []), job.task.baseDir])] } };
    this.inherited = role
      ? { ...job.inherited, layers: [{ source: `role ${role.name} parameters`, vars: { ...role.params, role_name: role.name, role_path: role.dir } }, searchPath, ...job.inherited.layers] }
      : { ...job.inherited, layers: [searchPath, ...job.inherited.layers] };
    this.module = this.rt.registry.find(this.task.module)!;
    this.baseScope = this.host.scope(this.inherited.layers, this.task.role);
    this.ref = this.namedRef();
  }

  private get kw(): Inherited['keywords'] {
    return this.inherited.keywords;
  }

  async run(): Promise<boolean> {
    if (!(await this.gate())) return false;
    if (this.module.bypassHostLoop) {
      if (this.rt.runOnce.has(this.task)) return false;
      this.rt.runOnce.set(this.task, Promise.resolve({ result: {}, failed: false }));
    }
    const started = Date.now();
    this.rt.emit({ type: 'host.task.start', host: this.host.state.name, task: this.ref });
    const evaluated = hostKeywords(this.kw, this.baseScope, this.task.moduleKey);
    if ('problems' in evaluated) {
      // As Ansible's TaskExecutor: a loop that uses an undefined variable fails only once `when` (without the item) holds.
      const loopUndefined = evaluated.problems.every((p) => p.keyword === 'loop' && p.undefined === true);
      if (loopUndefined && this.kw.when !== undefined && !this.conditionHolds()) return this.finish(skipped(), Date.now() - started);
      return this.finish(this.keywordFailure(evaluated.problems), Date.now() - started);
    }
    this.hostKw = evaluated.values;
    // Ansible ignores throttle on a run_once task: one host runs it anyway.
    const release = this.hostKw.runOnce || !this.hostKw.throttle ? undefined : await this.rt.throttle.acquire(this.task, this.hostKw.throttle);
    try {
      const outcome = this.hostKw.runOnce ? await this.runOnce() : await this.loop();
      return this.finish(outcome, Date.now() - started);
    } catch (error) {
      if (!(error instanceof ConnectionError)) throw error;
      return this.unreachable(error, Date.now() - started);
    } finally {
      release?.();
    }
  }

  /** Ansible's Display.warning for what a condition holds (shown once a run). */
  private readonly warn = (message: string): void => this.rt.emit({ type: 'warning', message });

  /** The task's `when` in the host's scope; an error in it counts as holding, so the loop's own error is the one reported. */
  private conditionHolds(): boolean {
    try {
      return condition(this.kw.when, this.baseScope, this.warn);
    } catch {
      return true;
    }
  }

  /** Tags select the task; then --start-at-task and --step (handlers always run: tasks that ran notified them). */
  private async gate(): Promise<boolean> {
    if (!isSelected(this.inherited.tags, this.rt.settings.tags)) return false;
    if (this.inherited.handler) {
      this.ref.handler = true;
      return true;
    }
    return this.rt.gate.allows(this.task, this.ref.name);
  }

  private namedRef(): TaskRef {
    const ref = taskRefOf(this.task, this.rt, `${this.task.module}`);
    if (this.task.keywords.name?.includes('{{')) {
      // A name may use loop items or later facts; fall back to the raw name rather than fail.
      try {
        ref.name = String(render(this.task.keywords.name, this.baseScope));
      } catch {
        /* keep the written name */
      }
    }
    return ref;
  }

  /** The task fails on its keywords; a valid ignore_errors still holds, as in Ansible (a bad one is not taken for true). */
  private keywordFailure(problems: KeywordProblem[]): ItemOutcome {
    const alone = evaluateKeywords({ stage: 'host', keywords: { ignore_errors: this.kw.ignore_errors }, scope: this.baseScope });
    this.hostKw = { noLog: false, runOnce: false, ignoreErrors: alone.ok && alone.values.ignoreErrors, throttle: 0 };
    // The message holds no values where no_log may hold (see hostKeywords), so it is shown.
    return failure(new Error(keywordFailure(problems, this.ref.location)));
  }

  /** The first host runs the task; the others get its result without running anything themselves. */
  private async runOnce(): Promise<ItemOutcome> {
    let shared = this.rt.runOnce.get(this.task);
    if (!shared) {
      const pending = this.loop();
      shared = pending.then((o) => ({ result: o.result, failed: o.status === 'failed' }));
      // A lost connection or a bug rejects it: the hosts that await it see that; unawaited, it must not crash the run.
      shared.catch(() => undefined);
      this.rt.runOnce.set(this.task, shared);
      return pending;
    }
    const { result, failed } = await shared;
    if (failed) this.host.state.failed = true;
    return { status: failed ? 'failed' : 'ok', result, changes: [], diff: [], planOnly: false, shared: true };
  }

  private async loop(): Promise<ItemOutcome> {
    const items = this.hostKw.loop;
    if (items === undefined) return this.item([]);
    // As Ansible: a loop over nothing (with_first_found and skip, an empty list) skips the task.
    if (items.length === 0) {
      return { status: 'skipped', result: { results: [], changed: false, skipped: true, skipped_reason: 'No items in the list' }, changes: [], diff: [], planOnly: false, message: 'No items in the list', noLog: this.hostKw.noLog };
    }
    let settings: LoopSettings;
    try {
      settings = loopSettings(this.kw.loop_control, this.baseScope);
    } catch (error) {
      return failure(error);
    }
    const done: { outcome: ItemOutcome; registered: Record<string, unknown> }[] = [];
    for (const index of items.keys()) {
      // As Ansible: the pause comes between items, not after the last.
      if (index > 0 && settings.pauseMs > 0) await new Promise((r) => setTimeout(r, settings.pauseMs));
      const vars = loopItemVars(settings, items, index);
      const layer: VarLayer = { source: 'loop item', verbatim: true, vars };
      const itemScope = this.host.scope([...this.inherited.layers, layer], this.task.role);
      const noLog = this.hostKw.noLog && (!this.hostKw.noLogPerItem || noLogHolds(this.kw, itemScope));
      // Like Ansible's `(item=None)`: a censored item is not named, not even by its label.
      const label = noLog ? NO_LOG_ITEM : this.labelOf(items[index], itemScope);
      this.rt.emit({ type: 'host.task.start', host: this.host.state.name, task: this.ref, item: label });
      const outcome = { ...(await this.item([layer])), noLog };
      // As Ansible's loop: the next item already sees the facts this one set.
      this.keepFacts(outcome);
      const registered = { ...outcome.result, ...vars, changed: outcome.status === 'changed', failed: outcome.status === 'failed', skipped: outcome.status === 'skipped' };
      done.push({ outcome, registered });
      // The item's own result, as Ansible's v2_runner_item_on_* callbacks get it.
      this.emitResult(outcome, { item: label, result: noLog ? { censored: CENSORED } : registered, durationMs: 0 });
    }
    return combineItems(done, this.hostKw.noLog);
  }

  private labelOf(item: unknown, scope: Scope): string {
    const label = this.kw.loop_control?.label;
    if (label === undefined) return typeof item === 'string' ? item : JSON.stringify(item);
    try {
      return String(render(label, scope));
    } catch {
      return label;
    }
  }

  /** One item: when, its keywords, parameters, then attempts until done. */
  private async item(itemLayers: VarLayer[]): Promise<ItemOutcome> {
    const scope = this.host.scope([...this.inherited.layers, ...itemLayers], this.task.role);
    try {
      if (this.kw.when !== undefined && !condition(this.kw.when, scope, this.warn)) return skipped();
      const evaluated = evaluateKeywords({ stage: 'item', keywords: this.kw, scope });
      if (!evaluated.ok) return failure(new Error(keywordFailure(evaluated.problems, this.ref.location)));
      const itemKw = evaluated.values;
      const detached = itemKw.asyncSeconds > 0 && itemKw.pollSeconds === 0;
      if (detached && !this.module.startJob) return failure(new ModuleFailure(fireAndForget(this.module.name)));
      const job = itemKw.asyncSeconds > 0 && !detached ? asyncJob(itemKw.asyncSeconds) : undefined;
      const warnings: string[] = [];
      const check = itemKw.checkMode ?? this.rt.settings.check;
      const attempt: Attempt = {
        params: this.params(scope, itemKw.args),
        check,
        scope,
        warnings,
        ctx: this.moduleContext(scope, warnings, { check, diff: itemKw.diff ?? this.rt.settings.diff }),
        handle: await this.host.handle({
          become: itemKw.become,
          becomeUser: itemKw.becomeUser,
          becomeMethod: itemKw.becomeMethod,
          remoteUser: itemKw.remoteUser,
          connection: itemKw.connection,
          environment: itemKw.environment,
          // timeout: 0 is no limit, as in Ansible.
          timeoutMs: itemKw.timeoutMs || undefined,
          asyncDeadline: job?.deadline,
          delegateTo: itemKw.delegateTo,
        }),
      };
      // Check mode plans a detached job as any task: nothing is started.
      // The job is not done yet: no until, the task reports it started.
      if (detached && !check) return { ...(await this.attempt(attempt, itemKw.asyncSeconds)), showDiff: itemKw.diff };
      const retries = this.kw.until === undefined ? 0 : itemKw.retries;
      const outcome = await this.untilDone(attempt, { retries, delayMs: itemKw.delayMs });
      return { ...(job ? job.registered(outcome) : outcome), showDiff: itemKw.diff };
    } catch (error) {
      rethrowUnlessTaskFailure(error, this.ref);
      return failure(error);
    }
  }

  /** The module's parameters for this item: rendered, merged with args, without omitted keys, validated. */
  private params(scope: Scope, args: Record<string, unknown> | undefined): Record<string, unknown> {
    // module_defaults are the lowest layer: the task's own parameters (and args:) win.
    const defaults = normaliseParams(this.module, render(defaultsFor(this.kw.module_defaults, this.module, this.rt.registry), scope));
    const params = dropOmitted({ ...defaults, ...normaliseParams(this.module, render(this.task.rawParams, scope), args ?? {}) });
    const conditions = this.module.conditionsParam;
    const written = conditions !== undefined && isMapping(this.task.rawParams) ? this.task.rawParams[conditions] : undefined;
    if (Array.isArray(written)) params[conditions!] = written;
    const notes: string[] = [];
    const problems = validateParams(this.module, params, notes);
    for (const note of notes) this.rt.emit({ type: 'warning', host: this.host.state.name, message: `${this.ref.name} (${this.ref.location}): ${note}` });
    if (problems.length) throw new ModuleFailure(paramFailureMessage(this.module, problems));
    return params;
  }

  /** The module's view of the engine; a no_log task's warnings are censored like the rest of it. */
  private moduleContext(scope: Scope, warnings: string[], modes: { check: boolean; diff: boolean }): ModuleContext {
    const { check } = modes;
    const ctx = moduleContext(this.task, this.rt, scope, modes);
    const warn = this.hostKw.noLog
      ? () => this.rt.emit({ type: 'warning', host: this.host.state.name, message: `${this.ref.name}: a warning (${CENSORED})` })
      : (message: string) => {
          warnings.push(message);
          ctx.warn(message);
        };
    return {
      ...ctx,
      warn,
      checkModeWarn: (message) => {
        if (check) warn(message);
      },
    };
  }

  /** One attempt, or (with until) attempts until the condition holds or the retries are spent. */
  private async untilDone(attempt: Attempt, limits: { retries: number; delayMs: number }): Promise<ItemOutcome> {
    const until = this.kw.until;
    for (let tries = 1; ; tries++) {
      const outcome = await this.attempt(attempt);
      if (until === undefined || (outcome.status === 'failed' && tries > limits.retries)) return outcome;
      const done = outcome.planOnly || (outcome.status !== 'failed' && condition(until, withResult(attempt.scope, { result: outcome.result, register: this.kw.register }), this.warn));
      if (done) return { ...outcome, result: { ...outcome.result, attempts: tries } };
      if (tries > limits.retries) {
        return { ...outcome, status: 'failed', message: `retries exhausted (${limits.retries}) waiting for: ${String(until)}`, result: { ...outcome.result, attempts: tries, failed: true } };
      }
      await new Promise((r) => setTimeout(r, limits.delayMs));
    }
  }

  /**
   * Plan, apply unless in check mode (or, for async with poll: 0, `detachFor` seconds, start the
   * module's job on the host instead of applying), then changed_when / failed_when.
   */
  private async attempt(attempt: Attempt, detachFor?: number): Promise<ItemOutcome> {
    let outcome: ItemOutcome;
    try {
      const step =
        detachFor === undefined
          ? await runModuleStep(this.module, attempt.handle, attempt.params, attempt.ctx, { check: attempt.check })
          : await startModuleJob(this.module, attempt.handle, attempt.params, attempt.ctx, { id: newJobId(), seconds: detachFor });
      const warned = attempt.warnings.length > 0 ? { warnings: [...attempt.warnings] } : {};
      outcome = { status: step.skipped ? 'skipped' : step.changed ? 'changed' : 'ok', result: { ...step.result, ...warned, changed: step.changed }, changes: step.changes, diff: step.diff, planOnly: step.planOnly, facts: step.facts, cacheableFacts: step.cacheableFacts, includedVars: step.includedVars, message: step.message, ...(step.verboseAlways ? { verboseAlways: true } : {}) };
    } catch (error) {
      rethrowUnlessTaskFailure(error, this.ref);
      outcome = failure(error);
      // A failed result lists the warnings given before the failure, as Ansible's fail_json does.
      if (attempt.warnings.length > 0) outcome.result.warnings = [...attempt.warnings];
    }
    return overrides(outcome, { keywords: this.kw, scope: attempt.scope, warn: this.warn });
  }

  /** Register, set facts, notify handlers, count, and emit the task's final event. */
  private finish(done: ItemOutcome, durationMs: number): boolean {
    const state = this.host.state;
    const unanswered = done.status === 'changed' && !done.shared ? this.notifications().find((n) => handlersFor(n, this.rt.handlers).length === 0) : undefined;
    // Ansible's words; it stops the run there, drover fails this task on this host.
    const outcome: ItemOutcome = unanswered === undefined ? done : { ...done, status: 'failed', message: `The requested handler '${unanswered}' was not found in either the main handlers list nor in the listening handlers list` };
    // A failed result keeps the changed its module gave (Ansible's command: true).
    const changed = outcome.status === 'changed' || (outcome.status === 'failed' && outcome.result.changed === true);
    const result = { ...outcome.result, changed, failed: outcome.status === 'failed', ...(outcome.status === 'skipped' ? { skipped: true } : {}) };
    if (this.kw.register) state.hostVars[this.kw.register] = result;
    this.keepFacts(outcome);
    if (outcome.shared) return state.failed;
    if (outcome.status === 'changed') this.notify();
    const ignored = outcome.status === 'failed' && this.hostKw.ignoreErrors;
    countResult(this.host.state, { status: outcome.status, ignored, changed });
    const noLog = this.hostKw.noLog || Boolean(outcome.noLog);
    if (outcome.status === 'failed' && !ignored) {
      state.lastFailure = { task: { name: this.ref.name, action: this.task.module }, result: noLog ? { censored: CENSORED } : result };
    }
    // Loop tasks emitted their per-item diffs already; the final event sums the rest up.
    this.emitResult({ ...outcome, noLog, showDiff: (outcome.showDiff ?? this.rt.settings.diff) && this.kw.loop === undefined }, {
      ignored: ignored || undefined,
      rescued: (outcome.status === 'failed' && !ignored && this.inherited.rescuable) || undefined,
      result: noLog ? { censored: CENSORED } : result,
      durationMs,
    });
    return state.failed;
  }

  /** Facts the task set (set_fact, registered facts) and variables it included (include_vars), each at its precedence. */
  private keepFacts(outcome: ItemOutcome): void {
    if (outcome.facts) Object.assign(this.host.state.hostVars, outcome.facts);
    // set_fact cacheable: facts too, as Ansible's strategy sets both (set_host_facts and set_nonpersistent_facts).
    if (outcome.cacheableFacts) this.rt.keepHostFacts(this.host.state, outcome.cacheableFacts);
    if (outcome.includedVars) Object.assign(this.host.state.includedVars, outcome.includedVars);
  }

  /** notify names, rendered for this host ({{ }} in a name is a template, as in Ansible). */
  private notifications(): string[] {
    return (this.kw.notify ?? []).map((name) => (name.includes('{{') ? String(render(name, this.baseScope)) : name));
  }

  private notify(): void {
    for (const handler of this.notifications()) {
      this.host.state.notified.add(handler);
      this.rt.emit({ type: 'handler.notified', host: this.host.state.name, handler, by: this.ref });
    }
  }

  /** A result event for the task or one of its items; what it shows of a no_log outcome is censored. */
  private emitResult(outcome: ItemOutcome, extra: { item?: string; ignored?: true; rescued?: true; result?: Record<string, unknown>; durationMs: number }): void {
    const noLog = outcome.noLog ?? this.hostKw.noLog;
    this.rt.emit({
      type: 'host.task.result',
      host: this.host.state.name,
      task: this.ref,
      status: outcome.status,
      planOnly: outcome.planOnly,
      ...shown(outcome, { noLog, showDiff: outcome.showDiff ?? this.rt.settings.diff }),
      ...extra,
    });
  }

  private unreachable(error: ConnectionError, durationMs: number): true {
    const { state } = this.host;
    state.unreachable = true;
    state.stats.unreachable += 1;
    this.rt.emit({ type: 'host.task.result', host: state.name, task: this.ref, status: 'unreachable', planOnly: false, changes: [], diff: [], message: error.message, durationMs });
    return true;
  }
}
