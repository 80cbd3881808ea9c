// Filters on lists and dicts, with Ansible's names and semantics; each is
// also a Handlebars helper of the same name. Dicts are built with `setOwn`, so
// a key named `__proto__` in the data stays an ordinary key.
import { asDict, asInt, asList, asText, type Callable, type CallContext } from './callables.js';
import { force, TemplateError, Undefined } from './errors.js';
import { pyStr } from './python-text.js';
import { aType, compareValues, deepEqual, getMember, isMapping, iterate, MISSING, setOwn, truthy } from './values.js';

/** A list may not be built longer than this (range(10**9) would exhaust memory). */
export const MAX_LIST_LENGTH = 100_000;

function copy(dict: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(dict)) setOwn(out, k, v);
  return out;
}

const LIST_MERGE = ['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'];

/** Ansible's merge_hash: dicts merged key by key when recursive, lists by list_merge. */
function merge(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean, lists: string): Record<string, unknown> {
  const out = copy(a);
  for (const [key, value] of Object.entries(b)) {
    const old = Object.hasOwn(out, key) ? out[key] : undefined;
    let merged = value;
    const without = (xs: unknown[], ys: unknown[]) => xs.filter((x) => !ys.some((y) => deepEqual(x, y)));
    if (isMapping(old) && isMapping(value)) merged = recursive ? merge(old, value, recursive, lists) : value;
    else if (Array.isArray(old) && Array.isArray(value)) {
      merged = { replace: value, keep: old, append: [...old, ...value], prepend: [...value, ...old], append_rp: [...without(old, value), ...value], prepend_rp: [...value, ...without(old, value)] }[lists];
    }
    setOwn(out, key, merged);
  }
  return out;
}

/** Items without repeats (deep equality), first occurrence kept; text compared ignoring case unless caseSensitive. */
function distinct(items: unknown[], caseSensitive = true): unknown[] {
  const key = (x: unknown): unknown => (typeof x === 'string' && !caseSensitive ? x.toLowerCase() : x);
  return items.filter((x, i) => items.findIndex((y) => deepEqual(key(x), key(y))) === i);
}

/** Jinja's sort key: text ignoring case unless asked not to. */
function ignoreCase(value: unknown, caseSensitive: unknown): unknown {
  // Python orders False before True, and True equals 1.
  if (typeof value === 'boolean') return Number(value);
  return typeof value === 'string' && caseSensitive !== true ? value.toLowerCase() : value;
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

function pick(values: unknown[], direction: 1 | -1, attr: unknown, caseSensitive: unknown): unknown {
  if (values.length === 0) return new Undefined('min/max', 'min/max of an empty list');
  const key = (v: unknown): unknown => ignoreCase(attr === undefined ? v : force(attribute(v, attr)), caseSensitive);
  return values.reduce((best, v) => (compareValues(key(v), key(best)) * direction < 0 ? v : best));
}

/** The items that pass `test(args)`, or are truthy when no test is named (select, selectattr). */
function choose(ctx: CallContext, items: unknown[], of: (item: unknown) => unknown, args: unknown[], keep: boolean): unknown[] {
  const [test, ...testArgs] = args;
  return items.filter((item) => {
    const value = of(item);
    // Without a test, Python truthiness; an undefined attribute is an error, as in Ansible.
    const passed = test === undefined ? truthy(force(value)) : ctx.test(asText('test name', test), [value, ...testArgs]);
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
    params: ['value', 'separator?', 'attribute?'],
    run: ([value, separator = '', attr]) => {
      const sep = asText("filter 'join' separator", separator);
      const items = iterate(value, "filter 'join'").map((item) => (attr === undefined ? item : force(attribute(item, attr))));
      return items.map(pyStr).join(sep);
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
      if (!LIST_MERGE.includes(String(lists))) {
        throw new TemplateError(`filter 'combine' list_merge must be one of ${LIST_MERGE.join(', ')}, got ${JSON.stringify(lists)}`);
      }
      // Like Ansible, lists among the arguments are flattened one level: [a, b] | combine.
      const all = [value, ...(dicts as unknown[])].flatMap((d) => (Array.isArray(d) ? d : [d])).map((d) => asDict("filter 'combine'", d));
      return all.reduce((a, b) => merge(a, b, recursive === true, String(lists)), {});
    },
  },
  unique: {
    params: ['value', 'case_sensitive?', 'attribute?'],
    run: ([v, caseSensitive, attr]) => {
      const items = iterate(v, "filter 'unique'");
      if (attr === undefined) return distinct(items, caseSensitive === true);
      const keys = items.map((x) => ignoreCase(force(attribute(x, attr)), caseSensitive));
      return items.filter((_, i) => keys.findIndex((k) => deepEqual(k, keys[i])) === i);
    },
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
      // Jinja sorts text case-insensitively unless asked not to; attribute='a,b.c' sorts by several.
      const names = attr === undefined ? [] : asText("filter 'sort' attribute", attr).split(',');
      const key = (x: unknown): unknown =>
        names.length === 0 ? ignoreCase(x, caseSensitive) : names.map((name) => ignoreCase(force(attribute(x, name)), caseSensitive));
      const sorted = [...iterate(v, "filter 'sort'")].sort((a, b) => compareValues(key(a), key(b)));
      return reverse === true ? sorted.reverse() : sorted;
    },
  },
  flatten: {
    params: ['value', 'levels?'],
    run: ([v, levels]) => {
      const depth = levels === undefined ? Infinity : asInt("filter 'flatten' levels", levels);
      // Ansible's flatten drops nulls, and the strings 'None' and 'null'.
      const flat = (list: unknown[], d: number): unknown[] =>
        list.flatMap((x) => (x === null || x === 'None' || x === 'null' ? [] : Array.isArray(x) && d > 0 ? flat(x, d - 1) : [x]));
      return flat(asList("filter 'flatten'", v), depth);
    },
  },
  min: { params: ['value', 'case_sensitive?', 'attribute?'], run: ([v, cs, attr]) => pick(iterate(v, "filter 'min'"), 1, attr, cs) },
  max: { params: ['value', 'case_sensitive?', 'attribute?'], run: ([v, cs, attr]) => pick(iterate(v, "filter 'max'"), -1, attr, cs) },
  groupby: {
    params: ['value', 'attribute', 'default?', 'case_sensitive?'],
    run: ([v, attr, fallback, caseSensitive]) => {
      const value = (x: unknown): unknown => {
        const k = attribute(x, attr);
        return k instanceof Undefined && fallback !== undefined ? fallback : force(k);
      };
      const sorted = [...iterate(v, "filter 'groupby'")].sort((a, b) => compareValues(ignoreCase(value(a), caseSensitive), ignoreCase(value(b), caseSensitive)));
      const groups: [unknown, unknown[]][] = [];
      for (const item of sorted) {
        const last = groups.at(-1);
        if (last !== undefined && deepEqual(ignoreCase(value(last[1][0]), caseSensitive), ignoreCase(value(item), caseSensitive))) last[1].push(item);
        else groups.push([value(item), [item]]);
      }
      return groups;
    },
  },
  sum: {
    params: ['value', 'attribute?', 'start?'],
    run: ([v, attr, start = 0]) =>
      iterate(v, "filter 'sum'").reduce((total: unknown, x) => {
        const n = attr === undefined ? x : force(attribute(x, attr));
        if (Array.isArray(total) && Array.isArray(n)) return [...total, ...n];
        if (typeof n !== 'number' || typeof total !== 'number') throw new TemplateError(`filter 'sum' needs numbers, got ${aType(n)}`);
        return total + n;
      }, start),
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
