// One error type for everything the inventory reader rejects, so the CLI can
// print it as is: the position comes first (file:line or file:line:col, the
// form editors jump to), then the reason, then the offending text.

import { excerptWindow, InputError } from '../errors.js';

/** Where in a file something was written. `file` is relative to the working directory. */
export interface SourcePos {
  file: string;
  line?: number;
  col?: number;
}

/**
 * A user error in an inventory, a vars file or a host pattern (not a bug in
 * drover). It is an InputError, so the CLI reports it as invalid input (exit 5)
 * instead of an internal error with a stack trace.
 */
export class InventoryError extends InputError {
  constructor(
    readonly reason: string,
    readonly pos?: SourcePos,
    /** The offending line or snippet, shown under the message. */
    readonly excerpt?: string,
  ) {
    super([{ message: formatMessage(reason, pos, excerpt) }]);
    this.name = 'InventoryError';
  }
}

/** `file:line:col: reason` followed by the excerpt indented by four spaces. */
export function formatMessage(reason: string, pos?: SourcePos, excerpt?: string): string {
  let where = '';
  if (pos) {
    where = pos.file;
    if (pos.line !== undefined) where += `:${pos.line}`;
    if (pos.line !== undefined && pos.col !== undefined) where += `:${pos.col}`;
    where += ': ';
  }
  const tail = excerpt === undefined ? '' : '\n' + excerpt.split('\n').map((l) => `    ${l}`).join('\n');
  return where + reason + tail;
}

/**
 * Adds the offending source line to an InventoryError raised deeper down (by
 * the inventory graph, which has no text) when it points into `file`.
 */
export function withExcerpt(e: unknown, file: string, lineText: (line: number, col?: number) => string | undefined): unknown {
  if (!(e instanceof InventoryError) || e.excerpt !== undefined || e.pos?.file !== file || e.pos.line === undefined) return e;
  return new InventoryError(e.reason, e.pos, lineText(e.pos.line, e.pos.col));
}

/** A YAML line with a caret under the column, since indentation matters there. */
export function caretExcerpt(lines: string[], line: number, col?: number): string | undefined {
  const full = lines[line - 1]?.trimEnd();
  if (full === undefined) return undefined;
  const { text, column } = excerptWindow(full, col ?? 1);
  return col === undefined ? text : `${text}\n${' '.repeat(Math.max(0, column - 1))}^`;
}
