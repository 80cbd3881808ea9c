// A task with `async: N` and poll > 0: Ansible runs the module as a
// background job on the host and polls it; drover runs it to the end over the
// open connection, with the job's time limit on every command, and registers
// what Ansible's poll returns: the job id, started and finished. There is no
// job file on the host, so no results_file either (reading one would fail
// loudly instead of finding nothing).
import { randomInt } from 'node:crypto';
import type { ItemOutcome } from './item-outcome.js';

/** A module that cannot be left running on its own (its logic runs on the controller). */
export const fireAndForget = (module: string) =>
  `poll: 0 (a job left running while the play goes on, checked later with async_status) is supported for command and shell; ${module} runs on the controller's side of the connection: give poll a number of seconds, and the task runs to its end within async`;

/** Ansible's form of a job id: 'j', twelve digits, '.', the worker's pid. */
export const newJobId = () => `j${String(randomInt(1e11, 1e12))}.${process.pid}`;

export interface AsyncJob {
  deadline: { at: number; seconds: number };
  /** The outcome with Ansible's job keys: finished 1, or 0 with the failure when time ran out. */
  registered(outcome: ItemOutcome): ItemOutcome;
}

export function asyncJob(seconds: number): AsyncJob {
  const id = newJobId();
  return {
    deadline: { at: Date.now() + seconds * 1000, seconds },
    registered(outcome) {
      if (outcome.status === 'skipped') return outcome;
      const timedOut = outcome.result.async_result !== undefined;
      if (timedOut) return { ...outcome, result: { ...outcome.result, async_result: { ansible_job_id: id, ...(outcome.result.async_result as object) } } };
      return { ...outcome, result: { ansible_job_id: id, started: 1, finished: 1, ...outcome.result } };
    },
  };
}
