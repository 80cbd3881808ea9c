// A task's keywords rendered for one host (and loop item), converted and
// validated against the keyword table: the engine reads them typed
// (`retries: number`, `noLog: boolean`...) and never renders a keyword itself.
import type { Keywords } from '../playbook/types.js';
import { TASK_KEYWORDS, type EvaluatedAt } from '../playbook/keywords.js';
import { checkKeywordValue } from '../validate/keyword-values.js';
import { loopItems, render, type Scope } from './templating.js';

export type Stage = 'host' | 'item';

export interface KeywordProblem {
  keyword: string;
  message: string;
}

export type Evaluation<S extends Stage> = { ok: true; values: EvaluatedAt<S> } | { ok: false; problems: KeywordProblem[] };

/** Every keyword rendered at `stage`, with a default where the table has one; every bad value at once. */
export function evaluateKeywords<S extends Stage>(options: { stage: S; keywords: Keywords; scope: Scope }): Evaluation<S> {
  const values: Record<string, unknown> = {};
  const problems: KeywordProblem[] = [];
  const written = options.keywords as Record<string, unknown>;
  for (const [keyword, spec] of Object.entries(TASK_KEYWORDS)) {
    const rendered = spec.rendered;
    if (!rendered?.at.includes(options.stage)) continue;
    let value: unknown;
    try {
      // with_NAME keeps its terms in `loop`: the items are what lookup NAME returns for them.
      value = written[keyword] === undefined ? undefined : keyword === 'loop' ? loopItems(written.loop, options.keywords.loop_with, options.scope) : render(written[keyword], options.scope);
    } catch (error) {
      problems.push({ keyword, message: `keyword '${keyword}': ${(error as Error).message}` });
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

/** The failure message of a task whose keywords did not evaluate: every problem, where the task is written. */
export function keywordFailure(problems: KeywordProblem[], location: string): string {
  return `${problems.map((p) => p.message).join('; ')} (task at ${location})`;
}
