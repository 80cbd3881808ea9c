// Errors are sorted here, in one place. A module's failure, a template or
// input error fails the task (a rescue may catch it); a lost connection makes
// the host unreachable; anything else is a bug in drover. A bug is not the
// host's fault: the host stops, the others finish, the run exits with
// EXIT.internal, and the stack goes to the debug log instead of passing for
// an ordinary `failed`.
import { ConnectionError } from '../connection/types.js';
import type { EngineEvent, TaskRef } from './events.js';
import type { HostState } from './state.js';

/** Errors JavaScript raises for code that is wrong, never for a host or an input that is. */
const PROGRAMMING_ERRORS = [TypeError, ReferenceError, RangeError, SyntaxError, EvalError, URIError];

function isProgrammingError(error: unknown): error is Error {
  if (!(error instanceof Error)) return false;
  // node:assert's AssertionError is a broken invariant of our own.
  return PROGRAMMING_ERRORS.some((type) => error instanceof type) || (error as { code?: unknown }).code === 'ERR_ASSERTION';
}

/** A bug of drover's met while running `task` on a host; travels up to the host's loop. */
export class DroverBug extends Error {
  constructor(
    readonly original: Error,
    readonly task: TaskRef,
  ) {
    super(`${original.name}: ${original.message}`);
    this.name = 'DroverBug';
  }
}

/**
 * Called where a task's error is caught: lets a connection loss or a bug travel
 * on (as a DroverBug naming the task), and returns for the errors that fail the task.
 */
export function rethrowUnlessTaskFailure(error: unknown, task: TaskRef): void {
  if (error instanceof ConnectionError || error instanceof DroverBug) throw error;
  if (isProgrammingError(error)) throw new DroverBug(error, task);
}

/** The task an error that reached the host's loop was in; outside any task, the play itself. */
export function droverBugOf(error: unknown, outside: TaskRef): DroverBug {
  if (error instanceof DroverBug) return error;
  return new DroverBug(error instanceof Error ? error : new Error(String(error)), outside);
}

/** Stop the host on a bug: counted as failed, told apart in the events (the stack goes to the debug log). */
export function reportDroverBug(bug: DroverBug, state: HostState, emit: (event: EngineEvent) => void): void {
  state.failed = true;
  state.droverBug = true;
  state.stats.failed += 1;
  const message = `drover bug, not a failure of this host: ${bug.message} (please report it; the stack is in the debug log)`;
  emit({ type: 'drover.bug', host: state.name, task: bug.task, error: bug.message, stack: bug.original.stack ?? bug.message });
  emit({ type: 'host.task.result', host: state.name, task: bug.task, status: 'failed', planOnly: false, changes: [], diff: [], message, durationMs: 0 });
}
