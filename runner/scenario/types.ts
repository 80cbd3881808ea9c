// The vocabulary of `drover test`: Molecule's step sequence, the exit code
// each failed step maps to, and the events a scenario run emits. Reporters
// (report-plain.ts, report-listr.ts) consume the events; the sequence itself
// never writes to stdout.
import type { EngineEvent } from '../engine/events.js';

/**
 * Molecule's sequence, in order, with a check step: converge in check mode on
 * the fresh hosts, held against what the converge then does. `destroy` always
 * runs (unless --keep).
 */
export const STEPS = ['syntax', 'create', 'prepare', 'check', 'converge', 'idempotence', 'side_effect', 'verify', 'destroy'] as const;
export type StepName = (typeof STEPS)[number];

/** The exit code of a scenario whose step failed; documented in docs/testing.md. */
export const STEP_EXIT: Record<StepName, number> = {
  syntax: 10,
  create: 11,
  prepare: 12,
  converge: 13,
  idempotence: 14,
  side_effect: 15,
  verify: 16,
  destroy: 17,
  // Added after the others; their codes stay as documented.
  check: 18,
};

/** How a step ended. 'skipped': nothing to do (no prepare.yml) or an earlier step failed. */
export type StepStatus = 'passed' | 'failed' | 'skipped';

export type ScenarioEvent =
  | { type: 'scenario.start'; scenario: string }
  | { type: 'step.start'; scenario: string; step: StepName }
  /** A progress line of the driver while it creates hosts (a VM image build takes minutes). */
  | { type: 'step.log'; scenario: string; step: StepName; line: string }
  /** Something the engine said during a step that runs a playbook. */
  | { type: 'step.engine'; scenario: string; step: StepName; event: EngineEvent }
  | { type: 'step.end'; scenario: string; step: StepName; status: StepStatus; durationMs: number; detail?: string }
  /** --keep: the hosts stay up; how to reach them and how to end them. */
  | { type: 'scenario.kept'; scenario: string; instructions: string }
  | { type: 'scenario.end'; scenario: string; exitCode: number; failedStep?: StepName; durationMs: number };

/** A consumer of scenario events; `close` flushes output. */
export interface ScenarioReporter {
  handle(event: ScenarioEvent): void;
  close(): Promise<void>;
}

/** A step that failed: its message says why, naming tasks and hosts. */
export class StepFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StepFailure';
  }
}
