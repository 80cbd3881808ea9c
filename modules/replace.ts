// replace: substitute every match of a Python regular expression in a file,
// a port of Ansible's replace.py: the regexp is MULTILINE, after/before
// narrow the search to a DOTALL section between them, `replace` is a Python
// template (\1, \g<name>), and the msg and changed answers are Ansible's.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { compilePython, expandTemplate } from './support/python-regex.js';
import { applyTextEdit, planTextEdit, readTextTarget } from './support/text-edit.js';
import { validateSchemaProperty } from './support/write-content.js';

// Python codec names roles use, as Node's encodings.
const ENCODINGS: Record<string, BufferEncoding> = {
  'utf-8': 'utf8', utf8: 'utf8', 'latin-1': 'latin1', latin1: 'latin1', 'iso-8859-1': 'latin1', ascii: 'ascii', 'utf-16-le': 'utf16le',
};

/** re.subn(pattern, template, text): the new text and the number of matches. */
function substitute(text: string, pattern: RegExp, template: string): [string, number] {
  let out = '';
  let last = 0;
  let count = 0;
  for (const m of text.matchAll(new RegExp(pattern.source, `${pattern.flags}g`))) {
    out += text.slice(last, m.index) + expandTemplate(template, m);
    last = m.index + m[0].length;
    count++;
  }
  return [out + text.slice(last), count];
}

/** The part of the text the regexp works on, as [start, end] (null when after/before do not match), and Ansible's pattern for the message. */
function section(text: string, after: string | undefined, before: string | undefined): { range: [number, number] | null; pattern: string } {
  const pattern = after && before ? `${after}(?P<subsection>.*?)${before}` : after ? `${after}(?P<subsection>.*)` : `(?P<subsection>.*)${before}`;
  const { regex } = compilePython(`(?s)${pattern}`, 'after/before');
  const m = new RegExp(regex.source, `${regex.flags}d`).exec(text);
  const range = m?.indices?.groups?.subsection;
  return { range: range ? [range[0], range[1]] : null, pattern };
}

export default defineModule({
  name: 'replace',
  summary: 'Replace every match of a (Python) regular expression in a file, optionally between after and before.',
  changedWhen: 'a match was replaced by different text, or mode/owner/group differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path', 'regexp'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The file to edit (aliases dest, destfile, name); a symlink edits the file it points to.' },
      regexp: { type: 'string', description: 'A Python regular expression, MULTILINE: ^ and $ match at every line.' },
      replace: { type: 'string', default: '', description: 'The replacement, with \\1 or \\g<name> back-references; empty removes the match.' },
      after: { type: 'string', description: 'Only replace after the first match of this Python regexp (DOTALL).' },
      before: { type: 'string', description: 'Only replace before the last match of this Python regexp (DOTALL).' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as PATH.<pid>.<date>~ (returned as backup_file).' },
      validate: validateSchemaProperty,
      encoding: { enum: Object.keys(ENCODINGS), default: 'utf-8', description: 'How the file is decoded and encoded again.' },
      ...attributeSchemaProperties,
    },
  },
  paramAliases: { dest: 'path', destfile: 'path', name: 'path' },
  async plan(host, params) {
    const target = await readTextTarget(host, params.path);
    if (target.content === null) throw new ModuleFailure(`Path ${target.path} does not exist !`, { rc: 257 });
    const encoding = ENCODINGS[params.encoding]!;
    let text: string;
    try {
      text = encoding === 'utf8' ? new TextDecoder('utf-8', { fatal: true }).decode(target.content) : target.content.toString(encoding);
    } catch {
      throw new ModuleFailure(`${target.path} is not valid ${params.encoding}`);
    }
    let [start, end] = [0, text.length];
    if (params.after || params.before) {
      const found = section(text, params.after || undefined, params.before || undefined);
      if (!found.range) return { changes: [], result: { rc: 0, msg: `Pattern for before/after params did not match the given file: ${found.pattern}` } };
      [start, end] = found.range;
    }
    const part = text.slice(start, end);
    const [replaced, count] = substitute(part, compilePython(`(?m)${params.regexp}`, 'regexp').regex, params.replace);
    const changed = count > 0 && replaced !== part;
    const after = changed ? Buffer.from(text.slice(0, start) + replaced + text.slice(end), encoding) : null;
    const plan = planTextEdit(target, after, params, { rc: 0 });
    const attributesChanged = plan.changes.length > (changed ? 1 : 0);
    const msg = [changed ? `${count} replacements made` : '', attributesChanged ? 'ownership, perms or SE linux context changed' : ''].filter(Boolean).join(' and ');
    return { ...plan, result: { rc: 0, msg } };
  },
  apply: (host, params, plan) => applyTextEdit(host, params, plan, 'backup_file'),
});
