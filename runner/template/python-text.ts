// Python's str() and repr() of playbook values, which Ansible's filters use
// when they turn a value into text: `[1, 'a'] | join(' ')` of a nested list,
// `true | string` is 'True', `'{}'.format(none)` is 'None'.
import { isMapping } from './values.js';

/** Characters repr() escapes besides quotes and backslashes: controls, separators, format characters, unassigned (not the plain space). */
const NON_PRINTABLE = /[\p{C}\p{Z}]/u;

/** Python's repr() of a str: single quotes unless the text holds ' and no ". */
export function pyReprText(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) out += escapeCode(code);
    else out += ch;
  }
  return out + quote;
}

function escapeCode(code: number): string {
  if (code < 0x100) return `\\x${code.toString(16).padStart(2, '0')}`;
  if (code < 0x10000) return `\\u${code.toString(16).padStart(4, '0')}`;
  return `\\U${code.toString(16).padStart(8, '0')}`;
}

/**
 * Python's repr() of a float or int: JavaScript's shortest digits in Python's notation (an exponent
 * below 1e-4 and from 1e16, two exponent digits), inf and nan. An integral number is written as an
 * int: JavaScript cannot tell 2.0 from 2 (docs/differences.md).
 */
export function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n);
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  if (e >= -4 && e < 16) return n.toFixed(Math.max(0, mantissa.replace(/^-?\d\.?/, '').length - e));
  return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}

/** Lists that were tuples in a template (`(1, 2)`, `d.items()` pairs, varargs): repr'd with parentheses. */
const tuples = new WeakSet<object>();

/** Mark a list as a Python tuple for str()/repr(). */
export function asTuple<T extends unknown[]>(items: T): T {
  tuples.add(items);
  return items;
}

/** Whether a list stands for a Python tuple. */
export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && tuples.has(value);
}

export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return pyReprText(value);
  if (Array.isArray(value)) {
    const items = value.map(pyRepr);
    if (!tuples.has(value)) return `[${items.join(', ')}]`;
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  if (isMapping(value)) return `{${Object.entries(value).map(([k, v]) => `${pyReprText(k)}: ${pyRepr(v)}`).join(', ')}}`;
  return pyStr(value);
}

/** Python's str(): text as is, True/False/None, containers as repr. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  return pyRepr(value);
}

/** Python's str.splitlines(): every line boundary Python knows, no empty last item. */
export function pySplitlines(text: string, keepends = false): string[] {
  const lines: string[] = [];
  const re = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;
  let start = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    lines.push(text.slice(start, keepends ? m.index + m[0].length : m.index));
    start = m.index + m[0].length;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

/** Python's str.center(width, fill): the odd space goes left only when width is odd. */
export function pyCenter(text: string, width: number, fill = ' '): string {
  const margin = width - [...text].length;
  if (margin <= 0) return text;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return fill.repeat(left) + text + fill.repeat(margin - left);
}
