// lineinfile: make sure one line is in a file (or lines are not), a port of
// Ansible's lineinfile.py decision for decision, odd corners included, so that
// playbooks get the same lines and the same changed/ok answers. Lines are
// compared as bytes, as Ansible does: contents and parameters are handled as
// byte strings (one char per byte) and Python regexes are translated.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { compilePython, expandTemplate, toBytes } from './support/python-regex.js';
import { applyTextEdit, planTextEdit, readTextTarget } from './support/text-edit.js';
import { validateSchemaProperty } from './support/write-content.js';

/** Python's readlines on bytes: split after every '\n', keeping it. */
function readLines(content: Buffer | null): string[] {
  return content === null ? [] : (content.toString('latin1').match(/[^\n]*\n|[^\n]+$/g) ?? []);
}

const stripEol = (line: string) => line.replace(/[\r\n]+$/, '');
const endsWithEol = (line: string) => /[\r\n]$/.test(line);

interface PresentOptions {
  regexp?: string;
  search_string?: string;
  line: string;
  insertafter?: string;
  insertbefore?: string;
  backrefs: boolean;
  firstmatch: boolean;
}

/** The new lines and Ansible's message; lines is mutated. */
function present(lines: string[], o: PresentOptions): string {
  const bLine = toBytes(o.line);
  const bre = o.regexp !== undefined ? compilePython(toBytes(o.regexp), 'regexp').regex : null;
  const insertPattern = o.insertafter !== undefined && o.insertafter !== 'BOF' && o.insertafter !== 'EOF' ? o.insertafter
    : o.insertbefore !== undefined && o.insertbefore !== 'BOF' ? o.insertbefore : undefined;
  const breIns = insertPattern !== undefined ? compilePython(toBytes(insertPattern), 'insertafter/insertbefore').regex : null;
  // index[0]: the line regexp/search_string (or the exact line) is on; index[1]: where to insert.
  const index = [-1, -1];
  let match: RegExpExecArray | true | null = null;
  let exactLineMatch = false;
  if (bre) {
    for (const [i, cur] of lines.entries()) {
      const m = bre.exec(cur);
      if (m) {
        index[0] = i;
        match = m;
        if (o.firstmatch) break;
      }
    }
  }
  if (o.search_string !== undefined) {
    const needle = toBytes(o.search_string);
    for (const [i, cur] of lines.entries()) {
      if (cur.includes(needle)) {
        index[0] = i;
        match = true;
        if (o.firstmatch) break;
      }
    }
  }
  // insertafter/insertbefore only count when regexp/search_string found nothing.
  if (!match) {
    for (const [i, cur] of lines.entries()) {
      if (bLine === stripEol(cur)) {
        index[0] = i;
        exactLineMatch = true;
      } else if (breIns && breIns.exec(cur)) {
        if (o.insertafter) {
          index[1] = i + 1;
          if (o.firstmatch) break;
        }
        if (o.insertbefore) {
          index[1] = i;
          if (o.firstmatch) break;
        }
      }
    }
  }
  const added = (at: number) => {
    lines.splice(at, 0, bLine + '\n');
    return 'line added';
  };
  if (index[0]! !== -1) {
    // (Ansible's branch for "no regexp, no search_string, no exact match" here is unreachable: skipped.)
    let newLine = o.backrefs && match && match !== true ? expandTemplate(bLine, match) : bLine;
    if (!newLine.endsWith('\n')) newLine += '\n';
    if (lines[index[0]!] === newLine) return '';
    lines[index[0]!] = newLine;
    return 'line replaced';
  }
  // backrefs and no match: leave the file alone, the backrefs cannot be filled in.
  if (o.backrefs) return '';
  if (o.insertbefore === 'BOF' || o.insertafter === 'BOF') return added(0);
  if (o.insertafter === 'EOF' || index[1] === -1) {
    if (lines.length > 0 && !endsWithEol(lines[lines.length - 1]!)) lines.push('\n');
    return added(lines.length);
  }
  const at = index[1]!;
  if (o.insertafter) {
    // Nothing to do when the line is already right after the insertafter match.
    if (at === lines.length) return stripEol(lines[at - 1]!) !== bLine ? added(at) : '';
    return bLine !== stripEol(lines[at]!) ? added(at) : '';
  }
  return added(at);
}

