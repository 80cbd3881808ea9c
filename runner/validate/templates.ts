// Load-time check of template syntax. A `{{` that never closes, a condition
// cut in half or a filter that does not exist is a mistake in the playbook
// itself, the same for every host: it is reported with the other input
// problems (exit 5, nothing sent), not per host after facts were gathered.
// Values are still unknown here, so only syntax and names are checked.
import { compileValue, isTemplateText } from '../template/render.js';
import { compileExpression } from '../template/expression.js';
import { FILTERS, TESTS } from '../template/registry.js';
import { isLookupFunction, LOOKUP_NAMES } from '../template/lookups.js';
import { closest } from 'fastest-levenshtein';
import type { Unsupported } from '../errors.js';
import { insteadOf } from './instead.js';
import type { TemplateError } from '../template/errors.js';

export interface TemplateProblem {
  /** Dotted path of the value inside the checked object ('' for the value itself). */
  path: string;
  message: string;
  /** A filter, test, lookup or statement drover does not have (`drover compat` groups by it). */
  unsupported?: Unsupported;
}

/** Problems of every `{{ }}` template in a value (strings inside lists and mappings too). */
export function templateProblems(value: unknown, path = ''): TemplateProblem[] {
  if (typeof value === 'string') return isTemplateText(value) ? check(path, () => compileValue(value).nodes) : [];
  if (Array.isArray(value)) return value.flatMap((item, i) => templateProblems(item, path ? `${path}.${i}` : String(i)));
  if (typeof value === 'object' && value !== null) {
    return Object.entries(value).flatMap(([key, item]) => templateProblems(item, path ? `${path}.${key}` : key));
  }
  return [];
}

/** Problems of a condition (`when`, `failed_when`...): bare expressions, or lists of them. */
export function conditionProblems(value: unknown, path: string): TemplateProblem[] {
  if (Array.isArray(value)) return value.flatMap((item) => conditionProblems(item, path));
  if (typeof value !== 'string') return [];
  // With {{ }} the condition is rendered first and the result evaluated (condition.ts): check it as a template.
  if (value.includes('{{') || value.includes('{%')) return templateProblems(value, path);
  return check(path, () => [compileExpression(value)]);
}

function check(path: string, parse: () => unknown[]): TemplateProblem[] {
  let parsed: unknown[];
  try {
    parsed = parse();
  } catch (error) {
    return [{ path, message: (error as Error).message, unsupported: (error as TemplateError).unsupported }];
  }
  return unknownNames(parsed).map((found) => ({ path, ...found }));
}

/** `lookup('name', ...)` / `query` / `q` naming a plugin drover does not have (a literal name only: others are known at run time). */
function unsupportedLookup(node: object): NameProblem | undefined {
  const n = node as { t?: unknown; callee?: { t?: unknown; name?: unknown }; args?: { t?: unknown; value?: unknown; start: number }[] };
  if (n.t !== 'call' || n.callee?.t !== 'name' || typeof n.callee.name !== 'string' || !isLookupFunction(n.callee.name)) return undefined;
  const first = n.args?.[0];
  if (first?.t !== 'literal' || typeof first.value !== 'string') return undefined;
  const name = first.value.replace(/^ansible\.(builtin|legacy)\./, '');
  if (LOOKUP_NAMES.includes(name)) return undefined;
  const near = closest(name, [...LOOKUP_NAMES]);
  const has = `drover has: ${LOOKUP_NAMES.join(', ')}`;
  const unsupported = { kind: 'lookup', name: first.value, instead: insteadOf(name, near, has) } as const;
  return { message: `lookup plugin '${first.value}' is not supported by drover; did you mean '${near}'? (${has})`, unsupported, offset: first.start };
}

/** A name no table has, and where in the expression text it is written. */
export interface NameProblem {
  message: string;
  unsupported: Unsupported;
  /** Offset of the name in the expression source it was parsed from. */
  offset: number;
}

/** Filters, tests and lookups that no table has, found anywhere in the parsed expressions (and `{% filter %}` calls). */
export function unknownNames(nodes: unknown[]): NameProblem[] {
  const problems: NameProblem[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const n = node as { t?: unknown; name?: unknown; at?: unknown; args?: unknown };
    // A `{% filter name %}` or block `{% set x | name %}` call is a name with arguments and no node type.
    const kind = n.t === 'filter' || (n.t === undefined && Array.isArray(n.args)) ? 'filter' : n.t === 'test' ? 'test' : undefined;
    if (kind !== undefined && typeof n.name === 'string') {
      const table = kind === 'filter' ? FILTERS : TESTS;
      // The parser already dropped an `ansible.builtin.` prefix.
      if (!table.has(n.name)) {
        const near = closest(n.name, [...table.keys()]);
        const unsupported = { kind, name: n.name, instead: insteadOf(n.name, near, "docs/filters.md lists drover's filters and tests") } as const;
        problems.push({ message: `unknown ${kind} '${n.name}'; did you mean '${near}'?`, unsupported, offset: typeof n.at === 'number' ? n.at : 0 });
      }
    }
    const lookup = unsupportedLookup(node);
    if (lookup !== undefined) problems.push(lookup);
    Object.values(node).forEach(visit);
  };
  nodes.forEach(visit);
  return problems;
}
