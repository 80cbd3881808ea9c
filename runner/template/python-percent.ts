// Python's printf-style `'%s-%d' % (a, b)`, which Ansible content uses in
// templates and values. Conversions: s r a d i u f F e E g G x X o c and %%,
// with flags (-+ 0#), width, precision and `%(name)s` for a dict.
import { TemplateError } from './errors.js';
import { isTuple, pyRepr, pyStr } from './python-text.js';
import { aType, getMember, isMapping, MISSING } from './values.js';

const SPEC = /%(?:\(([^)]*)\))?([-+ 0#]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g;

export function pyPercentFormat(format: string, values: unknown): string {
  const named = isMapping(values) ? values : null;
  // As in Python, only a tuple is a list of arguments: `'%s' % [1, 2]` writes the list.
  const list = isTuple(values) ? (values as unknown[]) : [values];
  let next = 0;
  const take = (): unknown => {
    if (next >= list.length) throw new TemplateError('not enough arguments for format string');
    return list[next++];
  };
  const out = format.replace(SPEC, (_all, key: string | undefined, flags: string, width: string | undefined, precision: string | undefined, conv: string) => {
    if (conv === '%') return '%';
    const w = width === '*' ? Number(take()) : width === undefined ? 0 : Number(width);
    const p = precision === '*' ? Number(take()) : precision === undefined ? undefined : Number(precision);
    let value: unknown;
    if (key !== undefined) {
      if (named === null) throw new TemplateError('format requires a mapping');
      value = getMember(named, key);
      if (value === MISSING) throw new TemplateError(`format key '${key}' is not in the dict`);
    } else value = take();
    return pad(convert(conv, value, { flags, precision: p }), w, flags, 'diouxXeEfFgG'.includes(conv));
  });
  if (next < list.length && (named === null || isTuple(values))) throw new TemplateError('not all arguments converted during string formatting');
  return out;
}

function convert(conv: string, value: unknown, how: { flags: string; precision: number | undefined }): string {
  if (conv === 's') return how.precision === undefined ? pyStr(value) : pyStr(value).slice(0, how.precision);
  if (conv === 'r' || conv === 'a') return pyRepr(value);
  if (conv === 'c') return typeof value === 'number' ? String.fromCodePoint(value) : pyStr(value);
  const n = typeof value === 'boolean' ? Number(value) : value;
  if (typeof n !== 'number') throw new TemplateError(`%${conv} format: a number is required, not ${aType(value)}`);
  const sign = n < 0 || Object.is(n, -0) ? '-' : how.flags.includes('+') ? '+' : how.flags.includes(' ') ? ' ' : '';
  const a = Math.abs(n);
  let body: string;
  switch (conv) {
    case 'd':
    case 'i':
    case 'u':
      body = Math.trunc(a).toString();
      break;
    case 'x':
    case 'X':
    case 'o':
      body = Math.trunc(a).toString(conv === 'o' ? 8 : 16);
      if (how.flags.includes('#')) body = (conv === 'o' ? '0o' : '0x') + body;
      if (conv === 'X') body = body.toUpperCase();
      break;
    case 'e':
    case 'E':
      body = a.toExponential(how.precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      if (conv === 'E') body = body.toUpperCase();
      break;
    case 'g':
    case 'G':
      body = general(a, how.precision ?? 6, how.flags.includes('#'));
      if (conv === 'G') body = body.toUpperCase();
      break;
    default:
      body = a.toFixed(how.precision ?? 6);
  }
  return sign + body;
}

function general(a: number, precision: number, keepZeros: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const exp = a === 0 ? 0 : Math.floor(Math.log10(a));
  const text = exp < -4 || exp >= p ? a.toExponential(p - 1).replace(/e([+-])(\d)$/, 'e$10$2') : a.toFixed(Math.max(0, p - 1 - exp));
  if (keepZeros) return text;
  return text.replace(/\.?0+(?=e|$)/, (m) => (m.includes('.') || text.includes('.') ? '' : m));
}

function pad(text: string, width: number, flags: string, numeric: boolean): string {
  if (text.length >= width) return text;
  if (flags.includes('-')) return text.padEnd(width);
  if (flags.includes('0') && numeric) {
    const sign = /^[-+ ]/.test(text) ? text[0]! : '';
    return sign + text.slice(sign.length).padStart(width - sign.length, '0');
  }
  return text.padStart(width);
}
