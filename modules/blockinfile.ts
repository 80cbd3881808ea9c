// blockinfile: keep a block of lines between two marker lines in a file, a
// port of Ansible's blockinfile.py (2.14) decision for decision. As in
// lineinfile, content is handled as bytes (byte strings, one char per byte)
// and insertafter/insertbefore are Python regexes, translated.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { compilePython, toBytes } from './support/python-regex.js';
import { applyTextEdit, planTextEdit, readTextTarget } from './support/text-edit.js';
import { validateSchemaProperty } from './support/write-content.js';

/** Python's bytes.splitlines(keepends=True): '\n', '\r\n' and '\r' end a line. */
function splitLines(text: string): string[] {
  return text.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
}

interface BlockOptions {
  present: boolean;
  block: string;
  marker: string;
  markerBegin: string;
  markerEnd: string;
  insertafter?: string;
  insertbefore?: string;
}

/** The file's new content (a byte string), given the current one (null: no file). */
export function editBlock(original: string | null, o: BlockOptions): string {
  const lines = original === null ? [] : splitLines(original);
  const insertafter = o.insertafter === undefined && o.insertbefore === undefined ? 'EOF' : o.insertafter;
  const pattern = insertafter !== undefined && insertafter !== 'EOF' ? insertafter
    : o.insertbefore !== undefined && o.insertbefore !== 'BOF' ? o.insertbefore : undefined;
  const insertre = pattern !== undefined ? compilePython(toBytes(pattern), insertafter !== undefined ? 'insertafter' : 'insertbefore') : null;

  const marker = toBytes(o.marker);
  const marker0 = marker.split('{mark}').join(toBytes(o.markerBegin)) + '\n';
  const marker1 = marker.split('{mark}').join(toBytes(o.markerEnd)) + '\n';
  let block = toBytes(o.block);
  let blockLines: string[] = [];
  // An empty block with state=present removes the block, as in Ansible.
  if (o.present && block) {
    if (!block.endsWith('\n')) block += '\n';
    blockLines = [marker0, ...splitLines(block), marker1];
  }

  // The last line equal to each marker (a marker without its newline does not count).
  let n0: number | null = null;
  let n1: number | null = null;
  for (const [i, line] of lines.entries()) {
    if (line === marker0) n0 = i;
    if (line === marker1) n1 = i;
  }
  let at: number;
  if (n0 === null || n1 === null) {
    let found: number | null = null;
    if (insertre?.multiline) {
      // A (?m) pattern is searched in the whole file; the block goes after (before) the line it ends (starts) in.
      const text = original ?? '';
      const m = insertre.regex.exec(text);
      if (m) {
        const offset = insertafter !== undefined ? m.index + m[0].length : m.index;
        found = (text.slice(0, offset).match(/\n/g) ?? []).length;
      }
    } else if (insertre) {
      for (const [i, line] of lines.entries()) if (insertre.regex.test(line)) found = i;
    }
    if (insertre) at = found === null ? lines.length : insertafter !== undefined ? found + 1 : found;
    else at = o.insertbefore !== undefined ? 0 : lines.length;
  } else if (n0 < n1) {
    lines.splice(n0, n1 - n0 + 1);
    at = n0;
  } else {
    lines.splice(n1, n0 - n1 + 1);
    at = n1;
  }
  // The line before the block must end with a newline.
  if (at > 0 && !lines[at - 1]!.endsWith('\n')) lines[at - 1] += '\n';
  lines.splice(at, 0, ...blockLines);
  return lines.join('');
}

export default defineModule({
  name: 'blockinfile',
  summary: 'Insert, update or remove a block of lines between marker lines in a file.',
  changedWhen: 'the block is inserted, changed or removed, or mode/owner/group differ.',
  // Ansible's module returns its before/after as `diff` in the result, whatever --diff says.
  diffInResult: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The file to modify (aliases dest, destfile, name).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the block should be there or not.' },
      block: { type: 'string', default: '', description: 'The text between the markers (alias content); empty removes the block.' },
      marker: { type: 'string', default: '# {mark} ANSIBLE MANAGED BLOCK', description: "The marker line template; '{mark}' becomes marker_begin or marker_end." },
      marker_begin: { type: 'string', default: 'BEGIN', description: "What '{mark}' becomes in the first marker line." },
      marker_end: { type: 'string', default: 'END', description: "What '{mark}' becomes in the last marker line." },
      insertafter: { type: 'string', description: "When the markers are not found: insert after the last line matching this Python regex, or 'EOF' (default)." },
      insertbefore: { type: 'string', description: "When the markers are not found: insert before the last line matching this Python regex, or 'BOF'." },
      create: { type: 'boolean', default: false, description: 'Create the file (and missing parent directories) when it does not exist; otherwise that is an error.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as PATH.<pid>.<date>~.' },
      validate: validateSchemaProperty,
      ...attributeSchemaProperties,
    },
  },
  paramAliases: { dest: 'path', destfile: 'path', name: 'path', content: 'block' },
  async plan(host, params) {
    if (params.insertafter !== undefined && params.insertbefore !== undefined) throw new ModuleFailure('parameters are mutually exclusive: insertbefore|insertafter');
    const target = await readTextTarget(host, params.path);
    // Ansible checks for the file before looking at state: absent on a missing file fails too, unless create.
    if (target.content === null && !params.create) throw new ModuleFailure(`Path ${target.path} does not exist !`, { rc: 257 });
    const present = params.state === 'present';
    if (!present && target.content === null) return { changes: [], result: { msg: `File ${target.path} not present` } };
    const original = target.content === null ? null : target.content.toString('latin1');
    const result = editBlock(original, {
      present,
      block: params.block,
      marker: params.marker,
      markerBegin: params.marker_begin,
      markerEnd: params.marker_end,
      insertafter: params.insertafter,
      insertbefore: params.insertbefore,
    });
    const msg = original === result ? '' : original === null ? 'File created' : !(present && params.block) ? 'Block removed' : 'Block inserted';
    return planTextEdit(target, Buffer.from(result, 'latin1'), params, { msg });
  },
  apply: (host, params, plan) => applyTextEdit(host, params, plan, 'backup_file'),
});
