// One long-lived `sh` per connection, fed one framed command at a time, so a
// command costs a write and a read on an open channel instead of a channel
// open + exec request + a new sshd session process (measured on a namespace
// host: `true` 12.2 -> 4.1 ms, a stat + sha256sum 30.5 -> 15.9 ms, on a loaded
// machine). Each script still runs in its own child `sh -c`, with stdin from
// /dev/null, so nothing it does (cd, exit, a syntax error, traps) reaches the
// long-lived shell or the next command.
//
// Framing: after the child exits the shell prints a marker carrying a per-shell
// random nonce and the exit status on stdout, and the marker alone on stderr;
// everything before the markers is the command's output, byte for byte.
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

export class RemoteShell {
  private readonly nonce = randomBytes(16).toString('hex');
  private readonly outMarker = Buffer.from(`\n@@drover-${this.nonce}:`);
  private readonly errMarker = Buffer.from(`\n@@drover-${this.nonce}\n`);
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

  run(script: string): Promise<ExecResult> {
    if (this.broken) return Promise.reject(this.broken);
    if (this.pending) return Promise.reject(new Error('remote shell is busy (one command at a time)'));
    return new Promise<ExecResult>((resolve, reject) => {
      const nonce = this.nonce;
      this.pending = { stdout: new StreamCut(this.outMarker), stderr: new StreamCut(this.errMarker), resolve, reject };
      this.channel.write(`sh -c ${quote(script)} </dev/null; printf '\\n@@drover-%s:%d\\n' ${nonce} $?; printf '\\n@@drover-%s\\n' ${nonce} >&2\n`);
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
