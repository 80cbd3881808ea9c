// One scenario, Molecule's sequence: syntax -> create -> prepare -> check ->
// converge -> idempotence -> side_effect -> verify -> destroy. Steps run in order;
// the first failure skips the rest, except destroy, which always runs
// (unless --keep). Each step is timed and reported through events; the
// result's exit code names the failed step (types.ts STEP_EXIT).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from '../engine/run.js';
import { InputError } from '../errors.js';
import type { ModuleRegistry } from '../module-api.js';
import { loadPlaybook } from '../playbook/load.js';
import type { HostGround } from '../testground/driver.js';
import { loadDefinition, type ScenarioDefinition } from './definition.js';
import type { ScenarioRef } from './discover.js';
import { defaultDrivers, type DriverRegistry } from './drivers.js';
import { keptInstructions } from './keep.js';
import { changedSummary, checkAgainstConverge, idempotenceFailure, playbookMustPass, plural, runStepPlaybook, type PlaybookContext, type PlaybookOutcome } from './playbook-step.js';
import { STEP_EXIT, STEPS, StepFailure, type ScenarioEvent, type StepName } from './types.js';
import { createWorkspace, writeInventory, writeRoleConverge, type Workspace } from './workspace.js';

export interface ScenarioOptions {
  onEvent(event: ScenarioEvent): void;
  /** The modules the scenario's playbooks may name. */
  registry: ModuleRegistry;
  /** Leave the hosts running; the result's `kept` destroys them later. */
  keep?: boolean;
  drivers?: DriverRegistry;
  /** Aborting lets the running step finish, skips the rest, and still destroys. */
  signal?: AbortSignal;
  /** Engine events carry before/after diffs (for a reporter that shows them). */
  diff?: boolean;
}

export interface ScenarioResult {
  exitCode: number;
  failedStep?: StepName;
  /** With --keep, when hosts were created: ends them and their files. */
  kept?: { destroy(): Promise<void> };
}

/** The optional playbooks a scenario directory may hold, by the step that runs them. */
const STEP_FILES = { prepare: 'prepare.yml', converge: 'converge.yml', side_effect: 'side_effect.yml', verify: 'verify.yml' } as const;

/** What the steps build up, step by step. */
interface Run {
  definition?: ScenarioDefinition;
  workspace?: Workspace;
  converge?: string;
  ground?: HostGround;
  /** How every playbook of the scenario runs, once the hosts exist. */
  context?: PlaybookContext;
  /** What the check step planned; the converge step holds it to that. */
  planned?: PlaybookOutcome;
}

