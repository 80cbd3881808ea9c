// The two ways to reach a host other than a TCP connect: through a jump host
// (ProxyJump: a direct-tcpip channel on an SSH connection to it, as `ssh -W`)
// and through a local command (ProxyCommand: its stdin/stdout are the socket).
// Jump connections are shared: every target behind one jump host uses the same
// SSH connection to it, which closes when the last of them has closed.
import { spawn } from 'node:child_process';
import { Duplex } from 'node:stream';
import { ConnectionError, type ConnectionTarget } from './types.js';

/** What a jump connection must offer: open a forwarded stream to host:port. */
export interface Forwarder {
  connect(): Promise<void>;
  forward(host: string, port: number): Promise<Duplex>;
  close(): Promise<void>;
  readonly connectionsOpened: number;
}

export class JumpPool {
  private readonly shared = new Map<string, { connection: Forwarder; users: number }>();

  constructor(private readonly open: (target: ConnectionTarget) => Forwarder) {}

  /** A stream to host:port through `via`, and the release to call once the stream's connection has ended. */
  async forward(via: ConnectionTarget, host: string, port: number): Promise<{ stream: Duplex; release: () => void }> {
    const key = JSON.stringify(via);
    let entry = this.shared.get(key);
    if (!entry) {
      entry = { connection: this.open(via), users: 0 };
      this.shared.set(key, entry);
    }
    entry.users++;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      const e = entry as { connection: Forwarder; users: number };
      if (--e.users > 0) return;
      if (this.shared.get(key) === e) this.shared.delete(key);
      void e.connection.close();
    };
    try {
      await entry.connection.connect();
      return { stream: await entry.connection.forward(host, port), release };
    } catch (error) {
      release();
      throw error;
    }
  }

  /** SSH connections opened to jump hosts so far, by jump target name (for tests and the bench). */
  connectionsOpened(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const { connection } of this.shared.values()) counts[(connection as { target?: ConnectionTarget }).target?.name ?? '?'] = connection.connectionsOpened;
    return counts;
  }
}

const STDERR_KEPT = 2000;

/**
 * Run a ProxyCommand as OpenSSH does: `exec COMMAND` with the user's shell
 * ($SHELL, else /bin/sh), the string exactly as the user wrote it in their own
 * config. Its stdout/stdin become the SSH socket; its stderr is kept for the
 * error message when it ends before the handshake is done.
 */
export function proxyCommandSocket(command: string): { socket: Duplex; failure: () => string | undefined } {
  const child = spawn(process.env.SHELL || '/bin/sh', ['-c', `exec ${command}`], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let exit: string | undefined;
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (d: string) => (stderr = (stderr + d).slice(-STDERR_KEPT)));
  child.on('error', (e) => (exit = `cannot start: ${e.message}`));
  child.on('exit', (code, signal) => (exit = signal ? `killed by ${signal}` : `exited with status ${code}`));
  child.stdin.on('error', () => undefined);
  const socket = Duplex.from({ readable: child.stdout, writable: child.stdin });
  socket.on('close', () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  });
  return {
    socket,
    failure: () => (exit === undefined ? undefined : `ProxyCommand ${JSON.stringify(command)} ${exit}${stderr.trim() ? `: ${stderr.trim()}` : ''}`),
  };
}

export function jumpFailure(target: ConnectionTarget, via: ConnectionTarget, error: unknown): ConnectionError {
  const e = error instanceof ConnectionError ? error : new ConnectionError('other', String((error as Error).message ?? error));
  return new ConnectionError(e.reason, `${target.name}: unreachable through ${via.name}: ${e.message}`);
}
