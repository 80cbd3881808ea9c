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
//
// Framing: after the child exits the shell prints a marker carrying a random
// nonce, new for every command and chosen here, and the exit status on stdout,
// and the marker alone on stderr; everything before the markers is the
// command's output, byte for byte.
import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import { quote } from '../quote.js';
import type { ExecResult } from './types.js';

interface Pending {
  stdout: StreamCut;
  stderr: StreamCut;
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
 * Shell text that feeds `stdin` to the command after it (`FEED sh -c ...`), and
 * the lines that must follow the command line (a here-document's body).
 */
function stdinFeed(stdin: string | Buffer, nonce: string): { feed: Buffer; after: string } {
  const bytes = typeof stdin === 'string' ? Buffer.from(stdin) : stdin;
  if (!bytes.includes(0)) {
    // latin1 maps each byte to one char and back, so quote() keeps any bytes exact.
    return { feed: Buffer.from(`printf '%s' ${quote(bytes.toString('latin1'))} 2>/dev/null | `, 'latin1'), after: '' };
  }
  const delimiter = `@@drover-stdin-${nonce}`;
  const lines = bytes.toString('base64').replace(/.{1,76}/g, '$&\n');
  return { feed: Buffer.from(`base64 -d <<'${delimiter}' | `), after: `${lines}${delimiter}\n` };
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

  /** Runs `script` in a child `sh -c`, its stdin `stdin` (see carriesStdin) or /dev/null. */
  run(script: string, stdin?: string | Buffer): Promise<ExecResult> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.pending) return Promise.reject(new Error('remote shell is busy (one command at a time)'));
    return new Promise<ExecResult>((resolve, reject) => {
      // A nonce per command: output of one command can never end another's.
      const nonce = randomBytes(16).toString('hex');
      const outMarker = Buffer.from(`\n@@drover-${nonce}:`);
      const errMarker = Buffer.from(`\n@@drover-${nonce}\n`);
      this.pending = { stdout: new StreamCut(outMarker), stderr: new StreamCut(errMarker), resolve, reject };
      const input = stdin === undefined ? { feed: Buffer.alloc(0), after: '' } : stdinFeed(stdin, nonce);
      const redirect = stdin === undefined ? ' </dev/null' : '';
      const line = `sh -c ${quote(script)}${redirect}; printf '\\n@@drover-%s:%d\\n' ${nonce} $?; printf '\\n@@drover-%s\\n' ${nonce} >&2\n`;
      this.channel.write(Buffer.concat([input.feed, Buffer.from(line), Buffer.from(input.after)]));
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
    const statusLine = p.stdout.rest?.toString('latin1');
    if (p.stderr.rest === undefined || statusLine === undefined || !statusLine.includes('\n')) return;
    this.pending = undefined;
    p.resolve({ rc: Number.parseInt(statusLine, 10), stdout: p.stdout.before, stderr: p.stderr.before });
  }

  private fail(error: Error): void {
    this.broken ??= error;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(this.broken);
  }
}
