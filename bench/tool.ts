// What the harness needs from each tool under test: run one playbook over a
// ground's hosts, timed, and report what the run itself said it changed.
import type { TimedResult } from './timed-run.js';

export type ToolName = 'drover' | 'ansible';

export interface RunRequest {
  playbook: string;
  /** The same INI inventory for both tools (ground hosts, key, known_hosts). */
  inventory: string;
  knownHostsFile: string;
  hostCount: number;
  /** Private scratch directory of this run (ansible's control sockets, logs). */
  workDir: string;
  /** Path prefix for this run's logs (stdout, stderr, GNU time output). */
  logPrefix: string;
  /** drover only: write a V8 CPU profile into this directory. */
  cpuProfileDir?: string;
}

export interface RunOutcome extends TimedResult {
  /** changed results summed over hosts, from the tool's own recap. */
  changed: number;
  /** Hosts in the recap with failed=0 and unreachable=0. */
  hostsOk: number;
  /** drover only: each task's duration on each host in ms, each host's first task (which opens the connection) left out. */
  taskMs: number[];
}

export interface Tool {
  readonly name: ToolName;
  run(request: RunRequest): Promise<RunOutcome>;
  /** After the second run on a ground: release what the tool keeps open (ansible's ControlPersist masters). */
  release(request: RunRequest): Promise<void>;
}

/** Fail loudly with the run's last output: a run that did not succeed measured nothing. */
export function checkRun(tool: ToolName, request: RunRequest, outcome: RunOutcome): RunOutcome {
  if (outcome.rc === 0 && outcome.hostsOk === request.hostCount) return outcome;
  const tail = (s: string) => s.trim().split('\n').slice(-15).join('\n');
  throw new Error(`${tool} exited ${outcome.rc} with ${outcome.hostsOk}/${request.hostCount} hosts ok (logs: ${request.logPrefix}.*)\n${tail(outcome.stdout)}\n${tail(outcome.stderr)}`);
}
