// Ansible's linear strategy for the plays whose meaning depends on it
// (play-strategy.ts says which): the hosts of a batch run task by task, each
// task finishing on every host before the next starts. Every host still walks
// its own task tree; before each task it waits here for its turn. When every
// host of the batch is waiting (or done), the task that comes first in the
// play's order runs on the hosts waiting at it, as Ansible's
// _get_next_task_lockstep picks the first task of iterator.all_tasks any host
// is at (a host in a rescue waits while the others run the rest of the block).
// After each task the batch's failures are checked (batch-failures.ts).

/** Where a task sits in the play: section, index, block part, index... compared in order (a prefix comes first). */
export type Position = readonly number[];

export interface TurnInfo {
  position: Position;
  /** The task node (a position is reused by different files one include names per host). */
  node: object;
  /** any_errors_fatal holds for the task and ignore_errors does not. */
  fatal: boolean;
  /** The task is in a rescue or always section: any_errors_fatal does not stop this host. */
  recovering: boolean;
}

/** What a finished task did on the hosts it ran on. */
export interface Round {
  info: TurnInfo;
  hosts: string[];
}

interface Waiting {
  info: TurnInfo;
  release(): void;
}

export class Lockstep {
  private readonly waiting = new Map<string, Waiting>();
  /** Hosts walking toward their next turn (running a task, or between tasks). */
  private readonly running: Set<string>;
  private current: Round | undefined;
  /** Hosts of the current task not started yet: at most `forks` run it at once, as Ansible's workers. */
  private queued: string[] = [];

  constructor(
    hosts: readonly string[],
    /** In play order: of hosts at the same task, the first one is the one Ansible runs a run_once meta action on. */
    private readonly order: readonly string[],
    /** Called when a task has finished on all its hosts, before the next starts. */
    private readonly afterRound: (round: Round, waiting: ReadonlyMap<string, TurnInfo>) => void,
    /** A host that must not run its next task any more (failed by the batch, ended): released to unwind. */
    private readonly isStopped: (host: string) => boolean,
    private readonly forks: number,
  ) {
    this.running = new Set(hosts);
  }

  /** Wait until `host` may run the task at `info`. */
  turn(host: string, info: TurnInfo): Promise<void> {
    return new Promise((release) => {
      this.running.delete(host);
      this.waiting.set(host, { info, release });
      this.advance();
    });
  }

  /** `host` has nothing more to run in this batch. */
  leave(host: string): void {
    this.running.delete(host);
    this.waiting.delete(host);
    this.advance();
  }

  /** The hosts at the task now running, in play order (the first runs a run_once meta action). */
  hostsAtCurrent(): string[] {
    return this.current?.hosts ?? [];
  }

  private advance(): void {
    while (this.queued.length > 0 && this.running.size < this.forks) this.release(this.queued.shift()!);
    if (this.running.size > 0) return;
    if (this.current) {
      const round = this.current;
      this.current = undefined;
      this.afterRound(round, new Map([...this.waiting].map(([h, w]) => [h, w.info])));
    }
    // Stopped hosts unwind without running anything; they come back through turn() or leave().
    const stopped = [...this.waiting.keys()].filter((h) => this.isStopped(h));
    if (stopped.length > 0) {
      for (const host of stopped) this.release(host);
      return;
    }
    const next = this.first();
    if (!next) return;
    const hosts = this.order.filter((h) => {
      const w = this.waiting.get(h);
      return w !== undefined && w.info.node === next.node && compare(w.info.position, next.position) === 0;
    });
    this.current = { info: next, hosts };
    this.queued = [...hosts];
    this.advance();
  }

  private release(host: string): void {
    const w = this.waiting.get(host)!;
    this.waiting.delete(host);
    this.running.add(host);
    w.release();
  }

  private first(): TurnInfo | undefined {
    let best: TurnInfo | undefined;
    for (const host of this.order) {
      const info = this.waiting.get(host)?.info;
      if (info && (!best || compare(info.position, best.position) < 0)) best = info;
    }
    return best;
  }
}

function compare(a: Position, b: Position): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}
