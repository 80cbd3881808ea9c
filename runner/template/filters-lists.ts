// Python's itertools and Jinja's list filters as Ansible exposes them: zip,
// product, permutations, subelements, groupby, batch, slice, dictsort,
// random and shuffle (seeded like Python's random.Random). Tuples are lists.
import { asDict, asInt, asList, asText, type Callable } from './callables.js';
import { TemplateError } from './errors.js';
import { MAX_LIST_LENGTH } from './filters-data.js';
import { PythonRandom } from './python-random.js';
import { compareValues, getMember, isMapping, iterate, MISSING } from './values.js';

function bounded(length: number, what: string): void {
  if (length > MAX_LIST_LENGTH) throw new TemplateError(`filter '${what}' would make ${length} items, more than the ${MAX_LIST_LENGTH} allowed`);
}

function product(lists: unknown[][]): unknown[][] {
  bounded(lists.reduce((n, l) => n * l.length, 1), 'product');
  return lists.reduce<unknown[][]>((acc, list) => acc.flatMap((prefix) => list.map((x) => [...prefix, x])), [[]]);
}

function permutations(items: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)], r - 1).map((rest) => [x, ...rest]));
}

function combinations(items: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  return items.flatMap((x, i) => combinations(items.slice(i + 1), r - 1).map((rest) => [x, ...rest]));
}

/** n!/(n-r)! or n choose r, to refuse a result too large before building it. */
function count(n: number, r: number, choose: boolean): number {
  let total = 1;
  for (let i = 0; i < r; i++) total = (total * (n - i)) / (choose ? i + 1 : 1);
  return r > n ? 0 : total;
}

function seeded(seed: unknown): PythonRandom {
  if (typeof seed !== 'string' && !(typeof seed === 'number' && Number.isInteger(seed))) {
    throw new TemplateError('a random seed must be a string or an integer');
  }
  return new PythonRandom(seed);
}

/** Drover never picks unseeded values from a predictable generator: no seed means a fresh random seed. */
function generator(seed: unknown): PythonRandom {
  if (seed !== undefined && seed !== null && seed !== '' && seed !== 0 && seed !== false) return seeded(seed);
  const bytes = new Uint32Array(4);
  crypto.getRandomValues(bytes);
  return new PythonRandom([...bytes].map((b) => b.toString(16)).join(''));
}

function walk(item: unknown, path: string): unknown {
  let value = item;
  for (const part of path.split('.')) {
    value = getMember(value, part);
    if (value === MISSING) return MISSING;
  }
  return value;
}

