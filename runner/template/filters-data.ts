// Filters on lists and dicts, with Ansible's names and semantics; each is
// also a Handlebars helper of the same name. Dicts are built with `setOwn`, so
// a key named `__proto__` in the data stays an ordinary key.
import { asDict, asInt, asList, asText, type Callable, type CallContext } from './callables.js';
import { TemplateError, Undefined } from './errors.js';
import { aType, compareValues, deepEqual, getMember, isMapping, iterate, MISSING, setOwn, truthy } from './values.js';

/** A list may not be built longer than this (range(10**9) would exhaust memory). */
export const MAX_LIST_LENGTH = 100_000;

function copy(dict: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(dict)) setOwn(out, k, v);
  return out;
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean, lists: string): Record<string, unknown> {
  const out = copy(a);
  for (const [key, value] of Object.entries(b)) {
    const old = Object.hasOwn(out, key) ? out[key] : undefined;
    let merged = value;
    if (recursive && isMapping(old) && isMapping(value)) merged = merge(old, value, recursive, lists);
    else if (Array.isArray(old) && Array.isArray(value) && lists === 'append') merged = [...old, ...value];
    else if (Array.isArray(old) && Array.isArray(value) && lists === 'prepend') merged = [...value, ...old];
    setOwn(out, key, merged);
  }
  return out;
}

/** Items without repeats (deep equality), first occurrence kept. */
function distinct(items: unknown[]): unknown[] {
  return items.filter((x, i) => items.findIndex((y) => deepEqual(x, y)) === i);
}

/** `item.a.b` for selectattr, map and sort(attribute=...); Undefined when absent. */
function attribute(item: unknown, path: unknown): unknown {
  const name = asText('attribute', path);
  let value = item;
  for (const part of name.split('.')) {
    value = getMember(value, part);
    if (value === MISSING) return new Undefined(name, `an item has no attribute '${name}'`);
  }
  return value;
}

function pick(values: unknown[], direction: 1 | -1, attr: unknown): unknown {
  if (values.length === 0) return new Undefined('min/max', 'min/max of an empty list');
  const key = (v: unknown): unknown => (attr === undefined ? v : attribute(v, attr));
  return values.reduce((best, v) => (compareValues(key(v), key(best)) * direction < 0 ? v : best));
}

/** The items that pass `test(args)`, or are truthy when no test is named (select, selectattr). */
function choose(ctx: CallContext, items: unknown[], of: (item: unknown) => unknown, args: unknown[], keep: boolean): unknown[] {
  const [test, ...testArgs] = args;
  return items.filter((item) => {
    const value = of(item);
    const passed = test === undefined ? !(value instanceof Undefined) && truthy(value) : ctx.test(asText('test name', test), [value, ...testArgs]);
    return passed === keep;
  });
}

/** The first or last item; Undefined for an empty list, so `| first | default(x)` works. */
function end(items: unknown[], at: 0 | -1, which: string): unknown {
  return items.length === 0 ? new Undefined(which, `no ${which} item, the list is empty`) : items.at(at);
}

export const range: Callable = {
  params: ['start', 'stop?', 'step?'],
  run: ([a, b, c]) => {
    const [start, stop] = b === undefined ? [0, asInt('range', a)] : [asInt('range', a), asInt('range', b)];
    const step = c === undefined ? 1 : asInt('range step', c);
    if (step === 0) throw new TemplateError('range step must not be 0');
    const length = Math.max(0, Math.ceil((stop - start) / step));
    if (length > MAX_LIST_LENGTH) throw new TemplateError(`range of ${length} items is longer than the ${MAX_LIST_LENGTH} allowed`);
    return Array.from({ length }, (_, i) => start + i * step);
  },
};

