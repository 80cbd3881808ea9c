// Python's str() and repr() of playbook values, which Ansible's filters use
// when they turn a value into text: `[1, 'a'] | join(' ')` of a nested list,
// `true | string` is 'True', `'{}'.format(none)` is 'None'.
import { isMapping } from './values.js';

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
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's repr() of a float or int: 1e+16 style exponents, inf and nan. */
export function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  const text = String(n);
  return text.replace(/e([+-])(\d)$/, 'e$10$2');
}

export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return pyReprText(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
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

/** Python's bool(): what Jinja's select, ternary and default(..., true) test (unlike a `when`, 'no' is true). */
export function pyTruthy(value: unknown): boolean {
  if (typeof value === 'string') return value !== '';
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return value !== null && value !== undefined && value !== false;
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
