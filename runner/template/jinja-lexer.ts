// Splits Jinja template text into text, `{{ expression }}` and `{% statement %}`
// pieces, applying Jinja 3's whitespace rules on the way, as its lexer does:
// `{%-`/`-%}` (and the same on `{{ }}` and `{# #}`) strip all whitespace on
// that side, `trim_blocks` drops the first newline after a block or comment
// tag, `lstrip_blocks` drops spaces and tabs before a block or comment tag that
// starts its line, `{%+` and `+%}` turn those two off for one tag. Comments
// are dropped and `{% raw %}` bodies become text here. Line statements and
// line comments (a `#jinja2: line_statement_prefix` header) are lexed as
// Jinja's regular expressions match them, see lineTagAt.
import { TemplateError } from './errors.js';

/** Delimiters and whitespace options, as the template module and `#jinja2:` headers set them. */
export interface Syntax {
  blockStart: string;
  blockEnd: string;
  variableStart: string;
  variableEnd: string;
  commentStart: string;
  commentEnd: string;
  trimBlocks: boolean;
  lstripBlocks: boolean;
  /** What every newline of the template text becomes. */
  newline: string;
  /** A line that starts with it (after spaces) is a statement, as `{% %}` (Jinja's line_statement_prefix; unset: none). */
  lineStatementPrefix?: string;
  /** From it to the end of the line is a comment (Jinja's line_comment_prefix; unset: none). */
  lineCommentPrefix?: string;
}

/** Ansible's environment: Jinja's delimiters with trim_blocks on. */
export const ANSIBLE_SYNTAX: Syntax = {
  blockStart: '{%',
  blockEnd: '%}',
  variableStart: '{{',
  variableEnd: '}}',
  commentStart: '{#',
  commentEnd: '#}',
  trimBlocks: true,
  lstripBlocks: false,
  newline: '\n',
};

export type Piece =
  | { kind: 'text'; text: string }
  /** `at` is the offset of `source` (the tag's content) in the lexed text. */
  | { kind: 'variable' | 'block'; source: string; at: number };

/** An error at an offset of the lexed text; the renderer turns it into file:line:col. */
export class LexError extends TemplateError {
  constructor(
    detail: string,
    readonly offset: number,
  ) {
    super(detail);
  }
}

/** Python's str.splitlines boundaries: Jinja reads each as a newline. */
const LINE_BREAKS = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

/** The text as Jinja's lexer sees it: every line break a \n, one trailing newline dropped (keep_trailing_newline off). */
export function normaliseNewlines(text: string): string {
  const unified = text.replace(LINE_BREAKS, '\n');
  return unified.endsWith('\n') ? unified.slice(0, -1) : unified;
}

export function lex(text: string, syntax: Syntax): Piece[] {
  const pieces: Piece[] = [];
  const starts: Tag[] = [
    { kind: 'block', open: syntax.blockStart, close: syntax.blockEnd },
    { kind: 'variable', open: syntax.variableStart, close: syntax.variableEnd },
    { kind: 'comment', open: syntax.commentStart, close: syntax.commentEnd },
  ];
  let pos = 0;
  let lineStarting = true;
  const pushText = (value: string): void => {
    if (value !== '') pieces.push({ kind: 'text', text: value.replace(/\n/g, syntax.newline) });
  };
  for (;;) {
    let tag: Tag | undefined;
    let open = -1;
    for (const s of starts) {
      const at = text.indexOf(s.open, pos);
      if (at !== -1 && (open === -1 || at < open || (at === open && s.open.length > tag!.open.length))) [tag, open] = [s, at];
    }
    const line = lineTagAt(text, pos, syntax);
    // Jinja tries the longer start first where two match at one place.
    if (line !== undefined && (open === -1 || line.at < open || (line.at === open && line.prefix.length > tag!.open.length))) {
      [tag, open] = [{ kind: line.kind, open: text.slice(line.at, line.prefixEnd), close: '\n' }, line.at];
    }
    if (tag === undefined) {
      pushText(text.slice(pos));
      return pieces;
    }
    const sign = text[open + tag.open.length];
    const control = sign === '-' || sign === '+' ? sign : '';
    const contentStart = open + tag.open.length + control.length;
    const before = text.slice(pos, open);
    pushText(stripBefore(before, { control, lstrip: syntax.lstripBlocks && tag.kind !== 'variable', lineStarting }));
    if (tag.kind === 'line comment') {
      // To the end of the line; the newline stays text.
      const eol = text.indexOf('\n', contentStart);
      pos = eol === -1 ? text.length : eol;
    } else if (tag.kind === 'line statement') {
      const close = findTagEnd(text, contentStart, '\n');
      const contentEnd = close === -1 ? text.length : close;
      pieces.push({ kind: 'block', source: text.slice(contentStart, contentEnd), at: contentStart });
      pos = afterLineStatement(text, contentEnd);
    } else if (tag.kind === 'block' && isRaw(text, contentStart, syntax)) {
      const raw = readRaw(text, open, syntax);
      pushText(raw.body);
      pos = raw.end;
    } else {
      const close = tag.kind === 'comment' ? text.indexOf(tag.close, contentStart) : findTagEnd(text, contentStart, tag.close);
      if (close === -1) throw new LexError(`missing end of ${tag.kind} tag: no '${tag.close}' after this '${tag.open}'`, open);
      const endSign = close > contentStart ? text[close - 1] : '';
      const contentEnd = endSign === '-' || (endSign === '+' && tag.kind !== 'variable') ? close - 1 : close;
      pos = afterTag(text, close + tag.close.length, { sign: endSign === '-' || endSign === '+' ? endSign : '', trim: syntax.trimBlocks && tag.kind !== 'variable' });
      if (tag.kind !== 'comment') pieces.push({ kind: tag.kind, source: text.slice(contentStart, contentEnd), at: contentStart });
    }
    lineStarting = text[pos - 1] === '\n';
  }
}

