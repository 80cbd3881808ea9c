// One long-lived `sh` per connection, fed one framed command at a time, so a
// command costs a write and a read on an open channel instead of a channel
// open + exec request + a new sshd session process (measured on a namespace
// host: `true` 12.2 -> 4.1 ms, a stat + sha256sum 30.5 -> 15.9 ms, on a loaded
// machine). Each script still runs in its own child `sh -c`, with stdin from
// /dev/null unless it has its own, so nothing it does (cd, exit, a syntax error, traps) reaches the
// long-lived shell or the next command.
//
// A command's stdin (an upload) travels in the same write, inside the command
// text the long-lived shell reads: a quoted word fed to the child by the
// shell's builtin printf, or base64 in a here-document when the bytes hold a
// NUL, which no shell word can. Opening a channel per upload instead makes
// sshd start the user's login shell again each time (its ~/.bashrc with it):
// on a host whose .bashrc sleeps 0.2 s a task that writes cost 262 ms instead
// of 41 (bench/slow-login-shell.ts). A command cut off mid-transfer is never
// run: the shell only starts it once the closing quote or delimiter arrived.
// become's password dialog goes through this shell as well (ShellDialog).
//
// Framing: after the child exits the shell prints a marker carrying a random
// nonce, new for every command and chosen here, and the exit status on stdout,
// and the marker alone on stderr; everything before the markers is the
// command's output, byte for byte.
import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { quote } from '../quote.js';
import type { ExecOptions, ExecResult } from './types.js';

interface Pending {
  stdout: StreamCut;
  stderr: StreamCut;
  dialog?: ShellDialog;
  markers?: DialogMarkers;
  resolve(result: ExecResult): void;
  reject(error: Error): void;
}

/** Collects a stream until a marker, keeping the bytes before it. */
class StreamCut {
  private readonly chunks: Buffer[] = [];
  private length = 0;
  /** The last bytes seen, enough to find a marker that straddles two chunks. */
  private tail = Buffer.alloc(0);
  /** Bytes after the marker (stdout: the exit status line); unset until the marker came. */
  rest: Buffer | undefined;

  constructor(private readonly marker: Buffer) {}

  push(chunk: Buffer): void {
    if (this.rest !== undefined) {
      this.rest = Buffer.concat([this.rest, chunk]);
      return;
    }
    const window = Buffer.concat([this.tail, chunk]);
    const at = window.indexOf(this.marker);
    if (at < 0) {
      this.chunks.push(chunk);
      this.length += chunk.length;
      this.tail = window.subarray(Math.max(0, window.length - (this.marker.length - 1)));
      return;
    }
    const end = this.length - this.tail.length + at;
    const all = Buffer.concat([...this.chunks, chunk]);
    this.chunks.length = 0;
    this.chunks.push(all.subarray(0, end));
    this.length = end;
    this.rest = all.subarray(end + this.marker.length);
  }

  get before(): string {
    return Buffer.concat(this.chunks, this.length).toString('utf8');
  }
}

/**
 * The largest stdin sent through the long-lived shell: the shell holds the
 * whole command in memory before it runs it; bigger uploads take a channel,
 * where one login shell more is small next to the transfer.
 */
const MAX_STDIN_BYTES = 16 * 1024 * 1024;

/** Whether `stdin` can go through the long-lived shell. */
export function carriesStdin(stdin: string | Buffer): boolean {
  return (typeof stdin === 'string' ? Buffer.byteLength(stdin) : stdin.length) <= MAX_STDIN_BYTES;
}

/**
 * A command that writes `stdin` on its stdout (the shell's builtin printf of
 * one quoted word, or base64 -d of a here-document when the bytes hold a NUL),
 * and the lines that must follow the command line (the here-document's body).
 */