export async function runScenario(ref: ScenarioRef, options: ScenarioOptions): Promise<ScenarioResult> {
  const started = Date.now();
  const scenario = ref.label;
  const emit = options.onEvent;
  const drivers = options.drivers ?? defaultDrivers;
  const run: Run = {};
  const optional = (step: keyof typeof STEP_FILES) => {
    const file = join(ref.dir, STEP_FILES[step]);
    return existsSync(file) ? file : undefined;
  };
  const optionalPlaybook = (step: 'prepare' | 'side_effect' | 'verify') => async () => {
    const file = optional(step);
    if (!file) return { skipped: `no ${STEP_FILES[step]}` };
    const outcome = await playbookMustPass(step, file, run.context!);
    return { detail: step === 'verify' ? `${plural(outcome.hosts.size, 'host')} verified` : changedSummary(outcome) };
  };

  const steps: Record<Exclude<StepName, 'destroy'>, () => Promise<StepOutcome>> = {
    syntax: async () => {
      run.definition = await loadDefinition(ref.dir, drivers);
      run.workspace = await createWorkspace();
      run.converge = optional('converge') ?? (await defaultConverge(ref, run.definition, run.workspace));
      const playbooks = [optional('prepare'), run.converge, optional('side_effect'), optional('verify')].filter((f): f is string => f !== undefined);
      const problems = await Promise.allSettled(playbooks.map((file) => loadPlaybook(file, { registry: options.registry })));
      const errors = problems.flatMap((p) => (p.status === 'rejected' ? [p.reason as Error] : []));
      if (errors.length > 0) throw new StepFailure(errors.map((e) => e.message).join('\n'));
      return { detail: `scenario.yml and ${plural(playbooks.length, 'playbook')}` };
    },
    create: async () => {
      const definition = run.definition!;
      const driver = drivers.get(definition.driver)!;
      const log = (line: string) => emit({ type: 'step.log', scenario, step: 'create', line });
      run.ground = await driver.start({ names: definition.hosts.map((h) => h.name), log });
      const generated = await writeInventory(run.workspace!, definition, run.ground);
      run.context = {
        scenario,
        // An ENV inventory first (scenario.yml `inventory`), limited to the hosts standing in for its own.
        inventories: definition.inventory ? [definition.inventory, generated] : [generated],
        limit: definition.inventory ? definition.hosts.map((h) => h.name).join(',') : undefined,
        extraVars: definition.extraVars,
        knownHostsFile: run.ground.knownHostsFile,
        registry: options.registry,
        emit,
        signal: options.signal,
        diff: options.diff,
      };
      return { detail: `${plural(definition.hosts.length, `${definition.driver} host`)}` };
    },
    prepare: optionalPlaybook('prepare'),
    check: async () => {
      if (!run.definition!.check) return { skipped: 'check: false in scenario.yml' };
      run.planned = await playbookMustPass('check', run.converge!, run.context!, { check: true });
      return { detail: `${plural(run.planned.changed.length, 'change')} planned on ${plural(run.planned.hosts.size, 'host')}` };
    },
    converge: async () => {
      const outcome = await playbookMustPass('converge', run.converge!, run.context!);
      if (!run.planned) return { detail: changedSummary(outcome) };
      const { unforeseen } = checkAgainstConverge(run.planned.changed, outcome.changed);
      return { detail: `${changedSummary(outcome)}, as planned${unforeseen.length > 0 ? ` (${unforeseen.length} not foreseen by check mode)` : ''}` };
    },
    idempotence: async () => {
      const outcome = await runStepPlaybook('idempotence', run.converge!, run.context!);
      if (outcome.changed.length > 0) throw idempotenceFailure(outcome.changed);
      if (outcome.exitCode !== EXIT.ok) throw new StepFailure(`the second converge failed (exit code ${outcome.exitCode}) where the first passed`);
      return { detail: `0 changed on ${plural(outcome.hosts.size, 'host')}` };
    },
    side_effect: optionalPlaybook('side_effect'),
    verify: optionalPlaybook('verify'),
  };

  emit({ type: 'scenario.start', scenario });
  let failedStep: StepName | undefined;
  let interrupted = false;
  for (const step of STEPS) {
    if (step === 'destroy') break;
    if (failedStep || interrupted || options.signal?.aborted) {
      interrupted ||= options.signal?.aborted === true;
      emit({ type: 'step.end', scenario, step, status: 'skipped', durationMs: 0, detail: failedStep ? `${failedStep} failed` : 'interrupted' });
      continue;
    }
    if (!(await runStep(scenario, step, steps[step], emit))) failedStep = step;
  }

  let kept: ScenarioResult['kept'];
  const destroy = async () => {
    await run.ground?.stop();
    await run.workspace?.remove();
  };
  if (options.keep && run.ground) {
    emit({ type: 'step.end', scenario, step: 'destroy', status: 'skipped', durationMs: 0, detail: 'kept (--keep)' });
    emit({ type: 'scenario.kept', scenario, instructions: keptInstructions(run.ground, run.context?.inventories ?? [], run.workspace!.dir) });
    kept = { destroy };
  } else {
    const destroyed = await runStep(scenario, 'destroy', async () => {
      await destroy();
      return { detail: run.ground ? 'hosts and files removed' : 'files removed' };
    }, emit);
    if (!destroyed) failedStep ??= 'destroy';
  }
  // After Ctrl-C a step may fail only because its hosts were being torn down: the interrupt is the news.
  const exitCode = interrupted || options.signal?.aborted ? EXIT.interrupted : failedStep ? STEP_EXIT[failedStep] : EXIT.ok;
  emit({ type: 'scenario.end', scenario, exitCode, failedStep, durationMs: Date.now() - started });
  return { exitCode, failedStep, kept };
}

type StepOutcome = { detail?: string; skipped?: undefined } | { skipped: string };

/** Runs one step between its start and end events; false when it failed. */
async function runStep(scenario: string, step: StepName, body: () => Promise<StepOutcome>, emit: (e: ScenarioEvent) => void): Promise<boolean> {
  const started = Date.now();
  emit({ type: 'step.start', scenario, step });
  const end = (status: 'passed' | 'failed' | 'skipped', detail?: string) => emit({ type: 'step.end', scenario, step, status, durationMs: Date.now() - started, detail });
  try {
    const outcome = await body();
    if (outcome.skipped !== undefined) end('skipped', outcome.skipped);
    else end('passed', outcome.detail);
    return true;
  } catch (error) {
    end('failed', failureText(error));
    return false;
  }
}

/** Step failures and input errors are the user's to fix; anything else carries its stack for a bug report. */
function failureText(error: unknown): string {
  if (error instanceof StepFailure || error instanceof InputError) return error.message;
  if (error instanceof Error) return `${error.message}\n${error.stack?.split('\n').slice(1).join('\n') ?? ''}`.trimEnd();
  return String(error);
}

async function defaultConverge(ref: ScenarioRef, definition: ScenarioDefinition, workspace: Workspace): Promise<string> {
  switch (ref.subject.kind) {
    case 'role':
      return writeRoleConverge(workspace, definition, ref.subject.dir);
    case 'playbook':
      return ref.subject.file;
    case 'none':
      throw new StepFailure(`${ref.label} has no converge.yml, and it is neither under roles/NAME/tests/ nor named after a playbook`);
  }
}
