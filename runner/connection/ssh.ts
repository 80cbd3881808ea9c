// The ssh transport: one persistent SSH connection per host for the whole run
// (node-ssh over ssh2; the only file that imports them). Commands go to one
// long-lived remote `sh` on it (remote-shell.ts), uploads and become's
// password dialog included; a command with a stdin too big for that shell, or
// one issued while it is busy, gets a channel of its own running `sh -c SCRIPT`. Never a login shell, so the remote user's start-up
// files stay out of the way as far as the server allows.
import { readFileSync } from 'node:fs';
import { constants, homedir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Socket } from 'node:net';
import { Readable, type Duplex } from 'node:stream';
import { NodeSSH, type Config } from 'node-ssh';
import type { ClientChannel } from 'ssh2';
import { quote, sh } from '../quote.js';
import { dialogStream } from './dialog-stream.js';
import { carriesStdin, RemoteShell } from './remote-shell.js';
import { whileRunning } from './running-commands.js';
import { appendKnownHost, knownKeyTypes, readKnownHosts, verifyHostKey, type KnownHostEntry } from './known-hosts.js';
import { authMethods } from './ssh-auth.js';
import { JumpPool, jumpFailure, proxyCommandSocket } from './jump.js';
import { classifySshError, DEFAULT_CONNECT_TIMEOUT_MS, hostKeyChanged, hostKeyRevoked, hostKeyUnknown, where } from './ssh-errors.js';
import { CommandTimeout, ConnectionError, outOfFiles, type Connection, type ConnectionTarget, type ExecOptions, type ExecResult } from './types.js';

// Fast, modern algorithms first; the rest keep real servers reachable.
const KEX = ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'ecdh-sha2-nistp521', 'diffie-hellman-group16-sha512', 'diffie-hellman-group14-sha256'];
const HOST_KEY_ALGORITHMS: ReadonlyArray<[algorithm: string, keyType: string]> = [
  ['ssh-ed25519', 'ssh-ed25519'],
  ['ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp256'],
  ['ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp384'],
  ['ecdsa-sha2-nistp521', 'ecdsa-sha2-nistp521'],
  ['rsa-sha2-512', 'ssh-rsa'],
  ['rsa-sha2-256', 'ssh-rsa'],
];
/**
 * Asked of a new long-lived shell: whether its printf is a builtin (stdin and
 * passwords go through it, never in a process's arguments), then the session
 * id of the shell that reads it, from /proc (field 6 of stat, after the command name).
 */
const SHELL_PROBE = 'case $(command -V printf 2>/dev/null) in *builtin*) echo builtin;; *) echo other;; esac; read -r l < /proc/self/stat && set -- ${l##*) } && echo "$4"';

/** OpenSSH's default MaxSessions is 10: stay under it (with the long-lived shell's channel), queue the rest. */
const MAX_CHANNELS = 7;

/**
 * Our own TCP connection, so Nagle is off from the first byte: with it, the
 * server's delayed ACK adds ~40 ms to each small request (handshake steps,
 * channel open, exec, EOF), and commands are latency-bound, not bandwidth-bound.
 */
