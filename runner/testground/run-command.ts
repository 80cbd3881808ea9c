// Run one controller-side program (ip, ssh-keygen, nsenter) and collect its
// output. A tiny wrapper over child_process so the test ground needs no
// third-party process library.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface CommandResult {
  rc: number;
  stdout: string;
  stderr: string;
}

/** A clean environment: the machine's PATH may start with shims that hang (MACHINE.md gotcha 3). */
export const CLEAN_ENV: NodeJS.ProcessEnv = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LANG: 'C.UTF-8',
};

export function runCommand(argv: readonly string[], input?: string | Buffer): Promise<CommandResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.reject(new Error('runCommand: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: CLEAN_ENV, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT') reject(new Error(`${file} is not installed; run \`make deps\` (.ci/install-system-deps)`));
      else reject(e);
    });
    // A program that exits without reading its stdin must not crash us with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
    child.on('close', (code, signal) => {
      resolve({
        rc: code ?? 128 + (signal ? constants.signals[signal] : 0),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      });
    });
  });
}

/** Like runCommand but a non-zero exit is an error naming the command and its stderr. */
export async function mustRun(argv: readonly string[], input?: string | Buffer): Promise<string> {
  const r = await runCommand(argv, input);
  if (r.rc !== 0) throw new Error(`${argv.join(' ')} exited ${r.rc}: ${r.stderr.trim()}`);
  return r.stdout;
}
