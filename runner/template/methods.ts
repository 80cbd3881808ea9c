// The Python methods Ansible content calls on values, such as
// `ansible_distribution.startswith('Deb')`, `'{}:{}'.format(h, p)` or
// `result.get('rc', 0)`. They are our own functions chosen by name from these
// closed tables: a method call never reaches a JavaScript method, so
// `x.constructor(...)` is just an unknown name. Only methods that read: a
// mutating one (append, update, pop) is unknown, so it fails instead of
// silently doing nothing.
import { closest, distance } from 'fastest-levenshtein';
import { asInt, asList, asText } from './callables.js';
import { TemplateError } from './errors.js';
import { pyFormat } from './python-format.js';
import { pyCenter, pySplitlines, pyStr } from './python-text.js';
import { aType, deepEqual, getMember, isMapping, MISSING, setOwn } from './values.js';
import { asTuple } from './python-text.js';

type Method = (self: never, args: unknown[], kwargs: Record<string, unknown>) => unknown;

function prefixes(what: string, value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => asText(what, v)) : [asText(what, value)];
}

function strip(text: string, chars: unknown, start: boolean, end: boolean): string {
  if (chars === undefined || chars === null) return start && end ? text.trim() : start ? text.trimStart() : text.trimEnd();
  const set = new Set(asText('strip chars', chars));
  let [i, j] = [0, text.length];
  while (start && i < j && set.has(text[i]!)) i++;
  while (end && j > i && set.has(text[j - 1]!)) j--;
  return text.slice(i, j);
}

const maxsplit = (value: unknown): number => (value === undefined ? -1 : asInt('split maxsplit', value));

/** Python's str.split / rsplit: no separator splits on runs of whitespace and drops empty ends. */
function split(text: string, sep: unknown, max: number, fromRight: boolean): string[] {
  if (sep === undefined || sep === null) {
    const words: string[] = [];
    let rest = fromRight ? text.trimEnd() : text.trimStart();
    while (rest !== '' && (max < 0 || words.length < max)) {
      const m = fromRight ? /^([\s\S]*?)\s*(\S+)$/.exec(rest)! : /^(\S+)\s*([\s\S]*)$/.exec(rest)!;
      words.push(fromRight ? m[2]! : m[1]!);
      rest = fromRight ? m[1]!.trimEnd() : m[2]!;
    }
    if (rest !== '') words.push(rest);
    return fromRight ? words.reverse() : words;
  }
  const separator = asText('split separator', sep);
  if (separator === '') throw new TemplateError('split: empty separator');
  const parts = text.split(separator);
  if (max < 0 || parts.length <= max + 1) return parts;
  return fromRight ? [parts.slice(0, parts.length - max).join(separator), ...parts.slice(parts.length - max)] : [...parts.slice(0, max), parts.slice(max).join(separator)];
}

function find(s: string, sub: unknown, fromRight: boolean): number {
  const needle = asText('find', sub);
  return fromRight ? s.lastIndexOf(needle) : s.indexOf(needle);
}

function found(i: number): number {
  if (i === -1) throw new TemplateError('substring not found');
  return i;
}

function partition(s: string, sep: unknown, fromRight: boolean): string[] {
  const separator = asText('partition separator', sep);
  const i = fromRight ? s.lastIndexOf(separator) : s.indexOf(separator);
  if (i === -1) return fromRight ? ['', '', s] : [s, '', ''];
  return [s.slice(0, i), separator, s.slice(i + separator.length)];
}

const hasCased = (s: string): boolean => /\p{Lu}|\p{Ll}|\p{Lt}/u.test(s);

