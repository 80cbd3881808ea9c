// Per-host state that lives across tasks and plays of one run.
import { emptyStats, type HostStats } from './events.js';

export interface HostState {
  name: string;
  stats: HostStats;
  /** register: and set_fact: values (above play vars, below extra vars). */
  hostVars: Record<string, unknown>;
  facts: Record<string, unknown>;
  /** Handler names and listen topics notified and not yet run. */
  notified: Set<string>;
  /** Failed (not rescued, not ignored): the host does nothing more this run. */
  failed: boolean;
  unreachable: boolean;
  /** meta end_host: skip the rest of the current play. */
  endedPlay: boolean;
}

export function newHostState(name: string): HostState {
  return { name, stats: emptyStats(), hostVars: {}, facts: {}, notified: new Set(), failed: false, unreachable: false, endedPlay: false };
}
