// What travels through Redis for a scale-out run: the job of one slice, the
// records of a run and its hosts, and the key names they live under. One
// place, so that the controller, the workers and `drover runs` agree.
import type { EngineEvent } from '../engine/events.js';
import type { HostOutcome } from '../engine/run.js';
import type { BecomeDefaults } from '../engine/runtime.js';
import type { ConnectionTarget } from '../connection/types.js';

/** Every key drover writes starts with this. */
export const KEY_PREFIX = 'drover';

/** The BullMQ queue a slice goes to: one per worker group, so a worker takes only the hosts it can reach. */
export function queueName(group: string | undefined): string {
  return group === undefined ? 'slices' : `slices.${group}`;
}

/** Keys of one run. */
export function runKeys(runId: string) {
  const base = `${KEY_PREFIX}:run:${runId}`;
  return {
    /** HASH: the RunRecord's fields. */
    record: base,
    /** STREAM: the masked engine events and slice messages, in order. */
    events: `${base}:events`,
    /** HASH host -> JSON DoneRecord: written once, atomically with the lock's release. */
    done: `${base}:done`,
    /** SET: hosts some worker has started. */
    started: `${base}:started`,
    /** SET: hosts started again after the worker that had them was lost. */
    retried: `${base}:retried`,
    /** STRING per host: the token of the worker driving it now, with an expiry. */
    lock: (host: string) => `${base}:lock:${host}`,
  };
}

/** ZSET of run ids, scored by start time. */
export const RUNS_KEY = `${KEY_PREFIX}:runs`;
/** STRING per bundle hash: the JSON Bundle. */
export const bundleKey = (hash: string) => `${KEY_PREFIX}:bundle:${hash}`;

/** The job of one slice: everything a worker needs besides the bundle and its own keys. */
export interface SliceJob {
  runId: string;
  slice: number;
  hosts: string[];
  bundleHash: string;
  /** Paths inside the bundle. */
  playbook: string;
  inventory: string[];
  /** The controller's working directory inside the bundle ('' = its root): locations in events read the same. */
  cwd: string;
  limit?: string;
  extraVars: Record<string, unknown>;
  tags: { only: string[]; skip: string[] };
  check: boolean;
  diff: boolean;
  forks: number;
  verbosity: number;
  /** inject_facts_as_vars as the controller read it. */
  injectFactsAsVars?: boolean;
  startAtTask?: string;
  /** Command-line connection flags; file paths in them are the worker machine's. */
  connection: Partial<ConnectionTarget>;
  knownHostsFile?: string;
  acceptNewHostKeys?: boolean;
  /** Without a password: a password never travels (the controller refuses -K with --redis). */
  become?: Omit<BecomeDefaults, 'password'>;
}

/** The run as `drover runs` and `--attach` see it. */
export interface RunRecord {
  playbook: string;
  created: number;
  /** Every selected host, in the order a single-process run meets them. */
  hosts: string[];
  /** Each play's selected hosts (what a play.start event lists). */
  playHosts: string[][];
  slices: number;
  /** Each slice's worker group (null: the default queue). */
  sliceGroups: Array<string | null>;
  state: 'running' | 'done';
  check: boolean;
  diff: boolean;
  forks: number;
  exitCode?: number;
}

/** A run record as stored: every field JSON in one hash field. */
export function encodeRecord(record: RunRecord): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, JSON.stringify(v)]));
}

export function decodeRecord(fields: Record<string, string>): RunRecord | undefined {
  if (fields.hosts === undefined) return undefined;
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, JSON.parse(v) as unknown])) as unknown as RunRecord;
}

export interface DoneRecord extends HostOutcome {
  worker: string;
  /** The job attempt's token: makes the record unique to the attempt that wrote it. */
  attempt: string;
}

/** One entry of a run's event stream. */
export type StreamEntry =
  | { kind: 'event'; slice: number; worker: string; attempt: string; event: EngineEvent }
  | { kind: 'slice.end'; slice: number; worker: string; attempt: string }
  /** A slice that cannot run (bundle mismatch, bad input on the worker): its hosts are reported not run. */
  | { kind: 'slice.failed'; slice: number; worker: string; attempt: string; message: string };