export default defineModule({
  name: 'lineinfile',
  summary: 'Make sure a particular line is in a file, or replace an existing line matched by a regular expression.',
  changedWhen: 'a line is added, replaced or removed, or mode/owner/group differ.',
  // Ansible's module returns its before/after as `diff` in the result, whatever --diff says.
  diffInResult: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['path'],
    properties: {
      path: { type: 'string', minLength: 1, description: 'The file to modify (aliases dest, destfile, name).' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the line should be there or not.' },
      line: { type: 'string', description: 'The line to insert or replace; required for state=present. With backrefs it may hold \\1 or \\g<name>.' },
      regexp: { type: 'string', description: 'Python regular expression looked for in every line: present replaces the last match, absent removes every match.' },
      search_string: { type: 'string', description: 'A literal string looked for in every line, instead of regexp.' },
      insertafter: { type: 'string', description: "Insert after the last line matching this regular expression, or 'EOF' (default) / 'BOF'. Used when regexp finds nothing." },
      insertbefore: { type: 'string', description: "Insert before the last line matching this regular expression, or 'BOF'." },
      firstmatch: { type: 'boolean', default: false, description: 'Use the first line matching insertafter/insertbefore (and regexp) instead of the last.' },
      backrefs: { type: 'boolean', default: false, description: 'Expand regexp groups in line; when regexp matches nothing the file is left unchanged.' },
      create: { type: 'boolean', default: false, description: 'Create the file (and missing parent directories) when it does not exist; otherwise that is an error.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as PATH.<pid>.<date>~.' },
      validate: validateSchemaProperty,
      ...attributeSchemaProperties,
    },
  },
  paramAliases: { dest: 'path', destfile: 'path', name: 'path', regex: 'regexp', value: 'line' },
  async plan(host, params, ctx) {
    if (params.insertafter !== undefined && params.insertbefore !== undefined) throw new ModuleFailure('parameters are mutually exclusive: insertbefore|insertafter');
    if (params.regexp !== undefined && params.search_string !== undefined) throw new ModuleFailure('parameters are mutually exclusive: regexp|search_string');
    if (params.backrefs && params.search_string !== undefined) throw new ModuleFailure('parameters are mutually exclusive: backrefs|search_string');
    // Ansible's lineinfile warning, word for word: roles test for it in the result's warnings.
    const unintended = 'This may have unintended consequences, such as replacing the last line in the file rather than appending.';
    if (params.regexp === '') ctx.warn(`The regular expression is an empty string, which will match every line in the file. ${unintended} If this is desired, use '^' to match every line in the file and avoid this warning.`);
    else if (params.search_string === '') ctx.warn(`The search string is an empty string, which will match every line in the file. ${unintended}`);
    const target = await readTextTarget(host, params.path);
    const lines = readLines(target.content);

    if (params.state === 'absent') {
      if (params.regexp === undefined && params.search_string === undefined && params.line === undefined) {
        throw new ModuleFailure('one of line, search_string, or regexp is required with state=absent');
      }
      // Ansible stops here without looking at mode/owner/group.
      if (target.content === null) return { changes: [], result: { msg: 'file not present' } };
      const bre = params.regexp !== undefined ? compilePython(toBytes(params.regexp), 'regexp').regex : null;
      const needle = params.search_string !== undefined ? toBytes(params.search_string) : null;
      const bLine = toBytes(params.line ?? '');
      const matches = (cur: string) => (bre ? bre.exec(cur) !== null : needle !== null ? cur.includes(needle) : bLine === stripEol(cur));
      const kept = lines.filter((cur) => !matches(cur));
      const found = lines.length - kept.length;
      const msg = found > 0 ? `${found} line(s) removed` : '';
      return planTextEdit(target, Buffer.from(kept.join(''), 'latin1'), params, { msg, found, backup: '' });
    }

    if (params.backrefs && params.regexp === undefined) throw new ModuleFailure('regexp is required with backrefs=true');
    if (params.line === undefined) throw new ModuleFailure('line is required with state=present');
    if (target.content === null && !params.create) throw new ModuleFailure(`Destination ${target.path} does not exist !`, { rc: 257 });
    const noInsert = params.insertafter === undefined && params.insertbefore === undefined;
    const msg = present(lines, {
      ...params,
      line: params.line,
      insertafter: noInsert ? 'EOF' : params.insertafter,
      backrefs: params.backrefs,
      firstmatch: params.firstmatch,
    });
    // Ansible writes only when its algorithm says so: backrefs without a match never creates the file.
    return planTextEdit(target, msg ? Buffer.from(lines.join(''), 'latin1') : null, params, { msg, backup: '' });
  },
  apply: (host, params, plan) => applyTextEdit(host, params, plan, 'backup'),
});
