// Lookups that reshape values or read variables: items, list, dict,
// indexed_items, together, nested, subelements, sequence, vars, varnames,
// env, random_choice. Each follows its ansible-core 2.14 plugin line by line
// (lookup/NAME.py), including their odd corners: `items` flattens one level,
// `together` pads with none, `sequence` yields strings, `subelements` leaves
// the sub-key out of item.0.
import { randomInt } from 'node:crypto';
import { UndefinedVariableError } from './errors.js';
import { LookupFailure, type LookupPlugin } from './lookup-types.js';
import { isMapping, MISSING } from './values.js';
import { parseKv } from '../playbook/kv-args.js';
import { ansibleBoolean } from '../validate/coerce.js';

/** LookupBase._flatten: one level. */
function flatten(terms: unknown[]): unknown[] {
  return terms.flatMap((term) => (Array.isArray(term) ? term : [term]));
}

/** listify_lookup_plugin_terms on one already rendered term: a list stays, anything else becomes a one-item list. */
function listify(term: unknown): unknown[] {
  return Array.isArray(term) ? term : [term];
}

const items: LookupPlugin = { run: (terms) => flatten(terms) };
const list: LookupPlugin = { loopMapping: { refuse: 'with_list expects a list' }, run: (terms) => terms };

const dict: LookupPlugin = {
  loopMapping: 'whole',
  run(terms) {
    return terms.flatMap((term) => {
      if (!isMapping(term)) throw new LookupFailure('with_dict expects a dict');
      return Object.entries(term).map(([key, value]) => ({ key, value }));
    });
  },
};

// indexed_items.py: `if not isinstance(terms, list)`: a mapping (iterable, so listify leaves it one) is refused.
const indexedItems: LookupPlugin = { loopMapping: { refuse: 'with_indexed_items expects a list' }, run: (terms) => flatten(terms).map((item, index) => [index, item]) };

const together: LookupPlugin = {
  run(terms) {
    const lists = terms.map(listify);
    if (lists.length === 0) throw new LookupFailure('with_together requires at least one element in each list');
    const longest = Math.max(...lists.map((l) => l.length));
    return Array.from({ length: longest }, (_, i) => flatten(lists.map((l) => (i < l.length ? l[i] : null))));
  },
};

const nested: LookupPlugin = {
  run(terms) {
    const lists = terms.map(listify);
    if (lists.length === 0) throw new LookupFailure('with_nested requires at least one element in the nested list');
    let result: unknown[] = lists[0]!;
    for (const next of lists.slice(1)) result = result.flatMap((x) => next.map((y) => flatten([x, y])));
    return result.map((x) => flatten(listify(x)));
  },
};

const subelements: LookupPlugin = {
  run(terms) {
    const fail = (detail = '') => new LookupFailure(`subelements lookup expects a list of two or three items, ${detail}`);
    if (terms.length < 2 || terms.length > 3) throw fail();
    const [first, key, flags = {}] = terms;
    const source = isMapping(first) ? first : listify(first);
    if (typeof key !== 'string') throw fail('first a dict or a list, second a string pointing to the subkey');
    if (!isMapping(flags) || !Object.keys(flags).every((k) => k === 'skip_missing')) throw fail("the optional third item must be a dict with flags ('skip_missing',)");
    if (isMapping(source) && source.skipped !== undefined && source.skipped !== false) return [];
    const elements = isMapping(source) ? Object.values(source) : source;
    const path = key.split('.');
    const skipMissing = ansibleBoolean(flags.skip_missing ?? false) === true;
    const out: unknown[] = [];
    for (const element of elements) {
      if (!isMapping(element)) throw new LookupFailure(`subelements lookup expects a dictionary, got '${JSON.stringify(element)}'`);
      if (element.skipped !== undefined && element.skipped !== false) continue;
      const sublist = subList(element, path, skipMissing);
      if (sublist === undefined) continue;
      // Ansible pops the sub-key out of the record it yields as item.0.
      const parent = withoutLast(element, path);
      for (const item of sublist) out.push([parent, item]);
    }
    return out;
  },
};

/** The list at `path` inside a record; undefined to skip the record (skip_missing). */
function subList(record: Record<string, unknown>, path: string[], skipMissing: boolean): unknown[] | undefined {
  let value: Record<string, unknown> = record;
  for (const [i, part] of path.entries()) {
    const last = i === path.length - 1;
    if (!Object.hasOwn(value, part)) {
      if (skipMissing) return undefined;
      throw new LookupFailure(`could not find '${part}' key in iterated item '${JSON.stringify(value)}'`);
    }
    const next = value[part];
    if (!last) {
      if (!isMapping(next)) {
        if (skipMissing) return undefined;
        throw new LookupFailure(`the key ${part} should point to a dictionary, got '${JSON.stringify(next)}'`);
      }
      value = next;
    } else if (!Array.isArray(next)) throw new LookupFailure(`the key ${part} should point to a list, got '${JSON.stringify(next)}'`);
    else return next;
  }
  return undefined;
}

/** A copy of the record without the last key of `path` (copies along the path, the variable itself is untouched). */
function withoutLast(record: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const [head, ...rest] = path;
  const copy = { ...record };
  if (rest.length === 0) delete copy[head!];
  else copy[head!] = withoutLast(record[head!] as Record<string, unknown>, rest);
  return copy;
}

/** Python's int(text, 0): 0x/0o/0b prefixes, no leading zeros on decimals, an optional sign. */
function pythonInt(text: string, what: string): number {
  const t = text.trim().replace(/_/g, '');
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0+|[1-9][0-9]*)$/.exec(t);
  if (!m) throw new LookupFailure(`can't parse ${what}=${text} as integer`);
  const digits = m[2]!;
  const value = /^0[xob]/i.test(digits) ? Number(digits.toLowerCase()) : Number(digits);
  return m[1] === '-' ? -value : value;
}