type Tag = { kind: 'block' | 'variable' | 'comment' | 'line statement' | 'line comment'; open: string; close: string };

/**
 * The first line statement or line comment at or after `from`, where Jinja's
 * patterns match: a statement is `^[ \t\v]*PREFIX` (it starts at its line's
 * start, the indent is part of it), a comment `(?:^|(?<=\S))[^\S\r\n]*PREFIX`
 * (the spaces before it are part of it).
 */
function lineTagAt(text: string, from: number, syntax: Syntax): { kind: 'line statement' | 'line comment'; at: number; prefixEnd: number; prefix: string } | undefined {
  let found: ReturnType<typeof lineTagAt>;
  const statement = syntax.lineStatementPrefix;
  if (statement !== undefined) {
    const pattern = new RegExp(`^[ \\t\\v]*${escape(statement)}`, 'gm');
    pattern.lastIndex = from;
    const m = pattern.exec(text);
    if (m !== null) found = { kind: 'line statement', at: m.index, prefixEnd: m.index + m[0].length, prefix: statement };
  }
  const comment = syntax.lineCommentPrefix;
  if (comment !== undefined) {
    const pattern = new RegExp(`(?:^|(?<=\\S))[^\\S\\r\\n]*${escape(comment)}`, 'gm');
    pattern.lastIndex = from;
    const m = pattern.exec(text);
    const longer = found === undefined || m?.index !== found.at || comment.length > found.prefix.length;
    if (m !== null && (found === undefined || m.index < found.at || (m.index === found.at && longer))) {
      found = { kind: 'line comment', at: m.index, prefixEnd: m.index + m[0].length, prefix: comment };
    }
  }
  return found;
}

/** After a line statement's content: Jinja's `\s*(\n|$)`, which takes every blank line after it up to the last newline. */
function afterLineStatement(text: string, contentEnd: number): number {
  let end = contentEnd;
  while (end < text.length && /\s/.test(text[end]!)) end++;
  if (end === text.length) return end;
  const lastNewline = text.lastIndexOf('\n', end - 1);
  return lastNewline >= contentEnd ? lastNewline + 1 : contentEnd;
}

function stripBefore(text: string, how: { control: string; lstrip: boolean; lineStarting: boolean }): string {
  if (how.control === '-') return text.replace(/\s+$/, '');
  if (how.control === '+' || !how.lstrip) return text;
  const lineStart = text.lastIndexOf('\n') + 1;
  if ((lineStart > 0 || how.lineStarting) && /^\s*$/.test(text.slice(lineStart))) return text.slice(0, lineStart);
  return text;
}

/** Where the text after a tag ends: `-` eats all whitespace, trim_blocks one newline (not after `+`). */
function afterTag(text: string, end: number, how: { sign: string; trim: boolean }): number {
  if (how.sign === '-') {
    while (end < text.length && /\s/.test(text[end]!)) end++;
    return end;
  }
  return how.sign !== '+' && how.trim && text[end] === '\n' ? end + 1 : end;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function isRaw(text: string, contentStart: number, syntax: Syntax): boolean {
  return new RegExp(`\\s*raw\\s*-?${escape(syntax.blockEnd)}`, 'y').test(text.slice(contentStart, contentStart + 200));
}

/** `{% raw %}body{% endraw %}`: the body as text, and where the text after `endraw` starts. */
function readRaw(text: string, open: number, syntax: Syntax): { body: string; end: number } {
  const [bs, be] = [escape(syntax.blockStart), escape(syntax.blockEnd)];
  const begin = new RegExp(`${bs}[-+]?\\s*raw\\s*(-?)${be}`, 'y');
  begin.lastIndex = open;
  const head = begin.exec(text)!;
  let start = open + head[0].length;
  if (head[1] === '-') while (start < text.length && /\s/.test(text[start]!)) start++;
  const end = new RegExp(`${bs}([-+]?)\\s*endraw\\s*([-+]?)${be}`, 'g');
  end.lastIndex = start;
  const tail = end.exec(text);
  if (tail === null) throw new LexError("missing '{% endraw %}' for this '{% raw %}'", open);
  let body = text.slice(start, tail.index);
  if (tail[1] === '-') body = body.replace(/\s+$/, '');
  return { body, end: afterTag(text, tail.index + tail[0].length, { sign: tail[2]!, trim: syntax.trimBlocks }) };
}

/** Offset of `close` ending a tag whose content starts at `from`, skipping strings and open brackets, as Jinja's lexer does; -1 if none. */
function findTagEnd(text: string, from: number, close: string): number {
  let depth = 0;
  for (let i = from; i < text.length; i++) {
    const c = text[i]!;
    if (depth === 0 && text.startsWith(close, i)) return i;
    if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
      if (j >= text.length) return text.indexOf(close, from);
      i = j;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && depth > 0) depth--;
  }
  return -1;
}
