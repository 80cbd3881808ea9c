// One playbook run inside a scenario step, through the engine as a library:
// the scenario's inventories and extra vars, the ground's known_hosts (strict host key
// checking), every engine event forwarded to the scenario's reporter, and
// what the step needs to judge the run collected on the way.
import { InputError } from '../errors.js';
import type { TaskResultEvent } from '../engine/events.js';
import { EXIT, runPlaybook } from '../engine/run.js';
import type { ModuleRegistry } from '../module-api.js';
import { taskTitle } from '../report/format.js';
import { StepFailure, type ScenarioEvent, type StepName } from './types.js';

export interface PlaybookContext {
  scenario: string;
  /** An ENV inventory (when the scenario names one), then the generated one. */
  inventories: string[];
  extraVars: Record<string, unknown>;
  /** With an ENV inventory: a limit to the hosts the scenario created (the others are not there to reach). */
  limit?: string;
  knownHostsFile: string;
  registry: ModuleRegistry;
  diff?: boolean;
  emit(event: ScenarioEvent): void;
  signal?: AbortSignal;
}

export interface PlaybookOutcome {
  /** The engine's exit code (run.ts EXIT). */
  exitCode: number;
  /** Task results that changed something (loop items folded into their task). */
  changed: TaskResultEvent[];
  /** Failures not ignored or rescued, and unreachable hosts. */
  failed: TaskResultEvent[];
  /** Hosts that ran at least one task (not only skipped ones). */
  hosts: Set<string>;
}

export async function runStepPlaybook(step: StepName, playbook: string, ctx: PlaybookContext, mode: { check?: boolean } = {}): Promise<PlaybookOutcome> {
  const changed: TaskResultEvent[] = [];
  const failed: TaskResultEvent[] = [];
  const hosts = new Set<string>();
  const summary = await runPlaybook({
    playbook,
    inventory: ctx.inventories,
    extraVars: ctx.extraVars,
    limit: ctx.limit,
    check: mode.check ?? false,
    diff: ctx.diff ?? false,
    knownHostsFile: ctx.knownHostsFile,
    registry: ctx.registry,
    signal: ctx.signal,
    onEvent: (event) => {
      if (event.type === 'host.task.result' && event.item === undefined) {
        if (event.status !== 'skipped') hosts.add(event.host);
        if (event.status === 'changed') changed.push(event);
        if ((event.status === 'failed' && !event.ignored && !event.rescued) || (event.status === 'unreachable' && !event.ignored)) failed.push(event);
      }
      ctx.emit({ type: 'step.engine', scenario: ctx.scenario, step, event });
    },
  });
  return { exitCode: summary.exitCode, changed, failed, hosts };
}

/** Runs the playbook and fails the step when the engine reports a failure; returns a one-line summary. */
export async function playbookMustPass(step: StepName, playbook: string, ctx: PlaybookContext, mode: { check?: boolean } = {}): Promise<PlaybookOutcome> {
  let outcome: PlaybookOutcome;
  try {
    outcome = await runStepPlaybook(step, playbook, ctx, mode);
  } catch (error) {
    // Input problems the syntax step cannot see (a variable that does not template, an inventory value).
    if (error instanceof InputError) throw new StepFailure(error.message);
    throw error;
  }
  if (outcome.exitCode === EXIT.interrupted) throw new StepFailure('interrupted');
  if (outcome.exitCode !== EXIT.ok) {
    const lines = outcome.failed.map((e) => `${e.status === 'unreachable' ? 'unreachable' : 'failed'}: [${e.host}] ${taskTitle(e.task)}: ${e.message ?? e.status}`);
    throw new StepFailure(lines.length > 0 ? lines.join('\n') : `the playbook ended with exit code ${outcome.exitCode}`);
  }
  return outcome;
}

/** `N changed on M hosts` for a step line. */
export function changedSummary(outcome: PlaybookOutcome): string {
  return `${outcome.changed.length} changed on ${plural(outcome.hosts.size, 'host')}`;
}

/** `1 host`, `2 hosts`. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** The idempotence verdict: every task that changed on the second converge, on which host. */
export function idempotenceFailure(changed: readonly TaskResultEvent[]): StepFailure {
  const lines = changed.map((e) => `  changed: [${e.host}] ${taskTitle(e.task)}`);
  const count = changed.length === 1 ? '1 task' : `${changed.length} tasks`;
  return new StepFailure(`not idempotent: ${count} changed on the second converge:\n${lines.join('\n')}`);
}

/** A task result's identity across runs: host, task and where it is written. */
function taskKey(e: TaskResultEvent): string {
  return `${e.host}\0${e.task.location}\0${e.task.name}`;
}

/**
 * The check step's promise held against the real converge: every change the
 * check run planned is made by the converge. A planned change the converge
 * finds already made means the check run changed the host. Changes the check
 * run could not foresee (a task whose input an earlier change creates) are
 * listed, not failed: Ansible's check mode has the same blind spot.
 */
export function checkAgainstConverge(planned: readonly TaskResultEvent[], made: readonly TaskResultEvent[]): { unforeseen: TaskResultEvent[] } {
  const remaining = new Map<string, number>();
  for (const e of made) remaining.set(taskKey(e), (remaining.get(taskKey(e)) ?? 0) + 1);
  const notMade: TaskResultEvent[] = [];
  for (const e of planned) {
    const left = remaining.get(taskKey(e)) ?? 0;
    if (left === 0) notMade.push(e);
    else remaining.set(taskKey(e), left - 1);
  }
  if (notMade.length > 0) {
    const lines = notMade.map((e) => `  planned: [${e.host}] ${taskTitle(e.task)}`);
    throw new StepFailure(`the check run planned ${plural(notMade.length, 'change')} that the converge then found already made (did check mode change the host?):\n${lines.join('\n')}`);
  }
  const unforeseen = made.filter((e) => {
    const left = remaining.get(taskKey(e)) ?? 0;
    if (left === 0) return false;
    remaining.set(taskKey(e), left - 1);
    return true;
  });
  return { unforeseen };
}
