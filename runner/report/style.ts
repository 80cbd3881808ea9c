// Colour and output plumbing shared by the reporters. Colours are Ansible's
// defaults (lib/ansible/constants.py COLOR_*, rendered like utils/color.py
// stringc) so that people reading drover output recognise it at a glance.
// No colour library: a handful of SGR codes is all we need, and it keeps the
// no-colour output byte-exact and free of any library's own TTY guessing.

/** What a piece of text means; each tone maps to one of Ansible's colours. */
export type Tone =
  | 'ok'
  | 'changed'
  | 'error'
  | 'skip'
  | 'unreachable'
  | 'warn'
  | 'diffAdd'
  | 'diffRemove'
  | 'diffLines'
  | 'verbose';

const SGR: Record<Tone, string> = {
  ok: '0;32', // green
  changed: '0;33', // yellow
  error: '0;31', // red
  skip: '0;36', // cyan
  unreachable: '1;31', // bright red
  warn: '1;35', // bright purple
  diffAdd: '0;32',
  diffRemove: '0;31',
  diffLines: '0;36',
  verbose: '0;34', // blue
};

/** Colours text, or returns it unchanged when colour is off. */
export type Paint = (text: string, tone: Tone) => string;

/** Like Ansible's stringc: each line is wrapped on its own, so a line never carries colour into the next. */
export function painter(enabled: boolean): Paint {
  if (!enabled) return (text) => text;
  return (text, tone) =>
    text
      .split('\n')
      .map((line) => `\x1b[${SGR[tone]}m${line}\x1b[0m`)
      .join('\n');
}

/** The writable side the reporters need; process.stdout and a PassThrough both fit. */
export interface OutputStream {
  write(chunk: string, callback?: (error?: Error | null) => void): boolean;
  on?(event: 'error', listener: (error: Error) => void): unknown;
  isTTY?: boolean;
  columns?: number;
}

/**
 * Decide colour. An explicit choice (a --color/--no-color flag) wins, as the
 * NO_COLOR convention asks; otherwise NO_COLOR turns it off, FORCE_COLOR on,
 * and by default only a terminal gets colour.
 */
export function shouldColor(
  explicit: boolean | undefined,
  stream: OutputStream,
  env: NodeJS.ProcessEnv = process.env,
): boolean {
  if (explicit !== undefined) return explicit;
  if (env.NO_COLOR) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** Ansible's Display.columns: 79, or the terminal width minus one when wider. */
export function columnsOf(stream: OutputStream): number {
  return stream.isTTY && stream.columns ? Math.max(79, stream.columns - 1) : 79;
}

/** Python's `%-Ns`: pads by characters (code points), never truncates. */
export function padRight(text: string, width: number): string {
  const length = [...text].length;
  return length >= width ? text : text + ' '.repeat(width - length);
}

/** Ansible's Display.banner: message, a space, then stars out to the column width (at least 3), after a blank line. */
export function banner(message: string, columns = 79): string {
  const text = message.trim();
  let stars = columns - [...text].length;
  if (stars <= 3) stars = 3;
  return `\n${text} ${'*'.repeat(stars)}\n`;
}

/**
 * Writes text to a stream and remembers the last write so that close() can
 * wait until everything has been handed to the OS (a CLI that exits right
 * after the run must not lose the recap on a pipe).
 */
export class Sink {
  private last: Promise<void> = Promise.resolve();
  /** Set when the stream failed (EPIPE: `drover run ... | head` has exited). */
  private broken = false;

  constructor(readonly stream: OutputStream) {
    // Without a listener a stream error is thrown and kills the run halfway through
    // its changes; losing the rest of the output is the lesser harm.
    stream.on?.('error', () => {
      this.broken = true;
    });
  }

  write(text: string): void {
    if (text === '' || this.broken) return;
    // Resolve even on error: reporting must never hang the run.
    this.last = new Promise((resolve) => {
      this.stream.write(text, () => resolve());
    });
  }

  flushed(): Promise<void> {
    return this.last;
  }
}
