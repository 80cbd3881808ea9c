// The local transport: runs `sh -c SCRIPT` on the controller itself (execa;
// the only file that imports it), with the same ExecResult as ssh so modules
// cannot tell the difference.
import { constants } from 'node:os';
import { execa } from 'execa';
import { dialogStream } from './dialog-stream.js';
import { whileRunning } from './running-commands.js';
import { CommandTimeout, ConnectionError, outOfFiles, type Connection, type ConnectionTarget, type ExecOptions, type ExecResult } from './types.js';

// Each command runs in its own process group so a timeout can kill the whole
// tree (sh and whatever it started: a lone orphan holding stdout open would
// otherwise keep us waiting). Being in their own group they no longer get the
// terminal's Ctrl-C, so they are killed when this process exits.
const runningGroups = new Set<number>();
let exitHookInstalled = false;

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

function trackGroup(pid: number): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => runningGroups.forEach(killGroup));
  }
  runningGroups.add(pid);
  return () => runningGroups.delete(pid);
}

export class LocalConnection implements Connection {
  private opened = 0;
  private closed = false;

  constructor(readonly target: ConnectionTarget) {}

  /** 1 once connected: the local "link" is opened once, like an ssh connection. */
  get connectionsOpened(): number {
    return this.opened;
  }

  async connect(): Promise<void> {
    if (this.opened === 0 || this.closed) this.opened++;
    this.closed = false;
  }

  async exec(script: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closed) throw new ConnectionError('closed', `${this.target.name} (local): connection was closed by drover`);
    if (this.opened === 0) await this.connect();
    const dialog = options.dialog ? dialogStream(options.stdin, options.dialog) : undefined;
    const subprocess = execa('sh', ['-c', script], {
      ...(dialog ? { stdin: dialog.input } : { input: options.stdin ?? '' }),
      reject: false,
      stripFinalNewline: false,
      detached: true,
      maxBuffer: 1024 * 1024 * 1024,
    });
    if (dialog) subprocess.stderr?.on('data', dialog.onStderr);
    const pid = subprocess.pid;
    const untrack = pid === undefined ? () => false : trackGroup(pid);
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined || pid === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(pid);
          }, options.timeoutMs);
    try {
      const r = await whileRunning(async () => (pid === undefined ? undefined : killGroup(pid)), subprocess);
      if (timedOut) throw new CommandTimeout(`${this.target.name} (local): command did not finish within ${options.timeoutMs} ms (killed)`);
      if (r.failed && r.exitCode === undefined && !r.signal) {
        const full = outOfFiles(r, `${this.target.name} (local)`);
        if (full) throw full;
        throw new ConnectionError('other', `${this.target.name} (local): cannot run sh: ${r.shortMessage}`);
      }
      const rc = r.exitCode ?? 128 + (r.signal ? constants.signals[r.signal as NodeJS.Signals] : 0);
      return { rc, stdout: String(r.stdout), stderr: String(r.stderr) };
    } finally {
      clearTimeout(timer);
      untrack();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
