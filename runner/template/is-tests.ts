// Jinja/Ansible tests: `x is defined`, `result is changed`, `v is version('1.2', '>=')`.
// Each returns a boolean; `is not t` negates it in the evaluator.
import { asList, asText, type Callable } from './callables.js';
import { TemplateError, Undefined } from './errors.js';
import { compileRegex, regexInput } from './regex.js';
import { controllerTests } from './tests-controller.js';
import { compareVersions, VERSION_TYPES } from './versions.js';
import { aType, compareValues, contains, deepEqual, getMember, isMapping, iterate, MISSING, truthy } from './values.js';

function is(check: (value: unknown) => boolean): Callable {
  return { params: ['value'], run: ([value]) => check(value) };
}

function registered(test: string, value: unknown): Record<string, unknown> {
  if (!isMapping(value)) throw new TemplateError(`The '${test}' test expects a dictionary (a registered task result), got ${aType(value)}`);
  return value;
}

function field(result: Record<string, unknown>, name: string): unknown {
  const value = getMember(result, name);
  return value === MISSING ? false : value;
}

/** Ansible's changed: the result's flag, or any changed item of a loop's results. */
function changed(value: unknown): boolean {
  const result = registered('changed', value);
  if (Object.hasOwn(result, 'changed')) return truthy(result['changed']);
  const results = getMember(result, 'results');
  return Array.isArray(results) && results.some((r) => isMapping(r) && truthy(field(r, 'changed')));
}

/** finished / started of an async result: 1 when so; a non-async result counts as both. */
function asyncState(name: 'finished' | 'started'): Callable {
  return is((value) => {
    const result = registered(name, value);
    return Object.hasOwn(result, name) ? result[name] === 1 || result[name] === true : true;
  });
}

/** Ansible's boolean(value, strict=False), for truthy/falsy(convert_bool=true). */
function convertBool(value: unknown): unknown {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return ['y', 'yes', 'on', '1', 'true', 't'].includes(value.toLowerCase());
  if (typeof value === 'number') return value === 1;
  return false;
}

const MATCH_TYPES = ['search', 'match', 'fullmatch'];

