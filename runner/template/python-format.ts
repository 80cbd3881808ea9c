// Python's str.format: `{}`, `{0}`, `{name}`, `{0[1]}`, `{x.key}`, conversions
// `!s`/`!r` and the format-spec mini-language ([[fill]align][sign][0][width][,][.precision][type]).
import { TemplateError } from './errors.js';
import { pyRepr, pyStr } from './python-text.js';
import { getMember, MISSING } from './values.js';

const SPEC = /^(?:(.)?([<>=^]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/;

function groupDigits(digits: string, sep: string): string {
  const [int, frac] = digits.split('.');
  const grouped = int!.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

function formatNumber(n: number, type: string, precision: number | undefined, alt: boolean): string {
  const abs = Math.abs(n);
  switch (type) {
    case 'd': case 'n':
      if (!Number.isInteger(n)) throw new TemplateError("format: 'd' needs an integer");
      return String(abs);
    case 'b': return (alt ? '0b' : '') + abs.toString(2);
    case 'o': return (alt ? '0o' : '') + abs.toString(8);
    case 'x': return (alt ? '0x' : '') + abs.toString(16);
    case 'X': return (alt ? '0X' : '') + abs.toString(16).toUpperCase();
    case 'e': case 'E': {
      const text = abs.toExponential(precision ?? 6).replace(/e([+-])(\d)$/, 'e$10$2');
      return type === 'E' ? text.toUpperCase() : text;
    }
    case 'f': case 'F': return abs.toFixed(precision ?? 6);
    case '%': return `${(abs * 100).toFixed(precision ?? 6)}%`;
    case 'g': case 'G': {
      const text = String(Number(abs.toPrecision(Math.max(1, precision ?? 6))));
      return type === 'G' ? text.toUpperCase() : text;
    }
    default:
      // No type: an int as digits, a float as repr (or general with a precision).
      return precision === undefined ? pyStr(abs) : String(Number(abs.toPrecision(Math.max(1, precision))));
  }
}

function applySpec(value: unknown, spec: string): string {
  const m = SPEC.exec(spec);
  if (m === null) throw new TemplateError(`format: invalid format specifier '${spec}'`);
  const [, fillChar, align, sign = '-', alt, zero, width, grouping, precision, type = ''] = m;
  // bool formats as text ('True') unless the spec asks for a number type.
  const numeric = typeof value === 'number' || (typeof value === 'boolean' && type !== '');
  let body: string;
  let prefix = '';
  if (numeric && type !== 's' && type !== 'c') {
    const n = Number(value);
    body = formatNumber(n, type, precision === undefined ? undefined : Number(precision), alt !== undefined);
    if (grouping !== undefined) body = groupDigits(body, grouping);
    prefix = n < 0 || Object.is(n, -0) ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
  } else {
    if (type !== '' && type !== 's') throw new TemplateError(`format: unknown format code '${type}' for a string`);
    body = pyStr(value);
    if (precision !== undefined) body = body.slice(0, Number(precision));
  }
  const size = Number(width ?? 0);
  const fill = fillChar ?? (zero !== undefined && align === undefined ? '0' : ' ');
  const how = align ?? (zero !== undefined && numeric ? '=' : numeric ? '>' : '<');
  const pad = Math.max(0, size - prefix.length - [...body].length);
  if (how === '=') return prefix + fill.repeat(pad) + body;
  const text = prefix + body;
  if (how === '<') return text + fill.repeat(pad);
  if (how === '>') return fill.repeat(pad) + text;
  const left = Math.floor(pad / 2);
  return fill.repeat(left) + text + fill.repeat(pad - left);
}

function lookupField(field: string, args: unknown[], kwargs: Record<string, unknown>, auto: { next: number }): unknown {
  const m = /^([^.[]*)(.*)$/.exec(field)!;
  const head = m[1]!;
  let value: unknown;
  if (head === '') value = args[auto.next++];
  else if (/^\d+$/.test(head)) value = args[Number(head)];
  else value = Object.hasOwn(kwargs, head) ? kwargs[head] : undefined;
  if (value === undefined) throw new TemplateError(`format: no value for field '{${field}}'`);
  for (const [, attr, index] of m[2]!.matchAll(/\.(\w+)|\[([^\]]+)\]/g)) {
    const key = attr ?? (/^\d+$/.test(index!) ? Number(index) : index);
    value = getMember(value, key);
    if (value === MISSING) throw new TemplateError(`format: no item '${String(key)}' for field '{${field}}'`);
  }
  return value;
}

export function pyFormat(template: string, args: unknown[], kwargs: Record<string, unknown> = {}): string {
  const auto = { next: 0 };
  return template.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (whole, field: string | undefined, conversion: string | undefined, spec: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const value = lookupField(field ?? '', args, kwargs, auto);
    const converted = conversion === 'r' || conversion === 'a' ? pyRepr(value) : conversion === 's' ? pyStr(value) : value;
    return applySpec(converted, spec ?? '');
  });
}
