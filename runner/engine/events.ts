// What the engine tells the world. Reporters (listr2, plain lines, JSON lines)
// consume these; the engine never writes to stdout. Events are already masked:
// no_log results are censored and secret values replaced before they are emitted.
import type { DiffEntry } from '../module-api.js';

/** How one task ended on one host. */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

/** Where a task comes from, for every message about it. */
export interface TaskRef {
  play: string;
  /** The task's name, or `module args` when it has none. */
  name: string;
  /** file:line:col of the task in its YAML. */
  location: string;
  module?: string;
  role?: string;
  handler?: boolean;
}

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export interface TaskResultEvent {
  type: 'host.task.result';
  host: string;
  task: TaskRef;
  status: TaskStatus;
  /** Check mode: the changes were planned, not made. */
  planOnly: boolean;
  /** Human sentences of what changed (or would change). */
  changes: string[];
  /** Before/after pairs; the reporter shows them only with --diff. */
  diff: DiffEntry[];
  /** Why it failed or was skipped; a debug message. */
  message?: string;
  /** A failure that `ignore_errors` let through. */
  ignored?: boolean;
  /** A failure handled by a rescue section. */
  rescued?: boolean;
  /** Set for results of one loop item; the loop's label. */
  item?: string;
  /** The registered result (censored under no_log); for a loop item, that item's entry of `results`. */
  result?: Record<string, unknown>;
  /** Ansible's `_ansible_verbose_always`: the module's result is meant to be shown without -v (debug, assert unless quiet). */
  verboseAlways?: true;
  durationMs: number;
}

export type EngineEvent =
  | { type: 'run.start'; playbook: string; /** How many plays the playbook has, its imports' included. */ plays: number; check: boolean; diff: boolean; forks: number }
  | { type: 'play.start'; play: string; hosts: string[] }
  | { type: 'host.task.start'; host: string; task: TaskRef; item?: string }
  | TaskResultEvent
  | { type: 'handler.notified'; host: string; handler: string; by: TaskRef }
  | { type: 'play.end'; play: string }
  | { type: 'warning'; message: string; host?: string }
  /** A bug of drover's stopped this host (its task result follows); the stack is for the debug log, not the screen. */
  | { type: 'drover.bug'; host: string; task: TaskRef; error: string; stack: string }
  /** The first Ctrl-C (sent by the CLI, which sees it): no new tasks start; these are still running. */
  | { type: 'run.interrupted'; waiting: Array<{ host: string; task: TaskRef; item?: string }> }
  | { type: 'run.end'; stats: Record<string, HostStats>; exitCode: number; durationMs: number; /** retry_files_enabled: the .retry file of the failed hosts written. */ retryFile?: string };

export type EventType = EngineEvent['type'];

/** A consumer of engine events. `close` flushes (the recap, a live display). */
export interface Reporter {
  handle(event: EngineEvent): void;
  close(): Promise<void>;
}

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
