// Run the real drover CLI as a user would (a child process), from TypeScript
// sources through tsx, and collect its output and exit code.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { projectRoot } from '../../runner/paths.js';
import { quote } from '../../runner/quote.js';
import type { EngineEvent } from '../../runner/engine/events.js';

const root = projectRoot();
const loader = import.meta.resolve('tsx/esm');
/** drover records every run under $XDG_STATE_HOME: the tests' runs go to a private one, never the machine's. */
const stateHome = mkdtempSync(join(tmpdir(), 'drover-test-state-'));
process.on('exit', () => rmSync(stateHome, { recursive: true, force: true }));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runDrover(args: string[], options: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  const child = spawn(process.execPath, ['--import', loader, join(root, 'runner', 'cli.ts'), ...args], {
    cwd: options.cwd ?? root,
    // DROVER_SSH_CONFIG=none, DROVER_ANSIBLE_CONFIG=none: no test reads the machine's own ~/.ssh/config or ansible.cfg.
    env: { DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', ...process.env, NO_COLOR: '1', XDG_STATE_HOME: stateHome, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return collect(child, options.timeoutMs);
}

/**
 * The CLI on a pseudo-terminal (util-linux `script`), as a user at a terminal
 * runs it: the reporter picks the listr2 live view. Output is the terminal's
 * stream, escape sequences included.
 */
export function runDroverOnTerminal(args: string[], options: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<CliResult> {
  // A pseudo-terminal without a controlling one has no size (0 columns): give it one.
  const command = `stty cols 160 rows 50; exec ${[process.execPath, '--import', loader, join(root, 'runner', 'cli.ts'), ...args].map(quote).join(' ')}`;
  const env: NodeJS.ProcessEnv = { DROVER_SSH_CONFIG: 'none', DROVER_ANSIBLE_CONFIG: 'none', ...process.env, TERM: 'xterm-256color', XDG_STATE_HOME: stateHome, ...options.env };
  delete env.CI;
  const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, options.timeoutMs);
}

function collect(child: ChildProcessByStdio<null, Readable, Readable>, timeoutMs = 120_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The events of a `--json` run. */
export function jsonEvents(stdout: string): EngineEvent[] {
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as EngineEvent);
}

/** Per-host counters from the final event of a `--json` run. */
export function recapOf(stdout: string): Extract<EngineEvent, { type: 'run.end' }>['stats'] {
  const end = jsonEvents(stdout).find((e) => e.type === 'run.end');
  if (!end || end.type !== 'run.end') throw new Error(`no run.end event in output:\n${stdout}`);
  return end.stats;
}

/** The drover CLI as argv, for commands run on a terminal by `converseOnTerminal`. */
export const droverArgv = (...args: string[]): string[] => [process.execPath, '--import', loader, join(root, 'runner', 'cli.ts'), ...args];

/**
 * Runs argv (drover, or ansible-playbook to compare with) on a pseudo-terminal
 * (util-linux `script`), typing each answer of `dialogue` once its prompt has
 * appeared on the screen, in order. Returns the exit code, the whole screen
 * (both streams, CR removed) and how many answers were typed.
 */
export async function converseOnTerminal(
  argv: string[],
  dialogue: ReadonlyArray<readonly [prompt: string, answer: string]>,
  options: { env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number | null; screen: string; answered: number }> {
  const child = spawn('script', ['-q', '-e', '-c', argv.map(quote).join(' '), '/dev/null'], { env: options.env, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  let screen = '';
  let answered = 0;
  let seenUpTo = 0;
  const seen = (d: Buffer) => {
    screen += d.toString();
    const step = dialogue[answered];
    if (!step) return;
    const at = screen.indexOf(step[0], seenUpTo);
    if (at < 0) return;
    seenUpTo = at + step[0].length;
    answered += 1;
    child.stdin.write(`${step[1]}\r`);
  };
  child.stdout.on('data', seen);
  child.stderr.on('data', seen);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  child.stdin.destroy();
  return { code, screen: screen.replace(/\r/g, ''), answered };
}
