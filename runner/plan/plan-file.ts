// A reviewable plan: what `drover plan` found each task would do on each host,
// written as JSON for a human (or a CI job) to review and for `drover apply`
// to hold the hosts to. Values are already masked: they come from engine
// events, which never carry a known secret.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { DiffEntry } from '../module-api.js';
import type { Invocation } from '../engine/invocation.js';
import type { HostStats, TaskResultEvent, TaskStatus } from '../engine/events.js';
import { InputError } from '../errors.js';
import type { ContentPins } from './content-pins.js';

export const PLAN_FORMAT = 'drover-plan';
/** 2: the plan pins its content and records the directory it was made in. */
export const PLAN_VERSION = 2;

/** One task (or one loop item, or one handler) on one host, as planned. */
export interface PlannedStep {
  /** Stable identity within the host: file:line:col of the task, the item label, and the occurrence. */
  key: string;
  task: string;
  location: string;
  module?: string;
  role?: string;
  handler?: boolean;
  item?: string;
  status: TaskStatus;
  changes: string[];
  diff: DiffEntry[];
  message?: string;
}

export interface PlanFile {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  createdAt: string;
  /** The directory the plan was made in: `drover apply` runs there, from wherever it is started. */
  baseDir: string;
  /** The run to repeat: playbook and inventory paths are relative to baseDir. */
  invocation: Invocation & { forks: number };
  /** SHA-256 of every project file the run could read (content-pins.ts), relative to baseDir. */
  content: ContentPins;
  hosts: Record<string, PlannedStep[]>;
  stats: Record<string, HostStats>;
}

/** Collects task results per host, in the order they happened, with stable keys. */
export class StepRecorder {
  readonly hosts: Record<string, PlannedStep[]> = {};
  private readonly seen = new Map<string, number>();

  add(event: TaskResultEvent): void {
    const base = `${event.task.location}${event.task.handler ? ' (handler)' : ''}${event.item === undefined ? '' : ` [${event.item}]`}`;
    // A task can run more than once on a host (an included file used twice, a role listed twice).
    const counter = `${event.host}\u0000${base}`;
    const occurrence = (this.seen.get(counter) ?? 0) + 1;
    this.seen.set(counter, occurrence);
    const step: PlannedStep = {
      key: occurrence === 1 ? base : `${base} #${occurrence}`,
      task: event.task.name,
      location: event.task.location,
      status: event.status,
      changes: event.changes,
      diff: event.diff,
      ...(event.task.module ? { module: event.task.module } : {}),
      ...(event.task.role ? { role: event.task.role } : {}),
      ...(event.task.handler ? { handler: true } : {}),
      ...(event.item !== undefined ? { item: event.item } : {}),
      ...(event.message !== undefined ? { message: event.message } : {}),
    };
    (this.hosts[event.host] ??= []).push(step);
  }
}

export function writePlanFile(path: string, plan: PlanFile): void {
  // Temp + rename: a reviewer never sees half a plan.
  const temp = `${path}.tmp-${process.pid}`;
  writeFileSync(temp, `${JSON.stringify(plan, null, 2)}\n`, { mode: 0o600 });
  renameSync(temp, path);
}

export function readPlanFile(path: string): PlanFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError([{ message: `cannot read plan ${path}: ${(error as NodeJS.ErrnoException).code}` }]);
  }
  let plan: Partial<PlanFile>;
  try {
    plan = JSON.parse(text) as Partial<PlanFile>;
  } catch (error) {
    throw new InputError([{ message: `${path} is not a plan: ${(error as Error).message}` }]);
  }
  if (plan.format !== PLAN_FORMAT) throw new InputError([{ message: `${path} is not a drover plan (made by \`drover plan PLAYBOOK -o FILE\`)` }]);
  if (plan.version !== PLAN_VERSION) throw new InputError([{ message: `${path} is a version ${String(plan.version)} plan; this drover reads version ${PLAN_VERSION}: make the plan again` }]);
  if (!plan.invocation || typeof plan.hosts !== 'object' || plan.hosts === null || typeof plan.baseDir !== 'string' || typeof plan.content !== 'object') throw new InputError([{ message: `${path}: the plan is incomplete (no invocation or hosts)` }]);
  return plan as PlanFile;
}
