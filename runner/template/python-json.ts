// Python's json.dumps as Ansible's to_json / to_nice_json call it: ', ' and
// ': ' separators when compact, ensure_ascii escapes (\u00e9) by default,
// optional sorted keys and indentation.
import { TemplateError } from './errors.js';
import { isMapping } from './values.js';

export interface JsonOptions {
  indent?: number;
  sortKeys?: boolean;
  ensureAscii?: boolean;
}

function text(value: string, ensureAscii: boolean): string {
  const json = JSON.stringify(value);
  if (!ensureAscii) return json;
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function pyJson(value: unknown, options: JsonOptions = {}, depth = 0): string {
  const { indent, sortKeys = false, ensureAscii = true } = options;
  const nl = indent === undefined ? '' : `\n${' '.repeat(indent * (depth + 1))}`;
  const close = indent === undefined ? '' : `\n${' '.repeat(indent * depth)}`;
  const sep = indent === undefined ? ', ' : ',';
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  if (typeof value === 'string') return text(value, ensureAscii);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[${nl}${value.map((v) => pyJson(v, options, depth + 1)).join(sep + nl)}${close}]`;
  }
  if (isMapping(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    if (sortKeys) keys.sort();
    return `{${nl}${keys.map((k) => `${text(k, ensureAscii)}: ${pyJson(value[k], options, depth + 1)}`).join(sep + nl)}${close}}`;
  }
  throw new TemplateError(`cannot convert a value of type ${typeof value} to JSON`);
}
