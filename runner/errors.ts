// Two kinds of failure, kept apart as STYLE asks: input errors (the user's
// YAML, inventory or flags are wrong: point at file:line:col, say what to do)
// and internal errors (drover's bug: stack trace, please report).

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

/** The source line at `line` with a caret under `column`, for messages. */
export function excerpt(source: string, line: number, column: number): string {
  const text = source.split('\n')[line - 1] ?? '';
  return `  ${text}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
}
