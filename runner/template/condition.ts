// when / changed_when / failed_when / until / assert that, as ansible-core
// 2.14's Conditional evaluates them: a list means all of them (stopping at the
// first false); text without `{{ }}` is an expression read with Python's
// truth; text with `{{ }}` is rendered first, and a rendered text is then
// evaluated as the expression it spells (`when: "{{ flag }}"` with flag
// "false" is false, with "no" it names an undefined variable no, as in
// Ansible), while a rendered non-text value is read with Python's truth.
import { ExpressionError, TemplateError } from './errors.js';
import { evaluateExpression } from './expression.js';
import { WithoutLookups } from './registry.js';
import { renderString } from './render.js';
import { aType, truthy, type Names } from './values.js';

export type Condition = string | boolean | readonly (string | boolean)[];

/** Ansible's Conditional warns of every condition it evaluates that holds template delimiters (templar.is_template). */
export function templatedConditionWarning(condition: string): string | undefined {
  return /\{\{|\{%|\{#/.test(condition) ? `conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %}. Found: ${condition}` : undefined;
}

/** `warn` hears Ansible's warning for each condition evaluated that holds `{{ }}` (a list stops at its first false one). */
export function evaluateCondition(condition: Condition, names: Names, warn: (message: string) => void = () => {}): boolean {
  if (typeof condition === 'boolean') return condition;
  if (Array.isArray(condition)) return condition.every((c: string | boolean) => evaluateCondition(c, names, warn));
  if (typeof condition === 'number') return condition !== 0;
  if (typeof condition !== 'string') throw new TemplateError(`a condition must be an expression, a boolean or a list of them, got ${aType(condition)}`);
  const warning = templatedConditionWarning(condition);
  if (warning !== undefined) warn(warning);
  if (!condition.includes('{{') && !condition.includes('{%')) return truthy(evaluateExpression(condition, names));
  const rendered = renderString(condition, names);
  if (typeof rendered !== 'string') return truthy(rendered);
  if (rendered === '') return false;
  try {
    // The rendered text may hold what a host returned (a registered stdout): evaluated, but never with lookups.
    return truthy(evaluateExpression(rendered, new WithoutLookups(names, 'the text a condition rendered to is evaluated without lookups, as Ansible evaluates unsafe values')));
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    throw new ExpressionError(`${error.detail} (the condition ${JSON.stringify(condition)} rendered to ${JSON.stringify(rendered)}, which is evaluated again, as Ansible does)`, rendered, error.offset);
  }
}