const stringMethods: Record<string, (self: string, args: unknown[], kwargs: Record<string, unknown>) => unknown> = {
  format: (s, args, kwargs) => pyFormat(s, args, kwargs),
  startswith: (s, [p]) => prefixes('startswith', p).some((x) => s.startsWith(x)),
  endswith: (s, [p]) => prefixes('endswith', p).some((x) => s.endsWith(x)),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  capitalize: (s) => s.slice(0, 1).toUpperCase() + s.slice(1).toLowerCase(),
  title: (s) => s.toLowerCase().replace(/(^|[^\p{L}])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase()),
  strip: (s, [chars]) => strip(s, chars, true, true),
  lstrip: (s, [chars]) => strip(s, chars, true, false),
  rstrip: (s, [chars]) => strip(s, chars, false, true),
  split: (s, [sep, max]) => split(s, sep, maxsplit(max), false),
  rsplit: (s, [sep, max]) => split(s, sep, maxsplit(max), true),
  splitlines: (s, [keepends]) => pySplitlines(s, keepends === true),
  partition: (s, [sep]) => partition(s, sep, false),
  rpartition: (s, [sep]) => partition(s, sep, true),
  replace: (s, [from, to, count]) => {
    const [old, now] = [asText('replace old', from), asText('replace new', to)];
    const parts = s.split(old);
    const n = count === undefined || asInt('replace count', count) < 0 ? parts.length : asInt('replace count', count);
    return parts.slice(0, n + 1).join(now) + (parts.length > n + 1 ? old + parts.slice(n + 1).join(old) : '');
  },
  find: (s, [sub]) => find(s, sub, false),
  rfind: (s, [sub]) => find(s, sub, true),
  index: (s, [sub]) => found(find(s, sub, false)),
  rindex: (s, [sub]) => found(find(s, sub, true)),
  count: (s, [sub]) => {
    const needle = asText('count', sub);
    return needle === '' ? [...s].length + 1 : s.split(needle).length - 1;
  },
  join: (s, [items]) => asList('join', items).map((x) => asText('join item', x)).join(s),
  isdigit: (s) => /^\p{Nd}+$/u.test(s),
  isnumeric: (s) => /^\p{N}+$/u.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}\p{N}]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => hasCased(s) && s === s.toLowerCase(),
  isupper: (s) => hasCased(s) && s === s.toUpperCase(),
  zfill: (s, [width]) => {
    const w = asInt('zfill width', width);
    const sign = /^[+-]/.test(s) ? s[0]! : '';
    return sign + s.slice(sign.length).padStart(w - sign.length, '0');
  },
  ljust: (s, [width, fill = ' ']) => s.padEnd(asInt('ljust width', width), asText('ljust fill', fill)),
  rjust: (s, [width, fill = ' ']) => s.padStart(asInt('rjust width', width), asText('rjust fill', fill)),
  center: (s, [width, fill = ' ']) => pyCenter(s, asInt('center width', width), asText('center fill', fill)),
  removeprefix: (s, [p]) => (s.startsWith(asText('removeprefix', p)) ? s.slice(asText('removeprefix', p).length) : s),
  removesuffix: (s, [p]) => {
    const suffix = asText('removesuffix', p);
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, s.length - suffix.length) : s;
  },
};

const listMethods: Record<string, (self: unknown[], args: unknown[]) => unknown> = {
  index: (l, [x]) => {
    const i = l.findIndex((y) => deepEqual(x, y));
    if (i === -1) throw new TemplateError(`${pyStr(x)} is not in list`);
    return i;
  },
  count: (l, [x]) => l.filter((y) => deepEqual(x, y)).length,
};

const dictMethods: Record<string, (self: Record<string, unknown>, args: unknown[]) => unknown> = {
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d).map((pair) => asTuple(pair)),
  copy: (d) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(d)) setOwn(out, k, v);
    return out;
  },
  get: (d, [key, fallback = null]) => {
    const value = getMember(d, key);
    return value === MISSING ? fallback : value;
  },
};

function tableFor(self: unknown): Record<string, Method> | null {
  if (typeof self === 'string') return stringMethods;
  if (Array.isArray(self)) return listMethods;
  return isMapping(self) ? dictMethods : null;
}

/** Call `name` on `self` if the table has such a method for its type. */
export function callMethod(self: unknown, name: string, args: unknown[], kwargs: Record<string, unknown> = {}): unknown {
  const table = tableFor(self);
  if (table === null || !Object.hasOwn(table, name)) {
    const kind = typeof self === 'string' ? 'string' : Array.isArray(self) ? 'list' : 'dict';
    const names = table === null ? [] : Object.keys(table);
    const guess = names.length === 0 ? undefined : closest(name, names);
    const hint = table === null ? 'no methods' : guess !== undefined && distance(name, guess) <= 2 ? `did you mean '${guess}'?` : `${kind} methods: ${names.length > 8 ? 'see docs/filters.md' : names.join(', ')}`;
    throw new TemplateError(`${aType(self)} has no method '${name}' (${hint})`);
  }
  const method = table[name] as (self: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;
  if (name !== 'format' && (args.length > 3 || Object.keys(kwargs).length > 0)) throw new TemplateError(`method '${name}' takes at most 3 positional arguments`);
  return method(self, args, kwargs);
}