/** Python's `format % number` for the one conversion with_sequence allows. */
function formatNumber(format: string, n: number): string {
  const m = /%([-+ 0#]*)(\d*)(?:\.(\d+))?([diuxXofFs])/.exec(format);
  if (!m) throw new LookupFailure(`problem formatting ${n} with '${format}'`);
  const [, flags = '', width = '', precision, conversion] = m;
  const negative = n < 0;
  let body: string;
  switch (conversion) {
    case 'x': body = Math.abs(n).toString(16); break;
    case 'X': body = Math.abs(n).toString(16).toUpperCase(); break;
    case 'o': body = Math.abs(n).toString(8); break;
    case 'f':
    case 'F': body = Math.abs(n).toFixed(precision === undefined ? 6 : Number(precision)); break;
    default: body = String(Math.abs(n));
  }
  if (flags.includes('#') && (conversion === 'x' || conversion === 'X' || conversion === 'o')) body = `0${conversion === 'o' ? 'o' : conversion}${body}`;
  const sign = negative ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
  const size = width === '' ? 0 : Number(width);
  let out = sign + body;
  if (out.length < size) {
    if (flags.includes('-')) out = out.padEnd(size);
    else if (flags.includes('0') && conversion !== 's') out = sign + body.padStart(size - sign.length, '0');
    else out = out.padStart(size);
  }
  return format.slice(0, m.index) + out + format.slice(m.index + m[0].length);
}

const SHORTCUT = /^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(\/(0?x?[0-9a-f]+))?(:(.+))?$/i;

function sequenceOf(term: string): string[] {
  const s = { start: 1, end: undefined as number | undefined, count: undefined as number | undefined, stride: 1, format: '%d' };
  const short = SHORTCUT.exec(term);
  if (short) {
    if (short[2] !== undefined) s.start = pythonInt(short[2], 'start');
    s.end = pythonInt(short[3]!, 'end');
    if (short[5] !== undefined) s.stride = pythonInt(short[5], 'stride');
    if (short[7] !== undefined) s.format = short[7];
  } else {
    const args: Record<string, string> = parseKv(term);
    for (const key of ['start', 'end', 'count', 'stride'] as const) {
      if (args[key] !== undefined) s[key] = pythonInt(args[key]!, key);
      delete args[key];
    }
    if (args.format !== undefined) s.format = args.format;
    delete args.format;
    if (Object.keys(args).length) throw new LookupFailure(`unrecognized arguments to with_sequence: [${Object.keys(args).map((k) => `'${k}'`).join(', ')}]`);
  }
  if (s.count === undefined && s.end === undefined) throw new LookupFailure('must specify count or end in with_sequence');
  if (s.count !== undefined && s.end !== undefined) throw new LookupFailure("can't specify both count and end in with_sequence");
  if (s.count !== undefined) {
    if (s.count !== 0) s.end = s.start + s.count * s.stride - 1;
    else [s.start, s.end, s.stride] = [0, 0, 0];
  }
  const end = s.end!;
  if (s.stride > 0 && end < s.start) throw new LookupFailure('to count backwards make stride negative');
  if (s.stride < 0 && end > s.start) throw new LookupFailure("to count forward don't make stride negative");
  if (s.format.split('%').length - 1 !== 1) throw new LookupFailure(`bad formatting string: ${s.format}`);
  if (s.stride === 0) return [];
  const out: string[] = [];
  const stop = end + (s.stride >= 0 ? 1 : -1);
  for (let i = s.start; s.stride > 0 ? i < stop : i > stop; i += s.stride) out.push(formatNumber(s.format, i));
  return out;
}

const sequence: LookupPlugin = {
  run(terms) {
    return terms.flatMap((term) => {
      if (typeof term !== 'string') throw new LookupFailure(`unknown error parsing with_sequence arguments: ${JSON.stringify(term)}`);
      return sequenceOf(term);
    });
  },
};

const vars: LookupPlugin = {
  options: ['default'],
  run(terms, options, ctx) {
    return terms.map((term) => {
      if (typeof term !== 'string') throw new LookupFailure(`Invalid setting identifier, "${JSON.stringify(term)}" is not a string`);
      const value = ctx.names.resolve(term);
      if (value !== MISSING) return value;
      if (options.default !== undefined && options.default !== null) return options.default;
      throw new UndefinedVariableError(`No variable found with this name: ${term}`, term);
    });
  },
};

const varnames: LookupPlugin = {
  run(terms, _options, ctx) {
    const all = (ctx.names as { names?: () => string[] }).names?.();
    if (all === undefined) throw new LookupFailure('No variables available to search');
    return terms.flatMap((term) => {
      if (typeof term !== 'string') throw new LookupFailure(`Invalid setting identifier, "${JSON.stringify(term)}" is not a string`);
      let regex: RegExp;
      try {
        regex = new RegExp(term);
      } catch (error) {
        throw new LookupFailure(`Unable to use "${term}" as a search parameter: ${(error as Error).message}`);
      }
      return all.filter((name) => regex.test(name));
    });
  },
};

const env: LookupPlugin = {
  options: ['default'],
  run(terms, options) {
    return terms.map((term) => {
      const name = String(term).trim().split(/\s+/)[0] ?? '';
      return process.env[name] ?? options.default ?? '';
    });
  },
};

const randomChoice: LookupPlugin = { run: (terms) => (terms.length ? [terms[randomInt(terms.length)]] : terms) };

export const dataLookups: Record<string, LookupPlugin> = {
  items,
  list,
  dict,
  indexed_items: indexedItems,
  together,
  nested,
  subelements,
  sequence,
  vars,
  varnames,
  env,
  random_choice: randomChoice,
};
