// Jinja/Ansible tests: `x is defined`, `result is changed`, `v is version('1.2', '>=')`.
// Each returns a boolean; `is not t` negates it in the evaluator.
import { asList, asText, type Callable } from './callables.js';
import { TemplateError, Undefined } from './errors.js';
import { compileRegex, regexInput } from './regex.js';
import { aType, compareValues, contains, deepEqual, getMember, isMapping, MISSING, truthy } from './values.js';

function is(check: (value: unknown) => boolean): Callable {
  return { params: ['value'], run: ([value]) => check(value) };
}

/** `result is changed` and friends read the fields of a registered task result. */
function resultField(test: string, field: string, expect: boolean): Callable {
  return is((value) => {
    if (!isMapping(value)) throw new TemplateError(`test '${test}' needs a registered task result (a dict), got ${aType(value)}`);
    const flag = getMember(value, field);
    return (flag !== MISSING && truthy(flag)) === expect;
  });
}

function regexTest(name: string, anchored: boolean): Callable {
  return {
    params: ['value', 'pattern', 'ignorecase?', 'multiline?'],
    run: ([value, pattern, ignorecase, multiline]) => {
      const regex = compileRegex(pattern, { ignorecase, multiline, sticky: anchored });
      return regex.test(regexInput(value, `test '${name}'`));
    },
  };
}

const OPERATORS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0, lt: (c) => c < 0,
  '<=': (c) => c <= 0, le: (c) => c <= 0,
  '>': (c) => c > 0, gt: (c) => c > 0,
  '>=': (c) => c >= 0, ge: (c) => c >= 0,
  '==': (c) => c === 0, '=': (c) => c === 0, eq: (c) => c === 0,
  '!=': (c) => c !== 0, '<>': (c) => c !== 0, ne: (c) => c !== 0,
};

/** Compare versions like Python's LooseVersion: numbers numerically, words as text, longer wins a tie. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): (number | string)[] => (v.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [pa, pb] = [parts(a), parts(b)];
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) {
    const [x, y] = [pa[i]!, pb[i]!];
    if (x === y) continue;
    // A number outranks a word: 1.0.1 > 1.0.rc1.
    if (typeof x !== typeof y) return typeof x === 'number' ? 1 : -1;
    return x < y ? -1 : 1;
  }
  return pa.length - pb.length;
}

const version: Callable = {
  params: ['value', 'version', 'operator?', 'strict?'],
  run: ([value, other, operator = 'eq']) => {
    const op = asText("test 'version' operator", operator);
    const check = Object.hasOwn(OPERATORS, op) ? OPERATORS[op] : undefined;
    if (check === undefined) {
      throw new TemplateError(`test 'version' has no operator ${JSON.stringify(op)}; use one of ${Object.keys(OPERATORS).join(' ')}`);
    }
    return check(compareVersions(asText("test 'version'", value), asText("test 'version'", other)));
  },
};

export const tests: Record<string, Callable> = {
  defined: { params: ['value'], acceptsUndefined: true, run: ([v]) => !(v instanceof Undefined) },
  undefined: { params: ['value'], acceptsUndefined: true, run: ([v]) => v instanceof Undefined },
  none: is((v) => v === null || v === undefined),
  string: is((v) => typeof v === 'string'),
  number: is((v) => typeof v === 'number'),
  integer: is((v) => typeof v === 'number' && Number.isInteger(v)),
  float: is((v) => typeof v === 'number' && !Number.isInteger(v)),
  boolean: is((v) => typeof v === 'boolean'),
  mapping: is(isMapping),
  iterable: is((v) => typeof v === 'string' || Array.isArray(v) || isMapping(v)),
  sequence: is((v) => typeof v === 'string' || Array.isArray(v) || isMapping(v)),
  changed: resultField('changed', 'changed', true),
  failed: resultField('failed', 'failed', true),
  succeeded: resultField('succeeded', 'failed', false),
  success: resultField('success', 'failed', false),
  skipped: resultField('skipped', 'skipped', true),
  match: regexTest('match', true),
  search: regexTest('search', false),
  version,
  version_compare: version,
  in: { params: ['value', 'container'], run: ([v, container]) => contains(container, v) },
  contains: { params: ['value', 'item'], run: ([v, item]) => contains(v, item) },
  subset: { params: ['value', 'of'], run: ([v, of]) => asList("test 'subset'", v).every((x) => contains(asList("test 'subset'", of), x)) },
  superset: { params: ['value', 'of'], run: ([v, of]) => asList("test 'superset'", of).every((x) => contains(asList("test 'superset'", v), x)) },
  eq: { params: ['value', 'other'], run: ([v, other]) => deepEqual(v, other) },
  ne: { params: ['value', 'other'], run: ([v, other]) => !deepEqual(v, other) },
  lt: { params: ['value', 'other'], run: ([v, other]) => compareValues(v, other) < 0 },
  le: { params: ['value', 'other'], run: ([v, other]) => compareValues(v, other) <= 0 },
  gt: { params: ['value', 'other'], run: ([v, other]) => compareValues(v, other) > 0 },
  ge: { params: ['value', 'other'], run: ([v, other]) => compareValues(v, other) >= 0 },
  even: is((v) => typeof v === 'number' && Number.isInteger(v) && v % 2 === 0),
  odd: is((v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v % 2) === 1),
  truthy: is(truthy),
  falsy: is((v) => !truthy(v)),
};

tests['equalto'] = tests['eq']!;
tests['successful'] = tests['success']!;