function regexTest(name: string, fixedType?: string): Callable {
  return {
    params: fixedType === undefined ? ['value', 'pattern', 'ignorecase?', 'multiline?', 'match_type?'] : ['value', 'pattern', 'ignorecase?', 'multiline?'],
    run: ([value, pattern, ignorecase, multiline, matchType]) => {
      const type = asText(`test '${name}' match_type`, matchType ?? fixedType ?? 'search');
      if (!MATCH_TYPES.includes(type)) throw new TemplateError(`test '${name}': match_type must be one of ${MATCH_TYPES.join(', ')}`);
      const source = type === 'fullmatch' ? `(?:${asText(`test '${name}'`, pattern)})$` : pattern;
      const regex = compileRegex(source, { ignorecase, multiline, sticky: type !== 'search' });
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

const version: Callable = {
  params: ['value', 'version', 'operator?', 'strict?', 'version_type?'],
  run: ([value, other, operator = 'eq', strict, versionType]) => {
    const op = asText("test 'version' operator", operator);
    const check = Object.hasOwn(OPERATORS, op) ? OPERATORS[op] : undefined;
    if (check === undefined) throw new TemplateError(`test 'version' has no operator ${JSON.stringify(op)}; use one of ${Object.keys(OPERATORS).join(' ')}`);
    if (strict !== undefined && versionType !== undefined) throw new TemplateError("test 'version': give strict or version_type, not both");
    const [a, b] = [asText("test 'version'", value), asText("test 'version'", other)];
    if (a === '' || b === '') throw new TemplateError("test 'version': a version cannot be empty");
    const type = versionType === undefined ? (truthy(strict) ? 'strict' : 'loose') : asText("test 'version' version_type", versionType);
    if (!(VERSION_TYPES as readonly string[]).includes(type)) throw new TemplateError(`test 'version': version_type '${type}' is not supported; use one of ${VERSION_TYPES.join(', ')}`);
    return check(compareVersions(a, b, type));
  },
};

/** Python's str.islower / isupper: some cased character, and none of the other case. */
function cased(text: string, lower: boolean): boolean {
  const hasCased = /\p{Lu}|\p{Ll}|\p{Lt}/u.test(text);
  return hasCased && (lower ? !/\p{Lu}|\p{Lt}/u.test(text) : !/\p{Ll}|\p{Lt}/u.test(text));
}

function compareTest(check: (c: number) => boolean): Callable {
  return { params: ['value', 'other'], run: ([v, other]) => check(compareValues(v, other)) };
}

export const tests: Record<string, Callable> = {
  defined: { params: ['value'], acceptsUndefined: true, run: ([v]) => !(v instanceof Undefined) },
  undefined: { params: ['value'], acceptsUndefined: true, run: ([v]) => v instanceof Undefined },
  none: is((v) => v === null || v === undefined),
  true: is((v) => v === true),
  false: is((v) => v === false),
  string: is((v) => typeof v === 'string'),
  // Python's bool is a number (an int); Jinja's integer test excludes it.
  number: is((v) => typeof v === 'number' || typeof v === 'boolean'),
  integer: is((v) => typeof v === 'number' && Number.isInteger(v)),
  float: is((v) => typeof v === 'number' && !Number.isInteger(v)),
  boolean: is((v) => typeof v === 'boolean'),
  mapping: is(isMapping),
  iterable: is((v) => typeof v === 'string' || Array.isArray(v) || isMapping(v)),
  sequence: is((v) => typeof v === 'string' || Array.isArray(v) || isMapping(v)),
  callable: is(() => false),
  lower: is((v) => cased(asText("test 'lower'", v), true)),
  upper: is((v) => cased(asText("test 'upper'", v), false)),
  nan: is((v) => {
    if (typeof v !== 'number') throw new TemplateError(`test 'nan' needs a number, got ${aType(v)}`);
    return Number.isNaN(v);
  }),
  changed: is(changed),
  failed: is((v) => truthy(field(registered('failed', v), 'failed'))),
  success: is((v) => !truthy(field(registered('success', v), 'failed'))),
  skipped: is((v) => truthy(field(registered('skipped', v), 'skipped'))),
  reachable: is((v) => !truthy(field(registered('reachable', v), 'unreachable'))),
  unreachable: is((v) => truthy(field(registered('unreachable', v), 'unreachable'))),
  finished: asyncState('finished'),
  started: asyncState('started'),
  match: regexTest('match', 'match'),
  search: regexTest('search', 'search'),
  regex: regexTest('regex'),
  version,
  in: { params: ['value', 'container'], run: ([v, container]) => contains(container, v) },
  contains: { params: ['value', 'item'], run: ([v, item]) => contains(v, item) },
  subset: { params: ['value', 'of'], run: ([v, of]) => asList("test 'subset'", v).every((x) => contains(asList("test 'subset'", of), x)) },
  superset: { params: ['value', 'of'], run: ([v, of]) => asList("test 'superset'", of).every((x) => contains(asList("test 'superset'", v), x)) },
  all: is((v) => iterate(v, "test 'all'").every(truthy)),
  any: is((v) => iterate(v, "test 'any'").some(truthy)),
  eq: { params: ['value', 'other'], run: ([v, other]) => deepEqual(v, other) },
  ne: { params: ['value', 'other'], run: ([v, other]) => !deepEqual(v, other) },
  lt: compareTest((c) => c < 0),
  le: compareTest((c) => c <= 0),
  gt: compareTest((c) => c > 0),
  ge: compareTest((c) => c >= 0),
  sameas: { params: ['value', 'other'], run: ([v, other]) => v === other },
  divisibleby: {
    params: ['value', 'num'],
    run: ([v, n]) => {
      if (typeof v !== 'number' || typeof n !== 'number') throw new TemplateError("test 'divisibleby' needs numbers");
      if (n === 0) throw new TemplateError("test 'divisibleby': division by zero");
      return v % n === 0;
    },
  },
  even: is((v) => typeof v === 'number' && Number.isInteger(v) && v % 2 === 0),
  odd: is((v) => typeof v === 'number' && Number.isInteger(v) && Math.abs(v % 2) === 1),
  truthy: { params: ['value', 'convert_bool?'], run: ([v, convert]) => truthy(convert === true ? convertBool(v) : v) },
  falsy: { params: ['value', 'convert_bool?'], run: ([v, convert]) => !truthy(convert === true ? convertBool(v) : v) },
  ...controllerTests,
};

const ALIASES: Record<string, string> = {
  equalto: 'eq', '==': 'eq', '!=': 'ne', '<': 'lt', '<=': 'le', '>': 'gt', '>=': 'ge', greaterthan: 'gt', lessthan: 'lt',
  succeeded: 'success', successful: 'success', failure: 'failed', change: 'changed', skip: 'skipped', version_compare: 'version',
};
for (const [alias, name] of Object.entries(ALIASES)) tests[alias] = tests[name]!;