function stdinWriter(stdin: string | Buffer, nonce: string): { writer: Buffer; body: string } {
  const bytes = typeof stdin === 'string' ? Buffer.from(stdin) : stdin;
  if (!bytes.includes(0)) {
    // latin1 maps each byte to one char and back, so quote() keeps any bytes exact.
    return { writer: Buffer.from(`printf '%s' ${quote(bytes.toString('latin1'))}`, 'latin1'), body: '' };
  }
  const delimiter = `@@drover-stdin-${nonce}`;
  const lines = bytes.toString('base64').replace(/.{1,76}/g, '$&\n');
  return { writer: Buffer.from(`base64 -d <<'${delimiter}'`), body: `${lines}${delimiter}\n` };
}

/**
 * A dialog over the long-lived shell. In front of the command a reader loop
 * (a subshell of the long-lived shell, builtins only, SIGPIPE ignored so that
 * it outlives the command) reads control lines from the shell's own stdin,
 * which the shell itself is not reading while the command runs:
 *   l, then a line: write that line to the command (a password);
 *   p, then a line of base64: write those bytes to the command;
 *   s: write the command's stdin, then end it;  e: end it.
 * Nothing is sent before the command's start marker: the shell has then read
 * the whole command line, so no control line can be in its input buffer and
 * later run as a command. s or e is sent exactly once, nothing after it. A
 * command that ends on its own (sudo not there) prints an exit marker, which
 * is answered with e, so the reader never waits for ever. The password is in
 * no process's arguments: printf is a builtin, base64 reads it on a pipe.
 */
class ShellDialog {
  private ended = false;
  private started = false;
  private readonly queued: string[] = [];
  /** Stderr before the start marker, then the last bytes seen (to find the exit marker across chunks). */
  private seen = '';
  private readonly onStderr: (chunk: Buffer) => void;

  constructor(
    private readonly channel: ClientChannel,
    private readonly markers: DialogMarkers,
    dialog: NonNullable<ExecOptions['dialog']>,
  ) {
    this.onStderr = dialog({
      // One line (a password and its newline) as it is: no process; any other bytes in base64.
      send: (text) => this.control(/^[^\n\0]*\n$/.test(text) ? `l\n${text}` : `p\n${Buffer.from(text).toString('base64')}\n`),
      release: () => this.end('s'),
      hangUp: () => this.end('e'),
    });
  }

  /** Shell text: the reader loop, piped into the command between its start and exit markers. */
  static wrap(script: string, markers: DialogMarkers, writer: Buffer | undefined): Buffer {
    const send = writer ? Buffer.concat([writer, Buffer.from('; ')]) : Buffer.alloc(0);
    return Buffer.concat([
      Buffer.from(`{ trap '' PIPE; while IFS= read -r c; do case $c in l) IFS= read -r l && printf '%s\\n' "$l";; p) IFS= read -r l && printf '%s\\n' "$l" | base64 -d;; s) `),
      send,
      Buffer.from(
        `break;; *) break;; esac; done; } 2>/dev/null | ( printf '%s\\n' ${markers.start} >&2; sh -c ${quote(script)}; s=$?; printf '%s\\n' ${markers.exit} >&2; exit $s )`,
      ),
    ]);
  }

  /** The command's stderr without the markers (the start marker comes first, the exit marker last). */
  static strip(stderr: string, markers: DialogMarkers): string {
    const start = `${markers.start}\n`;
    const exit = `${markers.exit}\n`;
    const from = stderr.startsWith(start) ? start.length : 0;
    return stderr.endsWith(exit) ? stderr.slice(from, -exit.length) : stderr.slice(from);
  }

  /** Live stderr: starts the talk at the start marker, ends the reader at the exit marker, the rest to the dialog. */
  push(chunk: Buffer): void {
    let text = chunk.toString('latin1');
    if (!this.started) {
      this.seen += text;
      const at = this.seen.indexOf(`${this.markers.start}\n`);
      if (at < 0) return;
      this.started = true;
      text = this.seen.slice(at + this.markers.start.length + 1);
      this.seen = '';
      for (const line of this.queued.splice(0)) this.channel.write(line);
    }
    const window = this.seen + text;
    if (window.includes(this.markers.exit)) this.end('e');
    this.seen = window.slice(-this.markers.exit.length);
    if (text !== '') this.onStderr(Buffer.from(text, 'latin1'));
  }