export const listFilters: Record<string, Callable> = {
  zip: {
    params: ['value', '...others'],
    run: ([value, others]) => {
      const lists = [value, ...(others as unknown[])].map((l) => iterate(l, "filter 'zip'"));
      return Array.from({ length: Math.min(...lists.map((l) => l.length)) }, (_, i) => lists.map((l) => l[i]));
    },
  },
  zip_longest: {
    params: ['value', '...others', 'fillvalue?'],
    run: ([value, others, fill = null]) => {
      const lists = [value, ...(others as unknown[])].map((l) => iterate(l, "filter 'zip_longest'"));
      return Array.from({ length: Math.max(...lists.map((l) => l.length)) }, (_, i) => lists.map((l) => (i < l.length ? l[i] : fill)));
    },
  },
  product: {
    params: ['value', '...others', 'repeat?'],
    run: ([value, others, repeat = 1]) => {
      const lists = [value, ...(others as unknown[])].map((l) => iterate(l, "filter 'product'"));
      return product(Array.from({ length: asInt("filter 'product' repeat", repeat) }, () => lists).flat());
    },
  },
  permutations: {
    params: ['value', 'r?'],
    run: ([value, r]) => {
      const items = iterate(value, "filter 'permutations'");
      const size = r === undefined || r === null ? items.length : asInt("filter 'permutations' r", r);
      bounded(count(items.length, size, false), 'permutations');
      return size > items.length ? [] : permutations(items, size);
    },
  },
  combinations: {
    params: ['value', 'r'],
    run: ([value, r]) => {
      const items = iterate(value, "filter 'combinations'");
      const size = asInt("filter 'combinations' r", r);
      bounded(count(items.length, size, true), 'combinations');
      return size > items.length ? [] : combinations(items, size);
    },
  },
  subelements: {
    params: ['value', 'subelements', 'skip_missing?'],
    run: ([value, path, skipMissing]) => {
      const items = isMapping(value) ? Object.values(value) : asList("filter 'subelements'", value);
      const key = asText("filter 'subelements' subelements", path);
      return items.flatMap((item) => {
        const sub = walk(item, key);
        if (sub === MISSING) {
          if (skipMissing === true) return [];
          throw new TemplateError(`filter 'subelements': an item has no key '${key}'`);
        }
        return asList(`filter 'subelements' '${key}'`, sub).map((x) => [item, x]);
      });
    },
  },
  batch: {
    params: ['value', 'linecount', 'fill_with?'],
    run: ([value, linecount, fill]) => {
      const items = iterate(value, "filter 'batch'");
      const size = asInt("filter 'batch' linecount", linecount);
      if (size < 1) throw new TemplateError("filter 'batch' linecount must be at least 1");
      const out: unknown[][] = [];
      for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
      const last = out.at(-1);
      if (last !== undefined && fill !== undefined && fill !== null) while (last.length < size) last.push(fill);
      return out;
    },
  },
  slice: {
    params: ['value', 'slices', 'fill_with?'],
    run: ([value, slices, fill]) => {
      const items = iterate(value, "filter 'slice'");
      const n = asInt("filter 'slice' slices", slices);
      if (n < 1) throw new TemplateError("filter 'slice' slices must be at least 1");
      const [per, extra] = [Math.floor(items.length / n), items.length % n];
      const out: unknown[][] = [];
      let offset = 0;
      for (let i = 0; i < n; i++) {
        const start = offset + i * per;
        if (i < extra) offset++;
        const part = items.slice(start, offset + (i + 1) * per);
        if (fill !== undefined && fill !== null && i >= extra) part.push(fill);
        out.push(part);
      }
      return out;
    },
  },
  items: { params: ['value'], run: ([value]) => Object.entries(asDict("filter 'items'", value)) },
  dictsort: {
    params: ['value', 'case_sensitive?', 'by?', 'reverse?'],
    run: ([value, caseSensitive, by = 'key', reverse]) => {
      if (by !== 'key' && by !== 'value') throw new TemplateError("filter 'dictsort' by must be 'key' or 'value'");
      const at = by === 'key' ? 0 : 1;
      const key = (pair: unknown[]): unknown => (typeof pair[at] === 'string' && caseSensitive !== true ? (pair[at] as string).toLowerCase() : pair[at]);
      const sorted = Object.entries(asDict("filter 'dictsort'", value)).sort((a, b) => compareValues(key(a), key(b)));
      return reverse === true ? sorted.reverse() : sorted;
    },
  },
  reverse: {
    params: ['value'],
    run: ([value]) => (typeof value === 'string' ? [...value].reverse().join('') : [...iterate(value, "filter 'reverse'")].reverse()),
  },
  random: {
    params: ['value', 'start?', 'step?', 'seed?'],
    run: ([end, start, step, seed]) => {
      const r = generator(seed);
      if (typeof end === 'number') {
        const from = start === undefined || start === null || start === 0 ? 0 : asInt("filter 'random' start", start);
        const by = step === undefined || step === null || step === 0 ? 1 : asInt("filter 'random' step", step);
        if (!Number.isSafeInteger(end)) throw new TemplateError("filter 'random' needs an integer end");
        return r.randrange(from, end, by);
      }
      if (start !== undefined || step !== undefined) throw new TemplateError("filter 'random': start and step can only be used with integer values");
      if (isMapping(end)) throw new TemplateError("filter 'random' needs a list, a string or an integer, got a dict");
      const items = iterate(end, "filter 'random'");
      if (items.length === 0) throw new TemplateError("filter 'random' of an empty list");
      return items[r.randbelow(items.length)];
    },
  },
  shuffle: {
    params: ['value', 'seed?'],
    run: ([value, seed]) => generator(seed).shuffle([...iterate(value, "filter 'shuffle'")]),
  },
  abs: {
    params: ['value'],
    run: ([value]) => {
      if (typeof value !== 'number') throw new TemplateError("filter 'abs' needs a number");
      return Math.abs(value);
    },
  },
};
