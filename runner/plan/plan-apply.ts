// Terraform's plan/apply split on top of check mode: `plan` is a check + diff
// run recorded per host and task; `apply` first recomputes that plan
// (read-only, on every host) and refuses before changing anything if any host
// or task no longer matches what was reviewed; only then does it converge,
// with exactly the invocation the plan was made with.
import type { Invocation } from '../engine/invocation.js';
import type { EngineEvent } from '../engine/events.js';
import { EXIT, runPlaybook, type RunOptions } from '../engine/run.js';
import { changedContent, pinContent, type ContentPins } from './content-pins.js';
import { findDrift, type Drift } from './drift.js';
import { PLAN_FORMAT, PLAN_VERSION, StepRecorder, type PlanFile } from './plan-file.js';

type Shared = Pick<RunOptions, 'knownHostsFile' | 'acceptNewHostKeys' | 'connection' | 'signal' | 'connect' | 'registry'> & {
  onEvent(event: EngineEvent): void;
};

/** Where the plan is made: its paths and pins are relative to baseDir. */
export interface PlanPlace {
  baseDir: string;
  /** The pins, when the caller has just computed them (apply's re-check): the project is not read twice. */
  content?: ContentPins;
}

export async function makePlan(invocation: Invocation & { forks: number }, options: Shared & PlanPlace): Promise<{ plan: PlanFile; exitCode: number }> {
  const { baseDir, content: pinned, ...shared } = options;
  // Pinned before the run, so a file edited while the plan is computed cannot slip in unseen.
  const content = pinned ?? pinContent({ baseDir, playbook: invocation.playbook, inventory: invocation.inventory });
  const recorder = new StepRecorder();
  const summary = await runPlaybook({
    ...shared,
    ...invocation,
    check: true,
    diff: true,
    onEvent: (event) => {
      if (event.type === 'host.task.result') recorder.add(event);
      options.onEvent(event);
    },
  });
  const plan: PlanFile = {
    format: PLAN_FORMAT,
    version: PLAN_VERSION,
    createdAt: new Date().toISOString(),
    baseDir,
    invocation,
    content,
    // Hosts in inventory order (the order of the recap), not in the order they finished.
    hosts: Object.fromEntries(Object.keys(summary.stats).filter((h) => recorder.hosts[h]).map((h) => [h, recorder.hosts[h]!])),
    stats: summary.stats,
  };
  return { plan, exitCode: summary.exitCode };
}

export type ApplyOutcome =
  | { refused: 'incomplete-plan'; problems: Drift[] }
  | { refused: 'drift'; problems: Drift[] }
  | { refused: 'content'; files: string[] }
  | { refused?: undefined; exitCode: number };

/** Applies a plan; the caller runs it in plan.baseDir (the plan's paths are relative to it). */
export async function applyPlan(plan: PlanFile, options: Shared & { diff?: boolean }): Promise<ApplyOutcome> {
  const failedInPlan = Object.entries(plan.hosts).flatMap(([host, steps]) =>
    steps.filter((s) => s.status === 'failed' || s.status === 'unreachable').map((s) => ({ host, task: `${s.task} (${s.location})`, reason: `${s.status} when planned${s.message ? `: ${s.message}` : ''}` })),
  );
  if (failedInPlan.length > 0) return { refused: 'incomplete-plan', problems: failedInPlan };
  const now = pinContent({ baseDir: plan.baseDir, playbook: plan.invocation.playbook, inventory: plan.invocation.inventory });
  const files = changedContent(plan.content, now);
  if (files.length > 0) return { refused: 'content', files };

  // The re-check reports nothing itself: its only use is the comparison, but warnings still reach the user.
  const { plan: current } = await makePlan(plan.invocation, { ...options, baseDir: plan.baseDir, content: now, onEvent: (e) => e.type === 'warning' && options.onEvent(e) });
  const drift = findDrift(plan.hosts, current.hosts);
  if (drift.length > 0) return { refused: 'drift', problems: drift };
  if (options.signal?.aborted) return { exitCode: EXIT.interrupted };

  const summary = await runPlaybook({ ...options, ...plan.invocation, check: false, diff: options.diff ?? false });
  return { exitCode: summary.exitCode };
}

export function refusalMessage(planPath: string, outcome: Extract<ApplyOutcome, { refused: string }>): string {
  if (outcome.refused === 'content') {
    return [
      `refusing to apply ${planPath}: files the plan was made from are not the same now (nothing was changed):`,
      ...outcome.files.map((f) => `  ${f}`),
      'make a new plan with `drover plan PLAYBOOK ... -o FILE`, review it, and apply that.',
    ].join('\n');
  }
  const head =
    outcome.refused === 'drift'
      ? `refusing to apply ${planPath}: the hosts no longer match the plan (nothing was changed):`
      : `refusing to apply ${planPath}: the plan has failed or unreachable tasks (nothing was changed):`;
  const lines = outcome.problems.map((d) => `  ${d.host}: ${d.task}: ${d.reason}`);
  return [head, ...lines, 'make a new plan with `drover plan PLAYBOOK ... -o FILE`, review it, and apply that.'].join('\n');
}