  private control(text: string): void {
    if (this.ended) return;
    if (this.started) this.channel.write(text);
    else this.queued.push(text);
  }

  private end(kind: 's' | 'e'): void {
    this.control(`${kind}\n`);
    this.ended = true;
  }
}

interface DialogMarkers {
  start: string;
  exit: string;
}

export class RemoteShell {
  private pending: Pending | undefined;
  private broken: Error | undefined;
  /**
   * The session id its commands run in (sshd starts every channel in a
   * session of its own), when the host has /proc: a command past its timeout
   * is ended with everything it started by killing the session.
   */
  session: string | undefined;
  /** Its printf is a builtin, so stdin and dialogs may go through it (else they take channels). */
  carriesInput = false;

  constructor(
    private readonly channel: ClientChannel,
    private readonly describeLoss: () => Error,
  ) {
    channel.on('data', (chunk: Buffer) => this.feed('stdout', chunk));
    channel.stderr.on('data', (chunk: Buffer) => this.feed('stderr', chunk));
    channel.on('close', () => this.fail(this.describeLoss()));
    // A write racing the remote exit must not become an uncaught error.
    channel.on('error', () => this.fail(this.describeLoss()));
  }

  get busy(): boolean {
    return this.pending !== undefined;
  }

  get usable(): boolean {
    return this.broken === undefined;
  }

  /**
   * Runs `script` in a child `sh -c`, its stdin `stdin` (see carriesStdin) or
   * /dev/null; with a dialog, `stdin` only once the dialog releases it.
   */
  run(script: string, stdin?: string | Buffer, dialog?: ExecOptions['dialog']): Promise<ExecResult> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.pending) return Promise.reject(new Error('remote shell is busy (one command at a time)'));
    return new Promise<ExecResult>((resolve, reject) => {
      // A nonce per command: output of one command can never end another's.
      const nonce = randomBytes(16).toString('hex');
      const outMarker = Buffer.from(`\n@@drover-${nonce}:`);
      const errMarker = Buffer.from(`\n@@drover-${nonce}\n`);
      const markers = { start: `@@drover-${nonce}-start`, exit: `@@drover-${nonce}-exit` };
      const input = stdin === undefined ? undefined : stdinWriter(stdin, nonce);
      let command: Buffer;
      if (dialog) command = ShellDialog.wrap(script, markers, input?.writer);
      else if (input) command = Buffer.concat([input.writer, Buffer.from(` 2>/dev/null | sh -c ${quote(script)}`)]);
      else command = Buffer.from(`sh -c ${quote(script)} </dev/null`);
      const talk = dialog ? { dialog: new ShellDialog(this.channel, markers, dialog), markers } : {};
      this.pending = { stdout: new StreamCut(outMarker), stderr: new StreamCut(errMarker), resolve, reject, ...talk };
      const status = `; printf '\\n@@drover-%s:%d\\n' ${nonce} $?; printf '\\n@@drover-%s\\n' ${nonce} >&2\n`;
      this.channel.write(Buffer.concat([command, Buffer.from(status), Buffer.from(input?.body ?? '')]));
    });
  }

  /** Ends the shell (and with it a command that would not finish). */
  kill(reason: Error): void {
    this.fail(reason);
    try {
      this.channel.signal('KILL');
    } catch {
      // Servers may refuse signals; closing the channel still frees our side.
    }
    this.channel.close();
  }

  private feed(stream: 'stdout' | 'stderr', chunk: Buffer): void {
    const p = this.pending;
    if (!p) return;
    p[stream].push(chunk);
    if (stream === 'stderr' && p.stderr.rest === undefined) p.dialog?.push(chunk);
    const statusLine = p.stdout.rest?.toString('latin1');
    if (p.stderr.rest === undefined || statusLine === undefined || !statusLine.includes('\n')) return;
    this.pending = undefined;
    const stderr = p.markers ? ShellDialog.strip(p.stderr.before, p.markers) : p.stderr.before;
    p.resolve({ rc: Number.parseInt(statusLine, 10), stdout: p.stdout.before, stderr });
  }

  private fail(error: Error): void {
    this.broken ??= error;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.broken);
  }
}
