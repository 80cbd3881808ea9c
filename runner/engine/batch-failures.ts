// What Ansible 2.14's linear strategy checks after each task of a lock-step
// batch (plugins/strategy/linear.py, "checking for any_errors_fatal" and
// "checking for max_fail_percentage"):
// - any_errors_fatal: a host that failed (or became unreachable) on a task
//   with any_errors_fatal ends the play: at once for every host of the batch,
//   unless some host is in a rescue or always section (then the batch runs on,
//   as Ansible's marked hosts do), and no later batch or play runs.
// - max_fail_percentage: when more than that share of the batch's hosts have
//   failed (strictly more; unreachable hosts are not counted), every host of
//   the batch is failed and the play, and the run, end.
import type { HostState } from './state.js';
import type { Round, TurnInfo } from './lockstep.js';

export class BatchFailures {
  /** failed + unreachable counts per host after its last task: a higher count is a new failure. */
  private readonly seen = new Map<string, number>();
  /** The play ends after this batch, and no later play runs (Ansible's RUN_FAILED_BREAK_PLAY). */
  breakPlay = false;
  /** Every host of the batch stops now. */
  aborted = false;

  constructor(
    /** The batch's hosts that started it (not failed or unreachable before). */
    private readonly live: readonly string[],
    /** The batch's size as Ansible counts it: every host of the batch. */
    private readonly batchSize: number,
    private readonly states: ReadonlyMap<string, HostState>,
    private readonly maxFailPercentage: number | undefined,
  ) {
    for (const host of live) this.seen.set(host, failures(states.get(host)!));
  }

  afterRound(round: Round, waiting: ReadonlyMap<string, TurnInfo>): void {
    const failedNow = round.hosts.filter((host) => {
      const state = this.states.get(host)!;
      const count = failures(state);
      const before = this.seen.get(host) ?? 0;
      this.seen.set(host, count);
      return count > before && (state.failed || state.unreachable);
    });
    if (round.info.fatal && failedNow.length > 0) {
      this.breakPlay = true;
      if (![...waiting.values()].some((info) => info.recovering)) this.aborted = true;
    }
    if (this.maxFailPercentage === undefined) return;
    const failed = this.live.filter((host) => this.states.get(host)!.failed).length;
    if (failed / this.batchSize > this.maxFailPercentage / 100) {
      // As mark_host_failed: failed for the run's result, not counted in the recap.
      for (const host of this.live) if (!this.states.get(host)!.unreachable) this.states.get(host)!.failed = true;
      this.breakPlay = true;
      this.aborted = true;
    }
  }
}

function failures(state: HostState): number {
  return state.stats.failed + state.stats.unreachable;
}
