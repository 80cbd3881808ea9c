// Does a freshly computed plan still match the reviewed one? Compared host by
// host and step by step on what a reviewer saw: status, the change sentences,
// the before/after diff and any message. Timings and registered results are
// not part of a plan.
import { isDeepStrictEqual } from 'node:util';
import type { PlannedStep } from './plan-file.js';

export interface Drift {
  host: string;
  /** The task's name and file:line:col (or the host as a whole). */
  task: string;
  reason: string;
}

type HostSteps = Record<string, PlannedStep[]>;

export function findDrift(reviewed: HostSteps, current: HostSteps): Drift[] {
  const drift: Drift[] = [];
  for (const host of new Set([...Object.keys(reviewed), ...Object.keys(current)])) {
    const before = reviewed[host];
    const now = current[host];
    if (!before) drift.push({ host, task: '(whole host)', reason: 'the host was not in the plan' });
    else if (!now) drift.push({ host, task: '(whole host)', reason: 'the plan has tasks for this host but it is no longer selected' });
    else drift.push(...hostDrift(host, before, now));
  }
  return drift;
}

function hostDrift(host: string, reviewed: PlannedStep[], current: PlannedStep[]): Drift[] {
  const drift: Drift[] = [];
  const currentByKey = new Map(current.map((s) => [s.key, s]));
  for (const planned of reviewed) {
    const now = currentByKey.get(planned.key);
    const task = `${planned.task} (${planned.location})`;
    if (!now) drift.push({ host, task, reason: 'the task no longer runs (playbook, variables or earlier results changed)' });
    else {
      const reason = stepDifference(planned, now);
      if (reason) drift.push({ host, task, reason });
    }
    currentByKey.delete(planned.key);
  }
  for (const extra of currentByKey.values()) drift.push({ host, task: `${extra.task} (${extra.location})`, reason: `not in the plan; it would now be ${extra.status}` });
  return drift;
}

function stepDifference(planned: PlannedStep, now: PlannedStep): string | undefined {
  if (planned.status !== now.status) return `planned ${planned.status}, now ${now.status}${now.message ? `: ${now.message}` : ''}`;
  if (!isDeepStrictEqual(planned.diff, now.diff)) return `the current state differs from the one the plan was made from (${describeDiff(planned, now)})`;
  if (!isDeepStrictEqual(planned.changes, now.changes)) return `planned changes: ${planned.changes.join('; ') || 'none'}; now: ${now.changes.join('; ') || 'none'}`;
  if (planned.message !== now.message) return `planned message ${JSON.stringify(planned.message ?? '')}, now ${JSON.stringify(now.message ?? '')}`;
  return undefined;
}

function describeDiff(planned: PlannedStep, now: PlannedStep): string {
  const changed = now.diff.filter((entry, i) => !isDeepStrictEqual(planned.diff[i], entry)).map((entry) => entry.label);
  return changed.length ? `differs in: ${[...new Set(changed)].join(', ')}` : 'fewer changes than planned';
}
