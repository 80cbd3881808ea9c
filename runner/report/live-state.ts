// What the live view knows about the plays and hosts of a run, built from
// engine events alone. listr2 only mirrors it: events may arrive before listr
// has started the matching task (listr starts tasks asynchronously), so the
// state must not live in listr's task objects.
import { emptyStats, type HostStats } from '../engine/events.js';

/** How a host's row ends; a failure message makes the row fail. */
export type Outcome = { failure?: string };

/** A promise with its resolver; settles once, later calls are ignored. */
export class Latch<T> {
  private settle!: (value: T) => void;
  settled = false;
  readonly promise = new Promise<T>((resolve) => (this.settle = resolve));

  resolve(value: T): void {
    if (this.settled) return;
    this.settled = true;
    this.settle(value);
  }
}

/** The part of a listr task wrapper the live view writes to. */
export interface Row {
  title: string;
  output: string;
}

export interface HostState {
  name: string;
  /** Counts for this play only: the row shows the play's progress. */
  stats: HostStats;
  /** The task the host is on. */
  current?: string;
  /**
   * The last failure that was neither ignored nor rescued. The row stays
   * open after it: rescue and always tasks may still run for the host.
   */
  failure?: string;
  done: Latch<Outcome>;
  /** Set once listr has started the host's task. */
  view?: Row;
}

export interface PlayState {
  title: string;
  hosts: Map<string, HostState>;
  /** Too many hosts for a row each: one aggregate line instead. */
  compact: boolean;
  done: Latch<void>;
  view?: Row;
}

export function newPlay(title: string, hosts: readonly string[], maxHostRows: number): PlayState {
  return {
    title,
    hosts: new Map(hosts.map((name) => [name, { name, stats: emptyStats(), done: new Latch<Outcome>() }])),
    compact: hosts.length > maxHostRows,
    done: new Latch<void>(),
  };
}

/** The row title while the host works: its name and the task it is on. */
export function runningTitle(host: HostState): string {
  if (host.current) return `${host.name}: ${host.current}`;
  return host.failure ? `${host.name}: failed` : host.name;
}

/** The row title once the host is done: its name and its counts. */
export function finalTitle(host: HostState): string {
  return `${host.name}  ${counts(host.stats)}`;
}

/** Compact counts: ok and changed always, the rest when they happened. */
export function counts(stats: HostStats): string {
  return Object.entries(stats)
    .filter(([name, value]) => name === 'ok' || name === 'changed' || value !== 0)
    .map(([name, value]) => `${name}=${value}`)
    .join(' ');
}

/** One line for a whole play: how many hosts are done and the summed counts. */
export function aggregate(play: PlayState): string {
  const total = emptyStats();
  let done = 0;
  for (const host of play.hosts.values()) {
    if (host.done.settled) done += 1;
    for (const key of Object.keys(total) as (keyof HostStats)[]) total[key] += host.stats[key];
  }
  return `${done}/${play.hosts.size} hosts done  ${counts(total)}`;
}
