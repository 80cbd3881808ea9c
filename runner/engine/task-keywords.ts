// A task's keywords rendered for one host (and loop item), converted and
// validated against the keyword table: the engine reads them typed
// (`retries: number`, `noLog: boolean`...) and never renders a keyword itself.
import type { Keywords } from '../playbook/types.js';
import { TASK_KEYWORDS, type EvaluatedAt } from '../playbook/keywords.js';
import { checkKeywordValue } from '../validate/keyword-values.js';
import { loopItems, render, UndefinedVariableError, type Scope } from './templating.js';
import { LookupFailure } from '../template/index.js';
import { environmentLayers } from './task-scope.js';

export type Stage = 'host' | 'item';

export interface KeywordProblem {
  keyword: string;
  message: string;
  /** The value used an undefined variable (a loop that fails so still lets a false `when` skip the task, as in Ansible). */
  undefined?: boolean;
  /** A with_NAME lookup plugin's own error, which Ansible gives as the task's message as it is. */
  plugin?: boolean;
}

export type Evaluation<S extends Stage> = { ok: true; values: EvaluatedAt<S> } | { ok: false; problems: KeywordProblem[] };

/** Every keyword rendered at `stage`, with a default where the table has one; every bad value at once. */
export function evaluateKeywords<S extends Stage>(options: { stage: S; keywords: Keywords; scope: Scope; action?: string }): Evaluation<S> {
  const values: Record<string, unknown> = {};
  const problems: KeywordProblem[] = [];
  const written = options.keywords as Record<string, unknown>;
  for (const [keyword, spec] of Object.entries(TASK_KEYWORDS)) {
    const rendered = spec.rendered;
    if (!rendered?.at.includes(options.stage)) continue;
    let value: unknown;
    try {
      // with_NAME keeps its terms in `loop`: the items are what lookup NAME returns for them.
      value = written[keyword] === undefined ? undefined
        : keyword === 'loop' ? loopItems(written.loop, options.keywords.loop_with, options.scope, options.action)
        : keyword === 'environment' ? mergedEnvironment(written.environment, options.scope)
        : render(written[keyword], options.scope);
    } catch (error) {
      // A with_NAME plugin's own error is the task's whole message in Ansible (TaskExecutor.run returns to_text(e)).
      if (keyword === 'loop' && error instanceof LookupFailure && options.keywords.loop_with !== undefined) {
        problems.push({ keyword, message: error.message, plugin: true });
        continue;
      }
      problems.push({ keyword, message: `keyword '${keyword}': ${(error as Error).message}`, ...(error instanceof UndefinedVariableError ? { undefined: true } : {}) });
      continue;
    }
    // Not set, or rendered to None: the default, as in Ansible.
    if (value === undefined || value === null) {
      if (rendered.default !== undefined) values[rendered.field] = rendered.seconds ? (rendered.default as number) * 1000 : rendered.default;
      continue;
    }
    const checked = checkKeywordValue(keyword, value);
    if ('problem' in checked) {
      const from = typeof written[keyword] === 'string' && written[keyword] !== value ? ` (from ${JSON.stringify(written[keyword])})` : '';
      problems.push({ keyword, message: checked.problem.message + from });
    } else values[rendered.field] = checked.value;
  }
  return problems.length ? { ok: false, problems } : { ok: true, values: values as EvaluatedAt<S> };
}

/** environment: each layer (play, blocks, task) rendered, later keys winning; a layer that is not a mapping is returned as it is, to be refused. */
function mergedEnvironment(written: unknown, scope: Scope): unknown {
  const merged: Record<string, unknown> = {};
  for (const layer of environmentLayers(written)) {
    const value = render(layer, scope);
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) return value;
    Object.assign(merged, value);
  }
  return merged;
}

/** The failure message of a task whose keywords did not evaluate: every problem, where the task is written. */
export function keywordFailure(problems: KeywordProblem[], location: string): string {
  if (problems.length === 1 && problems[0]!.plugin) return problems[0]!.message;
  return `${problems.map((p) => p.message).join('; ')} (task at ${location})`;
}

/** The keywords decided once per host, before any loop item. */
export type HostKeywords = EvaluatedAt<'host'> & {
  /** no_log needs the loop item (it did not render without one): each item decides, and the task is censored. */
  noLogPerItem?: boolean;
};

/**
 * loop, run_once, no_log and ignore_errors for this host. A no_log that needs
 * the loop item is decided per item (the task stays censored meanwhile); any
 * other bad value fails the task, shown without values when no_log may hold.
 */
export function hostKeywords(keywords: Keywords, scope: Scope, action?: string): { values: HostKeywords } | { problems: KeywordProblem[] } {
  const evaluated = evaluateKeywords({ stage: 'host', keywords, scope, action });
  if (evaluated.ok) return { values: evaluated.values };
  if (keywords.loop !== undefined && evaluated.problems.every((p) => p.keyword === 'no_log')) {
    const rest = evaluateKeywords({ stage: 'host', keywords: { ...keywords, no_log: true }, scope, action });
    if (rest.ok) return { values: { ...rest.values, noLogPerItem: true } };
  }
  const noLog = noLogHolds(keywords, scope);
  return { problems: evaluated.problems.map((p) => (noLog && p.keyword !== 'no_log' ? { ...p, message: `keyword '${p.keyword}' has a bad value (not shown: no_log)` } : p)) };
}

/** no_log is true, or cannot be told (then everything is censored, as Ansible does). */
export function noLogHolds(keywords: Keywords, scope: Scope): boolean {
  const evaluated = evaluateKeywords({ stage: 'host', keywords: { no_log: keywords.no_log }, scope });
  return !evaluated.ok || evaluated.values.noLog;
}
