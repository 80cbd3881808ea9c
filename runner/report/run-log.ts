// Every run's event log, for looking back at it later (`drover report`): the
// engine's events as JSON lines, each with the time it arrived, in a private
// directory (default $XDG_STATE_HOME/drover/runs), newest runs kept. The
// events are masked by the engine before any reporter sees them, so the log
// holds no more than --json prints. Lines are written synchronously as they
// come: a crash loses at most the event being written.
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import type { EngineEvent, Reporter } from '../engine/events.js';
import { toJson } from './format.js';

/** How many run logs a directory keeps; older ones are removed when a run ends. */
export const RUN_LOGS_KEPT = 100;
const SUFFIX = '.jsonl';

/** One line of a run log. */
export interface LoggedEvent {
  /** When the event arrived, ms since the epoch. */
  at: number;
  event: EngineEvent;
}

/** drover's own state directory: $XDG_STATE_HOME/drover, else ~/.local/state/drover. */
export function droverStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const state = env.XDG_STATE_HOME && env.XDG_STATE_HOME !== '' ? env.XDG_STATE_HOME : join(env.HOME ?? homedir(), '.local', 'state');
  return join(state, 'drover');
}

export function defaultRunLogDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(droverStateDir(env), 'runs');
}

/** Writes a run's events to `<dir>/<start time>-<pid>.jsonl` (0600, in a 0700 directory). */
export class RunLogReporter implements Reporter {
  private fd: number | undefined;
  /** The log file, once the first event has opened it. */
  file: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** The log could not be written (a read-only home): said once, and the run goes on without it. */
  private broken = false;

  handle(event: EngineEvent): void {
    if (this.broken) return;
    const at = this.now();
    try {
      if (this.fd === undefined) this.open(at);
      writeSync(this.fd!, `${toJson({ at, event } satisfies LoggedEvent)}\n`);
    } catch (error) {
      this.broken = true;
      process.stderr.write(`[WARNING]: this run is not recorded for drover report: ${(error as Error).message} (--log DIR or --no-log)\n`);
    }
  }

  close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    if (this.file !== undefined) pruneRunLogs(this.dir, RUN_LOGS_KEPT);
    return Promise.resolve();
  }

  private open(at: number): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    // ISO time sorts as text; the pid tells apart two runs started in the same millisecond.
    const stamp = new Date(at).toISOString().replace(/:/g, '-');
    this.file = join(this.dir, `${stamp}-${process.pid}${SUFFIX}`);
    this.fd = openSync(this.file, 'ax', 0o600);
  }
}

/** Run logs in a directory, oldest first. */
export function runLogs(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((n) => n.endsWith(SUFFIX)).sort().map((n) => join(dir, n));
}

function pruneRunLogs(dir: string, keep: number): void {
  const logs = runLogs(dir);
  for (const old of logs.slice(0, Math.max(0, logs.length - keep))) rmSync(old, { force: true });
}

/** `latest`, a run id (the file name without .jsonl), or a path to a log file. */
export function findRunLog(ref: string, dir: string): string {
  const logs = runLogs(dir);
  if (ref === 'latest') {
    const newest = logs.at(-1);
    if (newest === undefined) throw new Error(`no run logs in ${dir} yet: run a playbook first (drover run ...)`);
    return newest;
  }
  const byId = logs.find((f) => basename(f, SUFFIX) === ref);
  if (byId !== undefined) return byId;
  if (ref.endsWith(SUFFIX)) return resolve(ref);
  throw new Error(`no run ${JSON.stringify(ref)} in ${dir}; runs there: ${logs.slice(-5).map((f) => basename(f, SUFFIX)).join(', ') || 'none'}`);
}

export function readRunLog(file: string): LoggedEvent[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  // A run killed mid-write leaves a partial last line: everything before it is still the run.
  return lines.flatMap((line, i) => {
    if (line.trim() === '') return [];
    try {
      return [JSON.parse(line) as LoggedEvent];
    } catch (error) {
      if (i >= lines.length - 2) return [];
      throw new Error(`${file}:${i + 1}: not a run log line (${(error as Error).message})`);
    }
  });
}

/** One reporter feeding several: the user's view and the run log. */
export function teeReporter(reporters: readonly Reporter[]): Reporter {
  return {
    handle: (event) => {
      for (const r of reporters) r.handle(event);
    },
    close: async () => {
      // In order: what a later reporter prints at the end (the debug log's path) comes after the recap.
      for (const r of reporters) await r.close();
    },
  };
}