export const dataFilters: Record<string, Callable> = {
  length: {
    params: ['value'],
    run: ([value]) => {
      if (typeof value === 'string') return [...value].length;
      if (Array.isArray(value)) return value.length;
      if (isMapping(value)) return Object.keys(value).length;
      throw new TemplateError(`filter 'length' needs a string, list or dict, got ${aType(value)}`);
    },
  },
  first: { params: ['value'], run: ([v]) => end(iterate(v, "filter 'first'"), 0, 'first') },
  last: { params: ['value'], run: ([v]) => end(iterate(v, "filter 'last'"), -1, 'last') },
  join: {
    params: ['value', 'separator?'],
    run: ([value, separator = '']) => {
      const sep = asText("filter 'join' separator", separator);
      return iterate(value, "filter 'join'").map((item) => (typeof item === 'string' ? item : JSON.stringify(item) ?? '')).join(sep);
    },
  },
  keys: { params: ['value'], run: ([v]) => Object.keys(asDict("filter 'keys'", v)) },
  values: { params: ['value'], run: ([v]) => Object.values(asDict("filter 'values'", v)) },
  dict2items: {
    params: ['value', 'key_name?', 'value_name?'],
    run: ([v, keyName = 'key', valueName = 'value']) =>
      Object.entries(asDict("filter 'dict2items'", v)).map(([key, value]) => {
        const item: Record<string, unknown> = {};
        setOwn(item, asText('key_name', keyName), key);
        setOwn(item, asText('value_name', valueName), value);
        return item;
      }),
  },
  items2dict: {
    params: ['value', 'key_name?', 'value_name?'],
    run: ([v, keyName = 'key', valueName = 'value']) => {
      const out: Record<string, unknown> = {};
      for (const item of asList("filter 'items2dict'", v)) {
        const key = getMember(item, keyName);
        const value = getMember(item, valueName);
        if (key === MISSING || value === MISSING) {
          throw new TemplateError(`filter 'items2dict' needs items with '${String(keyName)}' and '${String(valueName)}'`);
        }
        setOwn(out, asText("filter 'items2dict' key", key), value);
      }
      return out;
    },
  },
  combine: {
    params: ['value', '...dicts', 'recursive?', 'list_merge?'],
    run: ([value, dicts, recursive = false, lists = 'replace']) => {
      if (!['replace', 'append', 'prepend'].includes(String(lists))) {
        throw new TemplateError(`filter 'combine' list_merge must be replace, append or prepend, got ${JSON.stringify(lists)}`);
      }
      const all = [value, ...(dicts as unknown[])].map((d) => asDict("filter 'combine'", d));
      return all.reduce((a, b) => merge(a, b, recursive === true, String(lists)), {});
    },
  },
  unique: {
    params: ['value'],
    run: ([v]) => distinct(iterate(v, "filter 'unique'")),
  },
  // Ansible's set theory filters: results keep first-seen order and hold no duplicates.
  union: {
    params: ['value', 'other'],
    run: ([a, b]) => distinct([...iterate(a, "filter 'union'"), ...iterate(b, "filter 'union'")]),
  },
  intersect: {
    params: ['value', 'other'],
    run: ([a, b]) => {
      const other = iterate(b, "filter 'intersect'");
      return distinct(iterate(a, "filter 'intersect'").filter((x) => other.some((y) => deepEqual(x, y))));
    },
  },
  difference: {
    params: ['value', 'other'],
    run: ([a, b]) => {
      const other = iterate(b, "filter 'difference'");
      return distinct(iterate(a, "filter 'difference'").filter((x) => !other.some((y) => deepEqual(x, y))));
    },
  },
  symmetric_difference: {
    params: ['value', 'other'],
    run: ([a, b]) => {
      const [left, right] = [iterate(a, "filter 'symmetric_difference'"), iterate(b, "filter 'symmetric_difference'")];
      const outside = (xs: unknown[], ys: unknown[]) => xs.filter((x) => !ys.some((y) => deepEqual(x, y)));
      return distinct([...outside(left, right), ...outside(right, left)]);
    },
  },
  sort: {
    params: ['value', 'reverse?', 'case_sensitive?', 'attribute?'],
    run: ([v, reverse, caseSensitive, attr]) => {
      const key = (x: unknown): unknown => {
        const k = attr === undefined ? x : attribute(x, attr);
        if (k instanceof Undefined) throw k.toError();
        // Jinja sorts text case-insensitively unless asked not to.
        return typeof k === 'string' && caseSensitive !== true ? k.toLowerCase() : k;
      };
      const sorted = [...iterate(v, "filter 'sort'")].sort((a, b) => compareValues(key(a), key(b)));
      return reverse === true ? sorted.reverse() : sorted;
    },
  },
  flatten: {
    params: ['value', 'levels?'],
    run: ([v, levels]) => {
      const depth = levels === undefined ? Infinity : asInt("filter 'flatten' levels", levels);
      // Ansible's flatten drops nulls.
      const flat = (list: unknown[], d: number): unknown[] =>
        list.flatMap((x) => (Array.isArray(x) && d > 0 ? flat(x, d - 1) : x === null ? [] : [x]));
      return flat(asList("filter 'flatten'", v), depth);
    },
  },
  min: { params: ['value', 'attribute?'], run: ([v, attr]) => pick(iterate(v, "filter 'min'"), 1, attr) },
  max: { params: ['value', 'attribute?'], run: ([v, attr]) => pick(iterate(v, "filter 'max'"), -1, attr) },
  sum: {
    params: ['value', 'attribute?', 'start?'],
    run: ([v, attr, start = 0]) =>
      asList("filter 'sum'", v).reduce((total: number, x) => {
        const n = attr === undefined ? x : attribute(x, attr);
        if (typeof n !== 'number') throw new TemplateError(`filter 'sum' needs numbers, got ${aType(n)}`);
        return total + n;
      }, asInt("filter 'sum' start", start)),
  },
  list: { params: ['value'], run: ([v]) => [...iterate(v, "filter 'list'")] },
  map: {
    params: ['value', '...filter', 'attribute?', 'default?'],
    run: ([v, args, attr, fallback], ctx) => {
      const items = iterate(v, "filter 'map'");
      if (attr !== undefined) {
        return items.map((item) => {
          const value = attribute(item, attr);
          if (!(value instanceof Undefined)) return value;
          if (fallback !== undefined) return fallback;
          throw value.toError();
        });
      }
      const [name, ...rest] = args as unknown[];
      if (name === undefined) throw new TemplateError("filter 'map' needs a filter name or attribute=");
      return items.map((item) => ctx.filter(asText("filter 'map' filter name", name), [item, ...rest]));
    },
  },
  // `groups['computes'] | map('extract', hostvars, 'mac')`: container[key], then [morekeys...].
  extract: {
    params: ['value', 'container', 'morekeys?'],
    run: ([key, container, morekeys]) => {
      const path = [key, ...(morekeys === undefined ? [] : Array.isArray(morekeys) ? morekeys : [morekeys])];
      let value = container;
      for (const part of path) {
        const next = getMember(value, part);
        if (next === MISSING) return new Undefined(String(part), `filter 'extract' found no item ${JSON.stringify(part)}`);
        value = next;
      }
      return value;
    },
  },
  select: { params: ['value', '...test'], run: ([v, args], ctx) => choose(ctx, iterate(v, "filter 'select'"), (x) => x, args as unknown[], true) },
  reject: { params: ['value', '...test'], run: ([v, args], ctx) => choose(ctx, iterate(v, "filter 'reject'"), (x) => x, args as unknown[], false) },
  selectattr: {
    params: ['value', 'attribute', '...test'],
    run: ([v, attr, args], ctx) => choose(ctx, iterate(v, "filter 'selectattr'"), (x) => attribute(x, attr), args as unknown[], true),
  },
  rejectattr: {
    params: ['value', 'attribute', '...test'],
    run: ([v, attr, args], ctx) => choose(ctx, iterate(v, "filter 'rejectattr'"), (x) => attribute(x, attr), args as unknown[], false),
  },
};

dataFilters['count'] = dataFilters['length']!;
