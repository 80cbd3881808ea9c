// Two kinds of failure, kept apart as STYLE asks: input errors (the user's
// YAML, inventory or flags are wrong: point at file:line:col, say what to do)
// and internal errors (drover's bug: stack trace, please report). A third,
// ModuleFailure, fails one task on one host; modules see it through module-api.ts.

/** A place in a source file; line and column count from 1. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

export interface Problem {
  message: string;
  location?: SourceLocation;
  /** The offending source line with a caret under the column. */
  excerpt?: string;
  /** Set when the problem is an Ansible construct drover does not have (not a mistake Ansible would refuse too): what `drover compat` groups by. */
  unsupported?: Unsupported;
}

/** The kinds of Ansible construct drover may lack, as `drover compat` groups them. */
export const UNSUPPORTED_KINDS = ['module', 'role', 'parameter', 'keyword', 'filter', 'test', 'lookup', 'template statement', 'setting'] as const;
export type UnsupportedKind = (typeof UNSUPPORTED_KINDS)[number];

/** An Ansible construct drover does not have: its kind, its name as written, and what to use instead. */
export interface Unsupported {
  kind: UnsupportedKind;
  name: string;
  instead: string;
  /** Where the construct itself is written, when the problem is reported elsewhere (a template file, at the task that names it). */
  at?: SourceLocation;
}

export function formatLocation(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}

export function formatProblem(problem: Problem): string {
  const where = problem.location ? `${formatLocation(problem.location)}: ` : '';
  return `${where}${problem.message}${problem.excerpt ? `\n${problem.excerpt}` : ''}`;
}

/** Everything wrong with the input, reported at once before any host is contacted. */
export class InputError extends Error {
  constructor(readonly problems: Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
  }
}

/** Characters of a source line an excerpt shows: a minified 500 KB line is not echoed whole. */
export const EXCERPT_WIDTH = 200;

/** The part of a long line around `column` (1-based), marked with `...` where cut, and the column within it. */
export function excerptWindow(text: string, column: number): { text: string; column: number } {
  if (text.length <= EXCERPT_WIDTH) return { text, column };
  const start = Math.max(0, Math.min(column - 1 - EXCERPT_WIDTH / 2, text.length - EXCERPT_WIDTH));
  const head = start > 0 ? '...' : '';
  const tail = start + EXCERPT_WIDTH < text.length ? '...' : '';
  return { text: head + text.slice(start, start + EXCERPT_WIDTH) + tail, column: column - start + head.length };
}

/** The source line at `line` with a caret under `column`, for messages. */
export function excerpt(source: string, line: number, column: number): string {
  const shown = excerptWindow(source.split('\n')[line - 1] ?? '', column);
  return `  ${shown.text}\n  ${' '.repeat(Math.max(0, shown.column - 1))}^`;
}

/** A module's way to say the task failed; `result` is still registered. */
export class ModuleFailure extends Error {
  constructor(
    message: string,
    readonly result: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ModuleFailure';
  }
}
