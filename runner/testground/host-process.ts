// One disposable host as a process: `setpriv --pdeathsig KILL unshare ...`
// running HOST_INIT_SCRIPT, which ends as sshd (PID 1 of the host's pid
// namespace). This file follows the process through its handshake:
//   'ready <host key>' on stdout  -> namespaces and private root exist
//   (controller plugs the veth, then writes a line to stdin)
//   'Server listening' on stderr  -> sshd accepts connections
//
// The parent-death signal matters: if the controller dies without cleaning up
// (even by SIGKILL), the kernel kills unshare, --kill-child kills sshd, and
// with PID 1 gone the whole namespace, its mounts and its veth go away.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { HOST_INIT_SCRIPT } from './host-init.js';
import { CLEAN_ENV } from './run-command.js';

const LOG_LINES_KEPT = 40;

export class HostProcess {
  readonly child: ChildProcessWithoutNullStreams;
  /** Resolves with the host's public key line ('ssh-ed25519 AAAA... name'). */
  readonly ready: Promise<string>;
  /** Resolves when sshd listens. */
  readonly listening: Promise<void>;
  /** Resolves when the unshare process has exited (for any reason). */
  readonly exited: Promise<void>;
  private readonly log: string[] = [];
  private hasExited = false;

  constructor(
    readonly name: string,
    stateDir: string,
    addressWithPrefix: string,
    template: string,
  ) {
    const argv = ['--pdeathsig', 'KILL', '--', 'unshare', '--net', '--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', '--'];
    argv.push('sh', '-c', HOST_INIT_SCRIPT, 'drover-host-init', stateDir, name, addressWithPrefix, template);
    this.child = spawn('setpriv', argv, { env: CLEAN_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('exit', () => {
        this.hasExited = true;
        resolve();
      });
      this.child.on('error', (e) => {
        this.remember(`spawn failed: ${e.message}`);
        this.hasExited = true;
        resolve();
      });
    });
    this.ready = new Promise((resolve, reject) => {
      onLines(this.child.stdout, (line) => {
        if (line.startsWith('ready ')) resolve(line.slice('ready '.length).trim());
        else this.remember(line);
      });
      void this.exited.then(() => reject(this.failure('exited before its namespaces were ready')));
    });
    this.listening = new Promise((resolve, reject) => {
      onLines(this.child.stderr, (line) => {
        this.remember(line);
        if (line.includes('Server listening on')) resolve();
      });
      void this.exited.then(() => reject(this.failure('exited before sshd listened')));
    });
    // The caller may await only one of them; an unobserved rejection must not crash the process.
    this.ready.catch(() => undefined);
    this.listening.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get alive(): boolean {
    return !this.hasExited;
  }

  /** sshd's pid as seen from the controller (PID 1 inside the host). Valid once ready. */
  initPid(): number {
    const pid = this.innerPid();
    if (pid === undefined) throw this.failure('has no init process');
    return pid;
  }

  private innerPid(): number | undefined {
    if (this.hasExited) return undefined;
    try {
      const pid = Number(readFileSync(`/proc/${this.pid}/task/${this.pid}/children`, 'utf8').trim().split(/\s+/)[0]);
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  /** Let the script continue past the handshake, then stop holding the event loop open for it. */
  go(): void {
    this.child.stdin.end('go\n');
    this.child.unref();
    for (const s of [this.child.stdin, this.child.stdout, this.child.stderr]) (s as { unref?: () => void }).unref?.();
  }

  /**
   * End the host. sshd (PID 1 inside) is SIGKILLed first so that unshare, its
   * parent, reaps it at once and then dies of the same signal: killing unshare
   * first would orphan sshd to the machine's init, which may reap zombies only
   * about once a second. unshare itself is SIGKILLed after that (it ignores
   * SIGTERM, MACHINE.md gotcha 1) in case it lingers.
   * The inner pid is signalled only while it is still unshare's child: only
   * then can its number not have been reused.
   */
  kill(): void {
    if (this.hasExited) return;
    // Hold the event loop open again until the exit is seen (go() released it).
    this.child.ref();
    const inner = this.innerPid();
    if (inner === undefined) return signal(this.pid);
    signal(inner);
    setTimeout(() => this.hasExited || signal(this.pid), 300).unref();
  }

  /**
   * kill() for exit time, when nothing asynchronous runs any more: signal every
   * host's sshd, wait (briefly, synchronously) for their unshare parents to
   * reap them, then SIGKILL the unshare processes.
   */
  static killAllSync(hosts: readonly HostProcess[]): void {
    const inner = hosts.filter((h) => !h.hasExited).map((h) => h.innerPid());
    for (const pid of inner) if (pid !== undefined) signal(pid);
    const pause = new Int32Array(new SharedArrayBuffer(4));
    for (let i = 0; i < 250 && inner.some((pid) => pid !== undefined && existsSync(`/proc/${pid}`)); i++) Atomics.wait(pause, 0, 0, 2);
    for (const h of hosts) if (!h.hasExited) signal(h.pid);
  }

  /** The last lines the host printed: what the error message shows when it fails. */
  recentLog(): string {
    return this.log.join('\n');
  }

  failure(what: string): Error {
    const log = this.recentLog();
    return new Error(`test host ${this.name} (pid ${this.pid}) ${what}${log ? `:\n${log}` : ''}`);
  }

  private remember(line: string): void {
    this.log.push(line);
    if (this.log.length > LOG_LINES_KEPT) this.log.shift();
  }
}

function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function onLines(stream: NodeJS.ReadableStream, each: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) {
      each(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
    }
  });
  stream.on('end', () => {
    if (pending) each(pending);
  });
}