function tcpConnect(host: string, port: number, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = createConnection({ host, port, noDelay: true });
    const timer = setTimeout(() => {
      sock.destroy();
      reject(Object.assign(new Error(`TCP connect timed out after ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
  });
}

/** Every jump host connection of the process, shared by the targets behind it. */
export const jumpPool = new JumpPool((target) => new SshConnection(target));

export class SshConnection implements Connection {
  private ssh: NodeSSH | undefined;
  private connecting: Promise<void> | undefined;
  private opened = 0;
  /** Set once the current connection is gone; execs then fail with it. */
  private lost: ConnectionError | undefined;
  private closing = false;
  private readonly onLost = new Set<(e: ConnectionError) => void>();
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  private shell: RemoteShell | undefined;
  private shellOpening: Promise<RemoteShell | undefined> | undefined;
  /** The server would not give us a long-lived shell: channels only, for this connection. */
  private shellRefused = false;
  /** Gives back this connection's share of its jump host connection (set while connected through one). */
  private releaseJump: (() => void) | undefined;

  constructor(readonly target: ConnectionTarget) {}

  get connectionsOpened(): number {
    return this.opened;
  }

  connect(): Promise<void> {
    if (this.ssh && !this.lost) return Promise.resolve();
    this.connecting ??= this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    const t = this.target;
    const knownHostsFile = t.knownHostsFile ?? join(homedir(), '.ssh', 'known_hosts');
    const known: KnownHostEntry[] = [];
    for (const file of t.knownHostsFiles ?? [knownHostsFile]) {
      try {
        known.push(...readKnownHosts(file));
      } catch (e) {
        throw outOfFiles(e, where(t)) ?? new ConnectionError('other', `${where(t)}: cannot read known hosts file ${file}: ${(e as Error).message}`);
      }
    }
    // Like OpenSSH: ask first for the key types we already trust for this host,
    // so a server with several keys presents one we can check.
    const trusted = knownKeyTypes(known, t.address, t.port);
    const hostKeyAlgorithms = [...HOST_KEY_ALGORITHMS.filter(([, k]) => trusted.includes(k)), ...HOST_KEY_ALGORITHMS.filter(([, k]) => !trusted.includes(k))].map(([a]) => a);

    let rejection: ConnectionError | undefined;
    const hostVerifier = (blob: Buffer): boolean => {
      const verdict = verifyHostKey(known, t.address, t.port, blob);
      if (verdict.kind === 'ok') return true;
      if (verdict.kind === 'changed') rejection = hostKeyChanged(t, blob, verdict.entry);
      else if (verdict.kind === 'revoked') rejection = hostKeyRevoked(t, blob, verdict.entry);
      else if (!t.acceptNewHostKeys) rejection = hostKeyUnknown(t, knownHostsFile, blob);
      else {
        try {
          appendKnownHost(knownHostsFile, t.address, t.port, blob);
          return true;
        } catch (e) {
          rejection = new ConnectionError('other', `${where(t)}: cannot record the new host key in ${knownHostsFile}: ${(e as Error).message}`);
        }
      }
      return false;
    };

    const config: Config = {
      username: t.user,
      readyTimeout: t.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      // Without ServerAliveInterval, drover's own keepalive still notices a dead host.
      keepaliveInterval: t.keepalive?.intervalMs ?? 15_000,
      keepaliveCountMax: t.keepalive?.intervalMs === undefined ? 4 : t.keepalive.countMax,
      algorithms: { kex: KEX as never, serverHostKey: hostKeyAlgorithms as never },
      hostVerifier,
    };
    if (t.privateKeyFile) {
      try {
        config.privateKey = readFileSync(t.privateKeyFile, 'utf8');
      } catch (e) {
        throw outOfFiles(e, where(t)) ?? new ConnectionError('auth', `${where(t)}: cannot read private key ${t.privateKeyFile}: ${(e as Error).message}`);
      }
    }
    if (process.env.SSH_AUTH_SOCK && !t.identitiesOnly) config.agent = process.env.SSH_AUTH_SOCK;
    if (t.password !== undefined) {
      config.password = t.password;
      config.tryKeyboard = true;
    }
    if (t.identityFiles !== undefined) config.authHandler = authMethods(t, config) as never;

    const ssh = new NodeSSH();
    let sock: Socket | Duplex | undefined;
    let proxyFailure: (() => string | undefined) | undefined;
    try {
      // One budget for TCP connect and SSH handshake together.
      const budget = config.readyTimeout as number;
      const started = Date.now();
      if (t.via) {
        const via = t.via;
        const forwarded = await jumpPool.forward(via, t.address, t.port).catch((e: unknown) => {
          throw jumpFailure(t, via, e);
        });
        this.releaseJump = forwarded.release;
        sock = forwarded.stream;
      } else if (t.proxyCommand !== undefined) {
        const proxy = proxyCommandSocket(t.proxyCommand);
        proxyFailure = proxy.failure;
        sock = proxy.socket;
      } else sock = await tcpConnect(t.address, t.port, budget);
      await ssh.connect({ ...config, readyTimeout: Math.max(1, budget - (Date.now() - started)), host: undefined, sock: sock as Socket });
    } catch (e) {
      ssh.dispose();
      sock?.destroy();
      this.releaseJump?.();
      this.releaseJump = undefined;
      const proxyEnded = proxyFailure?.();
      if (proxyEnded && !rejection) throw new ConnectionError('other', `${where(t)}: ${proxyEnded}`);
      throw rejection ?? outOfFiles(e, where(t)) ?? classifySshError(e, t, 'connect');
    }
    const client = ssh.connection;
    if (!client) throw new ConnectionError('closed', `${where(t)}: connection closed right after the handshake`);
    this.opened++;
    this.ssh = ssh;
    this.lost = undefined;
    this.closing = false;
    // Without a listener, a late socket error would crash the process.
    client.on('error', (e: unknown) => this.markLost(classifySshError(e, t, 'session')));
    client.on('close', () => this.markLost(new ConnectionError('closed', `${where(t)}: connection closed by the remote side`)));
  }

  /** A direct-tcpip stream to host:port from this host (what `ssh -W` asks a jump host for). */
  forward(host: string, port: number): Promise<Duplex> {
    const client = this.ssh?.connection;
    if (!client || this.lost) return Promise.reject(this.lost ?? new ConnectionError('closed', `${where(this.target)}: not connected`));
    return new Promise((resolve, reject) => {
      client.forwardOut('127.0.0.1', 0, host, port, (error, channel) => {
        if (error) reject(new ConnectionError('refused', `${where(this.target)} could not open a connection to ${host}:${port}: ${error.message}`));
        else resolve(channel);
      });
    });
  }

  private markLost(error: ConnectionError): void {
    if (this.lost) return;
    this.releaseJump?.();
    this.releaseJump = undefined;
    this.lost = this.closing ? new ConnectionError('closed', `${where(this.target)}: connection was closed by drover`) : error;
    this.shell?.kill(this.lost);
    this.shell = undefined;
    for (const notify of [...this.onLost]) notify(this.lost);
  }

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    // Connect on first use; after a drop or close() the exec fails instead of
    // silently opening a second connection (connect() does that on purpose).
    if (!this.ssh && this.opened === 0) await this.connect();
    const input = options.stdin !== undefined || options.dialog !== undefined;
    if ((options.stdin === undefined || carriesStdin(options.stdin)) && !this.lost) {
      const shell = await this.idleShell();
      // Checked again after the await: a concurrent exec may have taken the shell meanwhile.
      if (shell && !shell.busy && (shell.carriesInput || !input)) return this.runInShell(shell, script, options);
    }
    const command = `sh -c ${quote(script)}`;
    await this.acquire();
    try {
      return await this.run(command, options);
    } finally {
      this.release();
    }
  }

  private run(command: string, options: ExecOptions): Promise<ExecResult> {
    const t = this.target;
    const ssh = this.ssh;
    if (this.lost || !ssh) return Promise.reject(this.lost ?? new ConnectionError('closed', `${where(t)}: not connected`));
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let channel: ClientChannel | undefined;
    let settled = false;
    return new Promise<ExecResult>((resolve, reject) => {
      const finish = (error: ConnectionError | undefined, result?: ExecResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.onLost.delete(lostListener);
        if (error) reject(error);
        else resolve(result as ExecResult);
      };
      const kill = (): void => {
        if (!channel) return;
        try {
          channel.signal('KILL');
        } catch {
          // The server may not support signals; closing the channel still ends our side.
        }
        channel.close();
      };
      const lostListener = (e: ConnectionError): void => finish(e);
      this.onLost.add(lostListener);
      const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
        kill();
        finish(new CommandTimeout(`${where(t)}: command did not finish within ${options.timeoutMs} ms (killed)`));
      }, options.timeoutMs);

      const dialog = options.dialog ? dialogStream(options.stdin, options.dialog) : undefined;
      const given = dialog ? dialog.input : options.stdin;
      const stdin = given === undefined || typeof given === 'string' || given instanceof Readable ? given : Readable.from([given]);
      ssh
        .execCommand(command, {
          stdin,
          noTrim: true,
          onChannel: (c) => {
            channel = c;
            // A write racing the remote exit must not become an uncaught error.
            c.on('error', () => undefined);
            if (settled) kill();
          },
          onStdout: (b) => out.push(b),
          onStderr: (b) => {
            err.push(b);
            dialog?.onStderr(b);
          },
        })
        .then(
          (r) => {
            let rc: number | undefined;
            if (typeof r.code === 'number') rc = r.code;
            else if (r.signal) rc = 128 + (constants.signals[(r.signal.startsWith('SIG') ? r.signal : `SIG${r.signal}`) as NodeJS.Signals] ?? 0);
            if (rc === undefined) {
              // No exit status and no signal: the link went away under the command.
              finish(this.lost ?? new ConnectionError('closed', `${where(t)}: connection lost during the command (no exit status)`));
              return;
            }
            finish(undefined, { rc, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
          },
          (e: unknown) => finish(this.lost ?? classifySshError(e, t, 'session')),
        );
    });
  }

  /** The long-lived shell if it is free (opened on first use); undefined means: use a channel. */
  private async idleShell(): Promise<RemoteShell | undefined> {
    if (this.shell?.usable) return this.shell.busy ? undefined : this.shell;
    if (this.shellRefused || this.shellOpening) return undefined;
    const client = this.ssh?.connection;
    if (!client) return undefined;
    this.shellOpening = new Promise<RemoteShell | undefined>((resolve) => {
      client.exec('sh', (error, channel) => {
        if (error) {
          this.shellRefused = true;
          resolve(undefined);
          return;
        }
        const lostMidCommand = () => this.lost ?? new ConnectionError('closed', `${where(this.target)}: connection lost during the command (the remote shell ended)`);
        const shell = new RemoteShell(channel, lostMidCommand);
        shell.run(SHELL_PROBE).then(
          (r) => {
            const [printf, session] = r.stdout.split('\n');
            shell.carriesInput = printf === 'builtin';
            if (r.rc === 0 && session !== undefined && /^\d+$/.test(session)) shell.session = session;
            resolve(shell);
          },
          () => resolve(shell),
        );
      });
    }).finally(() => (this.shellOpening = undefined));
    this.shell = await this.shellOpening;
    return this.shell && !this.shell.busy ? this.shell : undefined;
  }

  private async runInShell(shell: RemoteShell, script: string, options: ExecOptions): Promise<ExecResult> {
    const timeoutMs = options.timeoutMs;
    // A command past its time ends the whole shell (the next command gets a new one), as a channel
    // would be, and on the host everything the command started (its session) is killed.
    let timedOut = false;
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            shell.kill(new CommandTimeout(`${where(this.target)}: command did not finish within ${timeoutMs} ms (killed)`));
          }, timeoutMs);
    // Stopped at once (killRunningCommands): the same end as a timeout, the session killed on the host.
    // The session first, while the connection is surely up (once the shell fails, the run winds down and closes it).
    const interrupt = async (): Promise<void> => {
      if (shell.session !== undefined) await this.killSession(shell.session);
      shell.kill(new ConnectionError('closed', `${where(this.target)}: drover was stopped during the command`));
    };
    try {
      return await whileRunning(interrupt, shell.run(script, options.stdin, options.dialog));
    } catch (error) {
      if (timedOut && shell.session !== undefined) await this.killSession(shell.session);
      throw error;
    } finally {
      clearTimeout(timer);
      if (!shell.usable && this.shell === shell) this.shell = undefined;
    }
  }

  /** Kills every process of a session on the host (as root through sudo -n when the login user is not root and may). */
  private async killSession(session: string): Promise<void> {
    const kill = sh`for f in /proc/[0-9]*/stat; do read -r l < "$f" 2>/dev/null || continue; set -- \${l##*) }; [ "$4" = ${session} ] || continue; p=\${f#/proc/}; kill -KILL "\${p%/stat}" 2>/dev/null; done; true`.text;
    const script = `if [ "$(id -u)" != 0 ] && sudo -n true 2>/dev/null; then sudo -n sh -c ${quote(kill)}; else sh -c ${quote(kill)}; fi`;
    await this.acquire();
    try {
      await this.run(`sh -c ${quote(script)}`, { timeoutMs: 10_000 });
    } catch {
      // The host may be gone meanwhile: the command's failure is reported already.
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < MAX_CHANNELS) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }

  async close(): Promise<void> {
    const ssh = this.ssh;
    if (!ssh) return;
    this.closing = true;
    const client = ssh.connection;
    const closed = client && !this.lost ? new Promise<void>((resolve) => client.once('close', () => resolve())) : Promise.resolve();
    ssh.dispose();
    await closed;
    this.markLost(new ConnectionError('closed', `${where(this.target)}: connection was closed by drover`));
    this.ssh = undefined;
  }
}
