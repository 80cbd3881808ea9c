// The one place where values become shell words. Every remote command is a
// Command built by the `sh` tagged template: each interpolated value is
// POSIX-quoted (single quotes, never bash-only $'..'), so no playbook value can
// ever be parsed by the remote shell as syntax. Values wrapped in `secret()`
// are quoted the same way but shown as ******** wherever a command is displayed.

/** A shell command ready to send: `text` runs, `display` is safe to print. */
export interface Command {
  readonly kind: 'command';
  readonly text: string;
  readonly display: string;
  /** The secret values it contains, so reporters can mask them in output too. */
  readonly secrets: readonly string[];
}

/** A value that must be quoted like any other but never printed. */
export interface Secret {
  readonly kind: 'secret';
  readonly value: string;
}

/** A trusted shell fragment written by drover's own code (never from a playbook). */
export interface Raw {
  readonly kind: 'raw';
  readonly text: string;
}

export const MASK = '********';

export type ShellValue = string | number | bigint | boolean | Command | Secret | Raw | readonly ShellValue[];

export class NulByteError extends Error {
  constructor() {
    super('a value sent to a remote command contains a NUL byte, which no POSIX shell word can hold');
    this.name = 'NulByteError';
  }
}

/** POSIX single-quote one word: 'it'\''s' . The only quoting rule drover uses. */
export function quote(value: string): string {
  if (value.includes('\0')) throw new NulByteError();
  // Words made only of these characters need no quotes; keeps displayed commands readable.
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function secret(value: string): Secret {
  return { kind: 'secret', value };
}

/** Mark drover-authored text as already shell syntax. Never pass playbook values here. */
export function raw(text: string): Raw {
  return { kind: 'raw', text };
}

interface Rendered {
  text: string;
  display: string;
  secrets: string[];
}

function render(value: ShellValue): Rendered {
  if (Array.isArray(value)) {
    const parts = (value as readonly ShellValue[]).map(render);
    return {
      text: parts.map((p) => p.text).join(' '),
      display: parts.map((p) => p.display).join(' '),
      secrets: parts.flatMap((p) => p.secrets),
    };
  }
  if (typeof value === 'object' && value !== null) {
    const v = value as Command | Secret | Raw;
    if (v.kind === 'command') return { text: v.text, display: v.display, secrets: [...v.secrets] };
    if (v.kind === 'raw') return { text: v.text, display: v.text, secrets: [] };
    return { text: quote(v.value), display: MASK, secrets: v.value === '' ? [] : [v.value] };
  }
  const word = quote(String(value));
  return { text: word, display: word, secrets: [] };
}

/** Tagged template: sh`mkdir -p -- ${path}`. Literal parts are trusted, values are quoted. */
export function sh(strings: TemplateStringsArray, ...values: ShellValue[]): Command {
  let text = strings[0] ?? '';
  let display = text;
  const secrets: string[] = [];
  values.forEach((value, i) => {
    const r = render(value);
    const literal = strings[i + 1] ?? '';
    text += r.text + literal;
    display += r.display + literal;
    secrets.push(...r.secrets);
  });
  return { kind: 'command', text, display, secrets };
}

/** Join commands into one script, each line run in order (used to batch reads). */
export function joinCommands(commands: readonly Command[], separator = '\n'): Command {
  return {
    kind: 'command',
    text: commands.map((c) => c.text).join(separator),
    display: commands.map((c) => c.display).join(separator),
    secrets: commands.flatMap((c) => c.secrets),
  };
}

export function isCommand(value: unknown): value is Command {
  return typeof value === 'object' && value !== null && (value as Command).kind === 'command';
}
