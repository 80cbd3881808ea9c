// Template text -> a Handlebars syntax tree plus the Jinja-style expressions
// it contains. This is the only file that imports Handlebars, and only its
// parser: evaluation is ours (mustache.ts), for strict undefined handling,
// own-property-only lookups and typed values.
//
// The rule, per `{{ ... }}`:
//  1. Handlebars syntax is left to Handlebars: blocks and their ends
//     ({{#each}}, {{/each}}, {{else}}, {{^x}}), comments, partials, {{{ }}}.
//  2. Otherwise, if the content parses as an expression of the condition
//     language (x, a.b, a[0], x | default('y'), a ~ b, 'x' if c else 'y'...)
//     it is that expression. Every plain Ansible substitution lands here.
//  3. Otherwise it is a Handlebars mustache: a helper call with space-separated
//     arguments ({{default x 5}}, {{join list ","}}) or a Handlebars-only path
//     (@index, ../x, a.[0]).
// Rule 2 is applied by replacing each such mustache with a placeholder of the
// same length (a private-use character naming the expression), so that
// Handlebars parses blocks around it and reports line:column of the original.
import Handlebars from 'handlebars';
import { ExpressionError, TemplateError } from './errors.js';
import { compileExpression } from './expression.js';
import type { Expr } from './parser.js';
import { findClose } from './scan.js';

export type Program = hbs.AST.Program;
export type Statement = hbs.AST.Statement;
export type ContentStatement = hbs.AST.ContentStatement;
export type StringLiteral = hbs.AST.StringLiteral;
export type MustacheStatement = hbs.AST.MustacheStatement;
export type BlockStatement = hbs.AST.BlockStatement;
export type SubExpression = hbs.AST.SubExpression;
export type PathExpression = hbs.AST.PathExpression;
export type HbsExpression = hbs.AST.Expression;
export type SourceLocation = hbs.AST.SourceLocation;
export type Position = hbs.AST.Position;

/** A Jinja-style expression found in the text, evaluated by expression.ts. */
export interface Slot {
  expr: Expr;
  /** The mustache's content, for error carets. */
  source: string;
}

export interface Template {
  program: Program;
  slots: Slot[];
  /** The only mustache of a text that is nothing else but whitespace: its value keeps its type. */
  single: MustacheStatement | null;
}

/** Private-use characters: never in real templates, valid in a Handlebars identifier. */
const SLOT_BASE = 0xe000;
const MAX_SLOTS = 0xf8ff - SLOT_BASE;
/** Handlebars syntax that is never an expression: blocks, ends, else, partials, decorators, comments. */
const HANDLEBARS_ONLY = /^([#/^>&*!]|else(?![\w.]))/;

const cache = new Map<string, Template>();

/** Parse template text once; later calls with the same text reuse the tree. */
export function compileTemplate(text: string): Template {
  let template = cache.get(text);
  if (template === undefined) {
    template = build(text);
    if (cache.size > 5_000) cache.clear();
    cache.set(text, template);
  }
  return template;
}

/** The slot a placeholder path stands for, or undefined for an ordinary path. */
export function slotOf(template: Template, path: HbsExpression): Slot | undefined {
  if (path.type !== 'PathExpression') return undefined;
  const p = path as PathExpression;
  if (p.data || p.depth !== 0 || p.parts.length !== 1 || p.original.length !== 1) return undefined;
  return template.slots[p.original.charCodeAt(0) - SLOT_BASE];
}

function build(text: string): Template {
  const { text: prepared, slots } = replaceExpressions(text);
  let program: Program;
  try {
    program = Handlebars.parse(prepared);
  } catch (error) {
    throw new TemplateError(`template syntax error: ${describeParseError((error as Error).message)}`);
  }
  const meaningful = program.body.filter(
    (s) => !(s.type === 'CommentStatement' || (s.type === 'ContentStatement' && (s as ContentStatement).value.trim() === '')),
  );
  const only = meaningful.length === 1 ? meaningful[0]! : null;
  return { program, slots, single: only?.type === 'MustacheStatement' ? (only as MustacheStatement) : null };
}

/** Jison's "Parse error on line 2: <excerpt> Expecting 'A', 'B', got 'EOF'" in one readable line. */
function describeParseError(message: string): string {
  const clean = message.replace(/[\ue000-\uf8ff]/g, '…');
  const parse = /^Parse error on line (\d+):[\s\S]*got '(\w+)'/.exec(clean);
  if (parse === null) return clean.split('\n')[0]!;
  const got = parse[2] === 'EOF' ? 'end of text (is a {{#block}} not closed?)' : `token ${parse[2]}`;
  return `unexpected ${got} on line ${parse[1]}`;
}

function replaceExpressions(text: string): { text: string; slots: Slot[] } {
  const slots: Slot[] = [];
  let out = '';
  let done = 0;
  let i = 0;
  for (;;) {
    const open = text.indexOf('{{', i);
    if (open === -1) break;
    // Handlebars' escape: \{{ is a literal {{ (and \\{{ a backslash, then a mustache).
    if (text[open - 1] === '\\' && text[open - 2] !== '\\') {
      i = open + 2;
      continue;
    }
    if (text.startsWith('{{{{', open)) {
      throw new TemplateError('raw blocks ({{{{raw}}}}) are not supported; write \\{{ for a literal {{');
    }
    const start = text[open + 2] === '~' ? open + 3 : open + 2;
    const skip = skipHandlebarsOnly(text, start);
    if (skip !== null) {
      if (skip === -1) break;
      i = skip;
      continue;
    }
    const close = findClose(text, start);
    if (close === -1) break;
    const end = text[close - 1] === '~' && close - 1 >= start ? close - 1 : close;
    const content = text.slice(start, end);
    i = close + 2;
    if (content.trim() === '' || HANDLEBARS_ONLY.test(content.trim())) continue;
    const expr = asExpression(content, text, open);
    if (expr === null) continue;
    if (slots.length >= MAX_SLOTS) throw new TemplateError(`a template may hold at most ${MAX_SLOTS} expressions`);
    const placeholder = content.replace(/[^\r\n]/g, ' ').replace(' ', String.fromCharCode(SLOT_BASE + slots.length));
    slots.push({ expr, source: content });
    out += text.slice(done, start) + placeholder;
    done = end;
  }
  return { text: out + text.slice(done), slots };
}

/** Where comments and {{{triple}}} mustaches end (null: not one of them; -1: unterminated). */
function skipHandlebarsOnly(text: string, start: number): number | null {
  if (text.startsWith('!--', start)) {
    const end = /--~?\}\}/g;
    end.lastIndex = start + 3;
    const match = end.exec(text);
    return match === null ? -1 : match.index + match[0].length;
  }
  if (text[start] === '!') {
    const end = text.indexOf('}}', start);
    return end === -1 ? -1 : end + 2;
  }
  if (text[start] === '{') {
    const end = text.indexOf('}}}', start);
    return end === -1 ? -1 : end + 3;
  }
  return null;
}

/** The content as an expression, or null if it is valid Handlebars instead; an error if it is neither. */
function asExpression(content: string, text: string, offset: number): Expr | null {
  try {
    return compileExpression(content);
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    const before = text.slice(0, offset);
    error.position = { line: before.split('\n').length, column: offset - before.lastIndexOf('\n') - 1 };
    try {
      const parsed = Handlebars.parse(`{{${content}}}`);
      if (parsed.body.length === 1 && parsed.body[0]!.type === 'MustacheStatement') return null;
    } catch {
      // Neither language: the expression error is the more useful one for an Ansible author.
    }
    throw error;
  }
}
