// Jinja template text -> a parsed template, once per distinct text and
// syntax (the same value is rendered for every host and loop item). Ansible's
// `#jinja2:` first line is read here: `#jinja2: lstrip_blocks: True,
// trim_blocks: False` changes the syntax for this template only, and the line
// itself is not part of the output.
import { AnsibleRunTimeError, TemplateError } from './errors.js';
import { ANSIBLE_SYNTAX, normaliseNewlines, type Syntax } from './jinja-lexer.js';
import { JinjaSyntaxError, parseJinja, type Node } from './jinja-parser.js';

export interface JinjaTemplate {
  nodes: Node[];
  /** The syntax after the `#jinja2:` header: the newline sequence the output is finished with. */
  syntax: Syntax;
  /** `NAME:LINE:COL` of an offset in the lexed text, the line counted in the file as written. */
  place(offset: number): string;
  /** How many newlines end the text as written (Ansible keeps that many at the end of the output). */
  trailingNewlines: number;
}

const HEADER = '#jinja2:';

/** `#jinja2:` keys Ansible accepts, as the syntax names them. */
const HEADER_KEYS: Record<string, keyof Syntax> = {
  trim_blocks: 'trimBlocks',
  lstrip_blocks: 'lstripBlocks',
  newline_sequence: 'newline',
  block_start_string: 'blockStart',
  block_end_string: 'blockEnd',
  variable_start_string: 'variableStart',
  variable_end_string: 'variableEnd',
  comment_start_string: 'commentStart',
  comment_end_string: 'commentEnd',
  line_statement_prefix: 'lineStatementPrefix',
  line_comment_prefix: 'lineCommentPrefix',
};

const cache = new Map<string, JinjaTemplate>();

export interface CompileOptions {
  syntax?: Syntax;
  /** The file name errors start with; a playbook value is named by its quoted text instead, without line and column. */
  name: string;
  /** Whether a `#jinja2:` first line is read (Ansible reads it in the template it renders, not in included ones). */
  header?: boolean;
  /** A playbook value: errors name the value, not a line and column. */
  value?: boolean;
}

/** Parse template text once per (text, options); errors name `name:line:col`. */
export function compileJinja(text: string, options: CompileOptions): JinjaTemplate {
  const syntax = options.syntax ?? ANSIBLE_SYNTAX;
  const key = `${options.name}\0${options.header !== false}\0${options.value === true}\0${JSON.stringify(syntax)}\0${text}`;
  let template = cache.get(key);
  if (template === undefined) {
    template = build(text, syntax, options);
    if (cache.size > 5_000) cache.clear();
    cache.set(key, template);
  }
  return template;
}

function build(text: string, base: Syntax, options: CompileOptions): JinjaTemplate {
  let syntax = base;
  let body = text;
  let lineOffset = 0;
  if (options.header !== false && text.startsWith(HEADER)) {
    const eol = text.indexOf('\n');
    // Ansible's own slicing: without a newline the header loses its last character and the body is the whole text.
    syntax = readHeader(text.slice(HEADER.length, eol === -1 ? -1 : eol), base, options.name);
    body = text.slice(eol + 1);
    lineOffset = eol === -1 ? 0 : 1;
  }
  const lexed = normaliseNewlines(body);
  const place = (offset: number): string => {
    if (options.value === true) return options.name;
    const before = lexed.slice(0, offset);
    const line = before.split('\n').length + lineOffset;
    return `${options.name}:${line}:${offset - before.lastIndexOf('\n')}`;
  };
  let nodes: Node[];
  try {
    nodes = parseJinja(lexed, syntax);
  } catch (error) {
    // A value shows the expression under a caret; a file names its own line and column instead.
    if (error instanceof JinjaSyntaxError && error.expression !== undefined && options.value === true) throw error.expression.locate(place(error.offset));
    if (error instanceof JinjaSyntaxError) {
      const located = new TemplateError(`template syntax error: ${error.detail}`).locate(place(error.offset));
      located.unsupported = error.unsupported;
      throw located;
    }
    throw error;
  }
  return { nodes, syntax, place, trailingNewlines: /\n*$/.exec(body)![0].length };
}

function readHeader(line: string, base: Syntax, name: string): Syntax {
  const syntax: Record<string, unknown> = { ...base };
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    if (colon === -1) throw new AnsibleRunTimeError(`failed to parse jinja2 override '${pair.trim()}'. Did you use something different from colon as key-value separator?`).locate(`${name}:1:1`);
    const key = pair.slice(0, colon).trim();
    const field = HEADER_KEYS[key];
    if (field === undefined) {
      const error = new TemplateError(`#jinja2: header sets '${key}', which drover does not support (it supports ${Object.keys(HEADER_KEYS).join(', ')})`).locate(`${name}:1:1`);
      error.unsupported = { kind: 'template statement', name: `#jinja2: ${key}`, instead: `leave it out (drover's #jinja2: header takes ${Object.keys(HEADER_KEYS).join(', ')})` };
      throw error;
    }
    syntax[field] = literal(pair.slice(colon + 1).trim(), typeof ANSIBLE_SYNTAX[field] === 'boolean' ? 'boolean' : field.endsWith('Prefix') ? 'prefix' : 'string', `${name}:1:1`);
  }
  return syntax as unknown as Syntax;
}

/**
 * The Python literals a header value is (ast.literal_eval) that drover takes: True/False for a
 * switch (a quoted string is true unless empty, as in Python), a quoted string for a delimiter,
 * a quoted string or None (no prefix) for a line prefix.
 */
function literal(text: string, kind: 'boolean' | 'string' | 'prefix', where: string): unknown {
  if (kind === 'boolean' && (text === 'True' || text === 'False')) return text === 'True';
  if (kind === 'prefix' && text === 'None') return undefined;
  const quoted = /^(['"])(.*)\1$/s.exec(text);
  if (quoted !== null) return quoted[2]!.replace(/\\n/g, '\n').replace(/\\r/g, '\r').replace(/\\t/g, '\t').replace(/\\(['"\\])/g, '$1');
  const expected = { boolean: 'True, False or a quoted string', string: 'a quoted string', prefix: 'a quoted string or None' }[kind];
  throw new TemplateError(`#jinja2: header value ${text} is not ${expected}`).locate(where);
}
