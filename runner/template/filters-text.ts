// Filters on text and scalars, with Ansible's names and, where it is sensible,
// Ansible's semantics; each is also a Handlebars helper of the same name.
import { asInt, asText, type Callable, textFilter } from './callables.js';
import { TemplateError, Undefined } from './errors.js';
import { callMethod } from './methods.js';
import { pyRepr, pyStr } from './python-text.js';
import { aType, toText, truthy } from './values.js';

/** Python's os.path.basename / dirname: '/a/b/' has basename '' and dirname '/a/b'. */
function dirname(path: string): string {
  const head = path.slice(0, path.lastIndexOf('/') + 1);
  return /^\/+$/.test(head) ? head : head.replace(/\/+$/, '');
}

function toInt(value: unknown, fallback: unknown, base: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value !== 'string') return fallback;
  const radix = base === undefined ? 10 : asInt("filter 'int' base", base);
  const text = value.trim().replace(/_/g, '');
  const digits = radix === 16 ? /^[+-]?(0x)?[0-9a-f]+$/i : radix === 8 ? /^[+-]?(0o)?[0-7]+$/i : radix === 2 ? /^[+-]?(0b)?[01]+$/i : /^[+-]?\d+$/;
  if (digits.test(text)) return parseInt(text.replace(/^([+-]?)0[xob]/i, '$1'), radix);
  // Like Jinja: '3.7' | int is 3.
  const float = Number(text);
  return text !== '' && Number.isFinite(float) ? Math.trunc(float) : fallback;
}

/** printf-style conversions of Python's `%` operator: flags -+0 and space, width, precision; s r d i f F e E g G x X o c %. */
function percentFormat(format: string, values: unknown[]): string {
  let next = 0;
  const out = format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([srdifFeEgGxXoc%])/g, (_, flags: string, width: string, precision: string | undefined, conversion: string) => {
    if (conversion === '%') return '%';
    if (next >= values.length) throw new TemplateError(`filter 'format': not enough values for "${format}"`);
    const value = values[next++];
    let body: string;
    const number = () => {
      if (typeof value === 'number') return value;
      if (typeof value === 'boolean') return value ? 1 : 0;
      throw new TemplateError(`filter 'format': %${conversion} needs a number, got ${aType(value)}`);
    };
    switch (conversion) {
      case 's': body = pyStr(value); break;
      case 'r': body = pyRepr(value); break;
      case 'c': body = typeof value === 'number' ? String.fromCodePoint(value) : toText(value); break;
      case 'd': case 'i': body = String(Math.trunc(Math.abs(number()))); break;
      case 'x': case 'X': case 'o': {
        const digits = Math.trunc(Math.abs(number())).toString(conversion === 'o' ? 8 : 16);
        body = (flags.includes('#') ? (conversion === 'o' ? '0o' : '0x') : '') + digits;
        if (conversion === 'X') body = body.toUpperCase();
        break;
      }
      case 'e': case 'E': body = Math.abs(number()).toExponential(precision === undefined ? 6 : Number(precision)).replace(/e([+-])(\d)$/, 'e$10$2'); break;
      case 'g': case 'G': body = String(Number(Math.abs(number()).toPrecision(precision === undefined ? 6 : Math.max(1, Number(precision))))); break;
      default: body = Math.abs(number()).toFixed(precision === undefined ? 6 : Number(precision));
    }
    if (conversion === 'E' || conversion === 'G') body = body.toUpperCase();
    if (conversion === 's' && precision !== undefined) body = body.slice(0, Number(precision));
    const numeric = !'src'.includes(conversion);
    const sign = numeric && number() < 0 ? '-' : numeric && flags.includes('+') ? '+' : numeric && flags.includes(' ') ? ' ' : '';
    const size = Number(width || 0);
    if (flags.includes('-')) return (sign + body).padEnd(size);
    if (numeric && flags.includes('0')) return sign + body.padStart(size - sign.length, '0');
    return (sign + body).padStart(size);
  });
  if (next < values.length) throw new TemplateError(`filter 'format': ${values.length - next} value(s) left over for "${format}"`);
  return out;
}

/** Python's float(text): digits with underscores between them, an exponent, inf, infinity and nan. */
function parseFloatText(text: string): number {
  const t = text.trim();
  const special = /^([+-]?)(inf|infinity|nan)$/i.exec(t);
  if (special) return special[2]!.toLowerCase() === 'nan' ? NaN : special[1] === '-' ? -Infinity : Infinity;
  if (!/^[+-]?(\d(_?\d)*)?(\.(\d(_?\d)*)?)?([eE][+-]?\d(_?\d)*)?$/.test(t) || !/\d/.test(t.split(/[eE]/)[0]!)) return NaN;
  return Number(t.replace(/_/g, ''));
}

