// The closed lists of what a template or condition can call: filters, tests,
// Handlebars helpers and the one global function, `range`. Nothing outside
// these tables is ever invoked, whatever the playbook text says.
import { closest, distance } from 'fastest-levenshtein';
import { asText, bindArgs, type Callable, type CallContext } from './callables.js';
import { TemplateError, Undefined } from './errors.js';
import { pyReprText } from './python-text.js';
import { dataFilters, range } from './filters-data.js';
import { encodingFilters } from './filters-encoding.js';
import { listFilters } from './filters-lists.js';
import { pathFilters } from './filters-paths.js';
import { regexFilters } from './filters-regex.js';
import { stringFilters } from './filters-strings.js';
import { textFilters } from './filters-text.js';
import { now, timeFilters } from './filters-time.js';
import { tests as testTable } from './is-tests.js';
import { compareValues, deepEqual, getMember, isMapping, iterate, MISSING, setOwn, truthy, type Names } from './values.js';
import { callLookupFunction, isLookupFunction } from './lookups.js';

function table(entries: Record<string, Callable>): ReadonlyMap<string, Callable> {
  return new Map(Object.entries(entries));
}

/** The first value whose truthiness is `stop`, else the last: Python's and/or. */
function deciding(values: unknown[], stop: boolean): unknown {
  const i = values.findIndex((v) => truthy(v) === stop);
  return i === -1 ? values.at(-1) : values[i];
}

/** Helpers for Handlebars, where the expression language has operators instead. */
const handlebarsOnly: Record<string, Callable> = {
  eq: { params: ['a', 'b'], run: ([a, b]) => deepEqual(a, b) },
  ne: { params: ['a', 'b'], run: ([a, b]) => !deepEqual(a, b) },
  lt: { params: ['a', 'b'], run: ([a, b]) => compareValues(a, b) < 0 },
  le: { params: ['a', 'b'], run: ([a, b]) => compareValues(a, b) <= 0 },
  gt: { params: ['a', 'b'], run: ([a, b]) => compareValues(a, b) > 0 },
  ge: { params: ['a', 'b'], run: ([a, b]) => compareValues(a, b) >= 0 },
  // Like Python's and/or: the deciding operand, so {{or a b}} picks a value.
  and: { params: ['...values'], run: ([values]) => deciding(values as unknown[], false) },
  or: { params: ['...values'], run: ([values]) => deciding(values as unknown[], true) },
  not: { params: ['value'], run: ([v]) => !truthy(v) },
  defined: { params: ['value'], acceptsUndefined: true, run: ([v]) => !(v instanceof Undefined) },
  lookup: {
    params: ['object', 'key'],
    run: ([object, key]) => {
      const value = getMember(object, key);
      return value === MISSING ? new Undefined(`lookup ${String(key)}`, `lookup found no item ${JSON.stringify(key)}`) : value;
    },
  },
  range,
};

const allFilters = { ...textFilters, ...stringFilters, ...regexFilters, ...encodingFilters, ...pathFilters, ...dataFilters, ...listFilters, ...timeFilters };
export const FILTERS = table(allFilters);
export const TESTS = table(testTable);
export const HELPERS = table({ ...allFilters, ...handlebarsOnly });
/** Python's dict(): a dict or a list of pairs, then keyword arguments. */
const dict: Callable = {
  params: ['items?', '...rest', '**kwargs'],
  run: ([items, rest, kwargs]) => {
    const out: Record<string, unknown> = {};
    if ((rest as unknown[]).length > 0) throw new TemplateError('dict() takes at most one positional argument');
    const pairs = items === undefined ? [] : isMapping(items) ? Object.entries(items) : iterate(items, 'dict()');
    for (const pair of pairs) {
      if (!Array.isArray(pair) || pair.length !== 2) throw new TemplateError('dict() needs a dict or a list of [key, value] pairs');
      setOwn(out, asText('dict() key', pair[0]), pair[1]);
    }
    for (const [k, v] of Object.entries(kwargs as Record<string, unknown>)) setOwn(out, k, v);
    return out;
  },
};

export const FUNCTIONS = table({ range, dict, now });

/** `byName`: the name came as a value (`select('x')`, `map('x')`), so it is only known now, and Ansible's words say it is missing. */
function find(kind: string, map: ReadonlyMap<string, Callable>, name: string, byName = false): Callable {
  const callable = map.get(name);
  if (callable !== undefined) return callable;
  const names = [...map.keys()];
  const guess = names.length > 0 ? closest(name, names) : undefined;
  const hint = guess !== undefined && distance(name, guess) <= 2 ? ` (did you mean '${guess}'?)` : '';
  if (!byName) throw new TemplateError(`unknown ${kind} '${name}'${hint}`);
  const missing = new TemplateError(`${couldNotLoad(name)}${hint}`);
  missing.pythonClass = 'TemplateSyntaxError';
  throw missing;
}

/**
 * Jinja asking Ansible's JinjaPluginIntercept for a name it has not got:
 * `Could not load "NAME": ` and the KeyError's repr, which names the plugin
 * loader's complaint for a name that cannot be a plugin's (trailing blank...).
 */
function couldNotLoad(name: string): string {
  const key = name.includes('.') ? name : `ansible.builtin.${name}`;
  const reason = /^[\p{L}\p{N}_]+(\.[\p{L}\p{N}_]+){2,}$/u.test(key) ? name : `invalid plugin name: ${key}`;
  return `Could not load "${name}": ${pyReprText(reason)}`;
}

function call(kind: string, map: ReadonlyMap<string, Callable>, name: string, args: unknown[], kwargs: [string, unknown][] = [], byName = false): unknown {
  const callable = find(kind, map, name, byName);
  return callable.run(bindArgs(`${kind} '${name}'`, callable, args, kwargs), context);
}

const context: CallContext = {
  filter: (name, args, kwargs) => call('filter', FILTERS, name, args, kwargs, true),
  test: (name, args, kwargs) => call('test', TESTS, name, args, kwargs, true) === true,
};

export function callFilter(name: string, args: unknown[], kwargs?: [string, unknown][]): unknown {
  return call('filter', FILTERS, name, args, kwargs);
}

export function callTest(name: string, args: unknown[], kwargs?: [string, unknown][]): boolean {
  return call('test', TESTS, name, args, kwargs) === true;
}

export function callHelper(name: string, args: unknown[], kwargs?: [string, unknown][]): unknown {
  return call('helper', HELPERS, name, args, kwargs);
}

/**
 * Names under which lookup()/query() are refused, as Ansible refuses lookups in
 * text it must not trust: a condition's rendered text evaluated again (it may
 * hold what a host returned), and inventory plugins' expressions.
 */
export class WithoutLookups implements Names {
  constructor(
    private readonly inner: Names,
    readonly why: string,
  ) {}

  resolve(name: string): unknown {
    return this.inner.resolve(name);
  }
}

/** `templated[i]`: argument i was written with a template in it, which lookup() renders again (see callLookupFunction). */
export function callFunction(name: string, args: unknown[], kwargs?: [string, unknown][], names?: Names, templated: boolean[] = []): unknown {
  if (isLookupFunction(name) && names instanceof WithoutLookups) throw new TemplateError(`${name}() is not allowed here: ${names.why}`);
  if (isLookupFunction(name)) return callLookupFunction(name, args, kwargs ?? [], names, templated);
  return call('function', FUNCTIONS, name, args, kwargs);
}

export function isHelper(name: string): boolean {
  return HELPERS.has(name);
}
