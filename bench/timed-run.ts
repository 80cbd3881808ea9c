// Run one tool invocation under GNU time: wall time measured here (the whole
// process, start-up included, as a user sees it) and the peak resident memory
// the kernel recorded for the process (GNU time's %M, from wait4's rusage).
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';

export interface TimedResult {
  rc: number;
  wallMs: number;
  /** Peak RSS of the largest process waited for (for node: the drover process itself). */
  maxRssKb: number;
  stdout: string;
  stderr: string;
}

export interface TimedOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Where GNU time writes its numbers, and where stdout/stderr are kept for a post-mortem. */
  logPrefix: string;
}

/** Process groups of the tool runs in flight, so an interrupted benchmark can end them. */
const running = new Set<number>();

/** End every tool run still in flight (its whole process group: ansible's workers, drover). */
export function killRunningSync(): void {
  for (const pgid of running) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  running.clear();
}

export async function timedRun(argv: readonly string[], options: TimedOptions): Promise<TimedResult> {
  const timeFile = `${options.logPrefix}.time`;
  // detached: its own process group, which killRunningSync can end as a whole.
  const child = spawn('/usr/bin/time', ['-f', '%M', '-o', timeFile, ...argv], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (child.pid !== undefined) running.add(child.pid);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (b: Buffer) => out.push(b));
  child.stderr.on('data', (b: Buffer) => err.push(b));
  const started = performance.now();
  const rc = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
  const wallMs = performance.now() - started;
  if (child.pid !== undefined) running.delete(child.pid);
  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  await writeFile(`${options.logPrefix}.out`, stdout);
  await writeFile(`${options.logPrefix}.err`, stderr);
  // GNU time writes "Command exited with non-zero status N" before the numbers when rc != 0.
  const lines = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n');
  const maxRssKb = Number(lines[lines.length - 1]);
  return { rc, wallMs, maxRssKb: Number.isFinite(maxRssKb) ? maxRssKb : Number.NaN, stdout, stderr };
}
