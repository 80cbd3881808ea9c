// ini_file: one option (or a whole section) in an INI file, like
// community.general.ini_file: the rest of the file, its comments and spacing
// stay as they are. An option may carry several values (`values`: one line
// each); with `exclusive` (default) other lines of that option go.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { bytesToText, textToBytes } from './support/raw-text.js';
import { applyTextEdit, planTextEdit, readTextTarget } from './support/text-edit.js';

interface Section {
  /** null: the lines before the first section header. */
  name: string | null;
  /** Index of the header line (-1 for the global part) and one past the section's last line. */
  header: number;
  end: number;
}

const HEADER = /^\s*\[([^\]]*)\]/;
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function sections(lines: readonly string[]): Section[] {
  const found: Section[] = [{ name: null, header: -1, end: lines.length }];
  lines.forEach((line, i) => {
    const m = HEADER.exec(line);
    if (!m) return;
    found[found.length - 1]!.end = i;
    found.push({ name: m[1]!.trim(), header: i, end: lines.length });
  });
  return found;
}

/** The option's value on this line, null for a bare option, undefined when the line is not this option. */
function optionValue(line: string, option: string): string | null | undefined {
  const m = new RegExp(`^\\s*${escape(option)}\\s*(?:[=:]\\s*(.*?)\\s*)?$`).exec(line);
  if (!m) return undefined;
  return m[1] ?? null;
}

interface Wanted {
  section: string | null;
  option?: string;
  /** null stands for a bare option (allow_no_value). */
  values: (string | null)[];
  present: boolean;
  exclusive: boolean;
  separator: string;
}

/** The new lines and Ansible-like message; '' when nothing changes. */
function edit(lines: string[], w: Wanted): string {
  const all = sections(lines);
  const section = all.find((s) => s.name === w.section);
  const render = (v: string | null) => (v === null ? w.option! : `${w.option}${w.separator}${v}`);
  if (!section) {
    // (The global part, section null, is always found: it may only be empty.)
    if (!w.present) return '';
    lines.push(`[${w.section}]`, ...(w.option === undefined ? [] : w.values.map(render)));
    return 'section and option added';
  }
  const body = { from: section.header + 1, to: section.end };
  if (w.option === undefined) {
    if (w.present) return '';
    if (section.header < 0) throw new ModuleFailure('state=absent without option removes a section; give section');
    lines.splice(section.header, section.end - section.header);
    return 'section removed';
  }
  const found: { index: number; value: string | null; keep: boolean }[] = [];
  for (let i = body.from; i < body.to; i++) {
    const value = optionValue(lines[i]!, w.option);
    if (value !== undefined) found.push({ index: i, value, keep: false });
  }
  if (!w.present) {
    const drop = found.filter((f) => w.exclusive || w.values.length === 0 || w.values.includes(f.value));
    for (const f of drop.reverse()) lines.splice(f.index, 1);
    return drop.length > 0 ? 'option removed' : '';
  }
  let message = '';
  const missing: (string | null)[] = [];
  for (const value of w.values) {
    const same = found.find((f) => !f.keep && f.value === value);
    if (same) same.keep = true;
    else missing.push(value);
  }
  // With exclusive, values not there yet take over the lines of unwanted ones first, so the option stays where it was.
  for (const f of found) {
    if (!w.exclusive || f.keep || missing.length === 0) continue;
    lines[f.index] = render(missing.shift()!);
    f.keep = true;
    message = 'option changed';
  }
  const leftovers = w.exclusive ? found.filter((f) => !f.keep) : [];
  let insertAt = found.length > 0 ? found[found.length - 1]!.index + 1 : body.to;
  // A new option goes after the section's last non-blank line, not after the blank line separating sections.
  while (found.length === 0 && insertAt > body.from && lines[insertAt - 1]!.trim() === '') insertAt--;
  if (missing.length > 0) {
    lines.splice(insertAt, 0, ...missing.map(render));
    message ||= 'option added';
  }
  for (const f of leftovers.reverse()) lines.splice(f.index < insertAt ? f.index : f.index + missing.length, 1);
  if (leftovers.length > 0) message ||= 'option changed';
  return message;
}

export default defineModule({
  name: 'ini_file',
  aliases: ['community.general.ini_file'],
  summary: 'Set, add or remove an option (or a whole section) in an INI file, keeping everything else.',
  changedWhen: 'the file content changes (option or section added, changed or removed), or mode/owner/group differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The INI file (aliases dest).' },
      section: { type: ['string', 'null'], description: 'Section name, without brackets; omitted or null: the options before the first section.' },
      option: { type: 'string', minLength: 1, description: 'Option name. Without it, present makes sure the section exists and absent removes the whole section.' },
      value: { type: ['string', 'number', 'boolean'], description: 'The value of the option (one line).' },
      values: { type: 'array', items: { type: ['string', 'number', 'boolean'] }, description: 'Several values: one `option = value` line each (e.g. repeated keys).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the option (or section) should be there.' },
      exclusive: { type: 'boolean', default: true, description: 'present: other lines of this option are removed. absent: every line of the option is removed, not only those with the given values.' },
      no_extra_spaces: { type: 'boolean', default: false, description: "Write 'option=value' instead of 'option = value'." },
      allow_no_value: { type: 'boolean', default: false, description: 'Allow an option without value (a bare `option` line) when neither value nor values is given.' },
      create: { type: 'boolean', default: true, description: 'Create the file when missing; false: a missing file is an error.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as PATH.<pid>.<date>~.' },
      ...attributeSchemaProperties,
    },
  },
  paramAliases: { dest: 'path' },
  async plan(host, params) {
    if (params.value !== undefined && params.values !== undefined) throw new ModuleFailure('parameters are mutually exclusive: value|values');
    const given = params.values ?? (params.value === undefined ? [] : [params.value]);
    const values: (string | null)[] = given.map((v) => (typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)));
    if (values.some((v) => /[\r\n]/.test(v!))) throw new ModuleFailure('a value may not contain a line break');
    const present = params.state === 'present';
    if (present && params.option !== undefined && values.length === 0) {
      if (!params.allow_no_value) throw new ModuleFailure('value or values is required for an option with state=present (or allow_no_value)');
      values.push(null);
    }
    const target = await readTextTarget(host, params.path);
    if (target.content === null && present && !params.create) throw new ModuleFailure(`Destination ${target.path} does not exist!`);
    if (target.content === null && !present) return { changes: [], result: { msg: 'OK' } };
    const text = target.content ? bytesToText(target.content) : '';
    const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
    const msg = edit(lines, {
      section: params.section ?? null,
      option: params.option,
      values,
      present,
      exclusive: params.exclusive,
      separator: params.no_extra_spaces ? '=' : ' = ',
    });
    const after = msg ? textToBytes(lines.map((l) => `${l}\n`).join('')) : target.content === null ? Buffer.alloc(0) : null;
    return planTextEdit(target, after, params, { msg: msg || 'OK' });
  },
  apply: (host, params, plan) => applyTextEdit(host, params, plan, 'backup_file'),
});
