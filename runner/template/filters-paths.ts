// Path and size filters as Ansible runs them on the controller: expanduser
// (the controller's home), realpath, splitext, path_join, human_to_bytes,
// human_readable, and type_debug's Python type names.
import { realpathSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix } from 'node:path';
import { asText, type Callable } from './callables.js';
import { TemplateError } from './errors.js';
import { isMapping } from './values.js';

const SIZES: [string, number][] = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];

/** Python's round() to an integer: ties to even. */
function roundHalfEven(n: number): number {
  const r = Math.round(n);
  return Math.abs(n % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function humanToBytes(text: string, defaultUnit: unknown, isbits: boolean): number {
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text);
  const num = m === null || m[1] === '' || m[1] === '.' ? NaN : Number(m[1]);
  if (Number.isNaN(num)) throw new TemplateError("filter 'human_to_bytes' can't interpret the text as a size");
  const unit = m![2] ?? (defaultUnit === undefined || defaultUnit === null ? undefined : asText("filter 'human_to_bytes' default_unit", defaultUnit));
  if (unit === undefined) return roundHalfEven(num);
  const range = unit[0]!.toUpperCase();
  const limit = SIZES.find(([s]) => s === range)?.[1];
  if (limit === undefined) throw new TemplateError(`filter 'human_to_bytes': the suffix must be one of ${SIZES.map(([s]) => s).join(', ')}`);
  const [unitClass, className] = isbits ? ['b', 'bit'] : ['B', 'byte'];
  if (unit.length > 1 && !unit.toLowerCase().includes(className) && unit[1] !== unitClass) {
    throw new TemplateError(`filter 'human_to_bytes': not a valid size (expect ${range === 'B' ? `${unitClass} or ${className}` : `${range}${unitClass} or ${range}`})`);
  }
  return roundHalfEven(num * limit);
}

function humanReadable(size: number, isbits: boolean, unit: unknown): string {
  const base = isbits ? 'bits' : 'Bytes';
  const wanted = unit === undefined || unit === null ? null : asText("filter 'human_readable' unit", unit).toUpperCase()[0];
  const [suffix, limit] = SIZES.find(([s, l]) => (wanted === null ? size >= l : wanted === s)) ?? SIZES.at(-1)!;
  return `${(size / limit).toFixed(2)} ${limit === 1 ? base : suffix + base[0]}`;
}

/** os.path.expanduser on the controller: ~ is $HOME, ~name that account's home from /etc/passwd. */
function expanduser(path: string): string {
  if (!path.startsWith('~')) return path;
  const slash = path.indexOf('/');
  const name = path.slice(1, slash === -1 ? undefined : slash);
  let home: string | undefined;
  if (name === '') home = process.env['HOME'] ?? homedir();
  else home = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':')).find((f) => f[0] === name)?.[5];
  if (home === undefined) return path;
  return (home.replace(/\/+$/, '') || '/') + (slash === -1 ? '' : path.slice(slash));
}

/** os.path.realpath (not strict): the existing part resolved, the rest appended. */
function realpath(path: string): string {
  const absolute = posix.resolve(path);
  let head = absolute;
  const tail: string[] = [];
  for (;;) {
    try {
      return posix.join(realpathSync(head), ...tail);
    } catch {
      if (head === '/') return absolute;
      tail.unshift(posix.basename(head));
      head = posix.dirname(head);
    }
  }
}

/** posixpath.splitext: the extension starts at the last dot of the name, unless the name is only dots before it. */
function splitext(path: string): [string, string] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0 || /^\.+$/.test(base.slice(0, dot))) return [path, ''];
  const at = path.length - base.length + dot;
  return [path.slice(0, at), path.slice(at)];
}

function pathJoin(parts: string[]): string {
  return parts.reduce((out, part) => (part.startsWith('/') || out === '' ? part : out.endsWith('/') ? out + part : `${out}/${part}`), '');
}

/** Python's type names for type_debug; tuples are lists here, and a whole float like 1.0 is an int. */
function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (Array.isArray(value)) return 'list';
  if (isMapping(value)) return 'dict';
  return 'object';
}

export const pathFilters: Record<string, Callable> = {
  expanduser: { params: ['value'], run: ([v]) => expanduser(asText("filter 'expanduser'", v)) },
  realpath: { params: ['value'], run: ([v]) => realpath(asText("filter 'realpath'", v)) },
  splitext: { params: ['value'], run: ([v]) => splitext(asText("filter 'splitext'", v)) },
  path_join: {
    params: ['value'],
    run: ([v]) => (typeof v === 'string' ? v : pathJoin((Array.isArray(v) ? v : []).map((p) => asText("filter 'path_join'", p)))),
  },
  human_to_bytes: {
    params: ['value', 'default_unit?', 'isbits?'],
    run: ([v, unit, isbits]) => humanToBytes(asText("filter 'human_to_bytes'", v), unit, isbits === true),
  },
  human_readable: {
    params: ['value', 'isbits?', 'unit?'],
    run: ([v, isbits, unit]) => {
      const size = typeof v === 'number' ? v : Number(asText("filter 'human_readable'", v));
      if (Number.isNaN(size)) throw new TemplateError("filter 'human_readable' needs a number");
      return humanReadable(size, isbits === true, unit);
    },
  },
  type_debug: { params: ['value'], run: ([v]) => typeName(v) },
};
