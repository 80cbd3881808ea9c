// The Python methods Ansible conditions commonly call on values, such as
// `ansible_distribution.startswith('Deb')` or `result.get('rc', 0)`. They are
// our own functions chosen by name from this closed table: a method call never
// reaches a JavaScript method, so `x.constructor(...)` is just an unknown name.
import { asInt, asList, asText } from './callables.js';
import { TemplateError } from './errors.js';
import { aType, getMember, isMapping, MISSING, toText } from './values.js';

type Method = (self: never, args: unknown[]) => unknown;

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

/** Python's str.split: no separator splits on runs of whitespace and drops empty ends. */
function split(text: string, sep: unknown, maxsplit: unknown): string[] {
  const max = maxsplit === undefined ? -1 : asInt('split maxsplit', maxsplit);
  if (sep === undefined || sep === null) {
    const words = text.trim() === '' ? [] : text.trim().split(/\s+/);
    return max < 0 || words.length <= max + 1 ? words : [...words.slice(0, max), text.trim().split(/\s+/).slice(max).join(' ')];
  }
  const separator = asText('split separator', sep);
  if (separator === '') throw new TemplateError('split: empty separator');
  const parts = text.split(separator);
  return max < 0 || parts.length <= max + 1 ? parts : [...parts.slice(0, max), parts.slice(max).join(separator)];
}

const stringMethods: Record<string, (self: string, args: unknown[]) => unknown> = {
  startswith: (s, [p]) => prefixes('startswith', p).some((x) => s.startsWith(x)),
  endswith: (s, [p]) => prefixes('endswith', p).some((x) => s.endsWith(x)),
  lower: (s) => s.toLowerCase(),
  upper: (s) => s.toUpperCase(),
  strip: (s, [chars]) => strip(s, chars, true, true),
  lstrip: (s, [chars]) => strip(s, chars, true, false),
  rstrip: (s, [chars]) => strip(s, chars, false, true),
  split: (s, [sep, max]) => split(s, sep, max),
  splitlines: (s) => s.split(/\r?\n/).filter((line, i, all) => i < all.length - 1 || line !== ''),
  replace: (s, [from, to]) => s.split(asText('replace old', from)).join(asText('replace new', to)),
  find: (s, [sub]) => s.indexOf(asText('find', sub)),
  join: (s, [items]) => asList('join', items).map(toText).join(s),
};

const dictMethods: Record<string, (self: Record<string, unknown>, args: unknown[]) => unknown> = {
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d),
  get: (d, [key, fallback = null]) => {
    const value = getMember(d, key);
    return value === MISSING ? fallback : value;
  },
};

/** Call `name` on `self` if the table has such a method for its type. */
export function callMethod(self: unknown, name: string, args: unknown[]): unknown {
  const table: Record<string, Method> | null = typeof self === 'string' ? stringMethods : isMapping(self) ? dictMethods : null;
  if (table === null || !Object.hasOwn(table, name)) {
    const known = table === null ? 'none' : Object.keys(table).join(', ');
    throw new TemplateError(`${aType(self)} has no method '${name}' (methods: ${known})`);
  }
  const method = table[name] as (self: unknown, args: unknown[]) => unknown;
  if (args.length > 2) throw new TemplateError(`method '${name}' takes at most 2 arguments`);
  return method(self, args);
}