function toFloat(value: unknown, fallback: unknown): unknown {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value !== 'string') return fallback;
  const float = parseFloatText(value);
  return Number.isNaN(float) && !/nan/i.test(value) ? fallback : float;
}

/** Python's shlex.quote, which Ansible's quote filter is: bare when only safe characters, else single quotes. */
function shlexQuote(text: string): string {
  if (text === '') return "''";
  if (!/[^\w@%+=:,./-]/.test(text)) return text;
  return `'${text.replace(/'/g, `'"'"'`)}'`;
}

export const textFilters: Record<string, Callable> = {
  default: {
    params: ['value', 'default_value?', 'boolean?'],
    acceptsUndefined: true,
    run: ([value, fallback = '', boolean]) => (value instanceof Undefined || (boolean === true && !truthy(value)) ? fallback : value),
  },
  mandatory: {
    params: ['value', 'msg?'],
    acceptsUndefined: true,
    run: ([value, msg]) => {
      if (!(value instanceof Undefined)) return value;
      throw new TemplateError(typeof msg === 'string' ? msg : `Mandatory variable '${value.name}' not defined`);
    },
  },
  lower: textFilter('lower', (t) => t.toLowerCase()),
  upper: textFilter('upper', (t) => t.toUpperCase()),
  trim: textFilter(
    'trim',
    (t, [chars]) => {
      if (chars === undefined) return t.trim();
      const set = new Set(asText("filter 'trim' chars", chars));
      let [start, end] = [0, t.length];
      while (start < end && set.has(t[start]!)) start++;
      while (end > start && set.has(t[end - 1]!)) end--;
      return t.slice(start, end);
    },
    ['chars?'],
  ),
  replace: textFilter(
    'replace',
    (t, [old, replacement, count]) => {
      const from = asText("filter 'replace' old", old);
      const to = asText("filter 'replace' new", replacement);
      const parts = t.split(from);
      if (count === undefined || from === '') return parts.join(to);
      const n = asInt("filter 'replace' count", count);
      return parts.slice(0, n + 1).join(to) + (parts.length > n + 1 ? from + parts.slice(n + 1).join(from) : '');
    },
    ['old', 'new', 'count?'],
  ),
  quote: textFilter('quote', (t) => {
    if (t.includes('\0')) throw new TemplateError("filter 'quote' got text with a NUL byte, which no shell word can hold");
    return shlexQuote(t);
  }),
  // Ansible's split filter: Python's str.split.
  split: textFilter('split', (t, [sep, max]) => callMethod(t, 'split', max === undefined ? [sep] : [sep, max]), ['separator?', 'maxsplit?']),
  // Python's %-formatting, as Jinja's format filter: "%02d" | format(n).
  format: textFilter('format', (t, [values]) => percentFormat(t, values as unknown[]), ['...values']),
  basename: textFilter('basename', (t) => t.slice(t.lastIndexOf('/') + 1)),
  dirname: textFilter('dirname', dirname),
  string: { params: ['value'], run: ([value]) => pyStr(value) },
  int: { params: ['value', 'default?', 'base?'], run: ([value, fallback = 0, base]) => toInt(value, fallback, base) },
  float: { params: ['value', 'default?'], run: ([value, fallback = 0]) => toFloat(value, fallback) },
  ternary: {
    params: ['value', 'true_value', 'false_value', 'none_value?'],
    run: ([value, whenTrue, whenFalse, whenNone]) => (value === null && whenNone !== undefined ? whenNone : truthy(value) ? whenTrue : whenFalse),
  },
  round: {
    params: ['value', 'precision?', 'method?'],
    run: ([value, precision = 0, method = 'common']) => {
      if (typeof value !== 'number') throw new TemplateError(`filter 'round' needs a number, got ${aType(value)}`);
      const digits = asInt("filter 'round' precision", precision);
      const scale = 10 ** digits;
      if (method === 'floor' || method === 'ceil') return Math[method](value * scale) / scale;
      if (method !== 'common') throw new TemplateError(`filter 'round' method must be common, ceil or floor, got ${JSON.stringify(method)}`);
      // Python's round(): the exact binary value rounded, an exact tie to the even neighbour.
      const scaled = value * scale;
      const exact = value.toFixed(Math.min(100, Math.max(0, digits) + 40));
      const tail = exact.slice(exact.indexOf('.') + 1 + digits);
      if (digits >= 0 && /^50*$/.test(tail)) return (2 * Math.round(scaled / 2)) / scale;
      return Number(value.toFixed(Math.max(0, Math.min(100, digits))));
    },
  },
  bool: {
    params: ['value'],
    // Ansible's bool filter: only these read as true; anything else is false.
    run: ([value]) => {
      if (typeof value === 'boolean' || value === null) return value;
      return value === 1 || (typeof value === 'string' && ['yes', 'on', '1', 'true'].includes(value.trim().toLowerCase()));
    },
  },
};

textFilters['d'] = textFilters['default']!;
