// ansible.cfg as Python's configparser reads it for Ansible
// (ConfigParser(inline_comment_prefixes=(';',)), values taken raw): `#` and
// `;` comment lines, `;` after whitespace starts an inline comment, `=` or `:`
// between key and value, keys case-insensitive, indented lines continue the
// value above, [DEFAULT] seen by every section, a repeated section or key is
// an error. Written here rather than taken from npm: the `ini` package keeps
// keys' case, has no continuation lines and no `:` delimiter, and no INI
// package gives the line of each key, which refusals must name.
import { InputError } from '../errors.js';

export interface IniEntry {
  section: string;
  /** Lower-cased, as configparser's optionxform. */
  key: string;
  value: string;
  /** 1-based line of the key. */
  line: number;
}

export interface IniFile {
  file: string;
  entries: IniEntry[];
  /** The value configparser's get(section, key) returns: the section's own, else [DEFAULT]'s. */
  get(section: string, key: string): IniEntry | undefined;
}

const SECTION = /^\[(.+)\]/;
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/;

/** Where an inline comment starts (`;` at the start or after whitespace), or -1. */
function inlineComment(line: string): number {
  for (let i = line.indexOf(';'); i >= 0; i = line.indexOf(';', i + 1)) if (i === 0 || /\s/.test(line[i - 1] as string)) return i;
  return -1;
}

export function parseIni(text: string, file: string): IniFile {
  const entries: IniEntry[] = [];
  const sections = new Map<string, Map<string, IniEntry & { lines: string[] }>>();
  const fail = (line: number, message: string): never => {
    throw new InputError([{ message: `ansible.cfg: ${message}`, location: { file, line, column: 1 } }]);
  };
  let current: Map<string, IniEntry & { lines: string[] }> | undefined;
  let option: (IniEntry & { lines: string[] }) | undefined;
  let indent = Number.POSITIVE_INFINITY;
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const fullComment = /^\s*[#;]/.test(raw);
    const cut = fullComment ? 0 : inlineComment(raw);
    const value = (cut >= 0 ? raw.slice(0, cut) : raw).trim();
    if (value === '') {
      // A blank line inside a value belongs to it (empty_lines_in_values); a comment line does not end it.
      if (cut < 0 && option) option.lines.push('');
      else if (cut < 0) indent = Number.POSITIVE_INFINITY;
      return;
    }
    const level = raw.search(/\S/);
    if (current && option && level > indent) {
      option.lines.push(value);
      return;
    }
    indent = level;
    const header = SECTION.exec(value);
    if (header) {
      const name = header[1] as string;
      if (sections.has(name)) fail(lineNo, `section '${name}' already exists (line ${lineNo})`);
      current = new Map();
      sections.set(name, current);
      option = undefined;
      return;
    }
    if (!current) fail(lineNo, `File contains no section headers (line ${lineNo}: ${JSON.stringify(raw)})`);
    const m = OPTION.exec(value);
    const key = m?.[1]?.trimEnd().toLowerCase();
    if (!m || !key) return fail(lineNo, `Source contains parsing errors: line ${lineNo}: ${JSON.stringify(raw)}`);
    if (current!.has(key)) fail(lineNo, `option '${key}' in section '${[...sections].find(([, s]) => s === current)?.[0]}' already exists (line ${lineNo})`);
    const sectionName = [...sections].find(([, s]) => s === current)?.[0] as string;
    option = { section: sectionName, key, value: '', line: lineNo, lines: [(m[3] as string).trim()] };
    current!.set(key, option);
    entries.push(option);
  });
  for (const e of entries as (IniEntry & { lines: string[] })[]) {
    while (e.lines.length > 1 && e.lines.at(-1) === '') e.lines.pop();
    e.value = e.lines.join('\n');
  }
  const plain = entries.map(({ section, key, value, line }) => ({ section, key, value, line }));
  const find = (section: string, key: string) => plain.find((e) => e.section === section && e.key === key);
  return { file, entries: plain, get: (section, key) => find(section, key.toLowerCase()) ?? find('DEFAULT', key.toLowerCase()) };
}
