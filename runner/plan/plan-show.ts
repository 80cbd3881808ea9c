// `drover plan show FILE`: a plan as a reviewer reads it. First one line per
// host (what would change, fail or stay), then per host each task that would
// change or fail, with its change sentences and (unless --no-diff) the same
// diff text `--diff` prints. Values were masked when the plan was made.
import { renderDiffs } from '../report/diff.js';
import type { PlanFile, PlannedStep } from './plan-file.js';

export interface ShowFilter {
  host?: string;
  task?: string;
  diff: boolean;
}

export function renderPlan(plan: PlanFile, filter: ShowFilter): string {
  const hosts = Object.entries(plan.hosts).filter(([host]) => filter.host === undefined || host.includes(filter.host));
  const wanted = (s: PlannedStep) => filter.task === undefined || s.task.includes(filter.task) || s.location.includes(filter.task);
  const out = [`plan of ${plan.invocation.playbook}, made ${plan.createdAt} in ${plan.baseDir}, ${Object.keys(plan.content).length} files pinned`, ''];
  const width = Math.max(4, ...hosts.map(([h]) => h.length));
  for (const [host, steps] of hosts) {
    const count = (status: string) => steps.filter((s) => s.status === status && wanted(s)).length;
    out.push(`${host.padEnd(width)}  ${count('changed')} to change, ${count('failed') + count('unreachable')} failed, ${count('ok')} ok, ${count('skipped')} skipped`);
  }
  for (const [host, steps] of hosts) {
    const shown = steps.filter((s) => wanted(s) && (s.status === 'changed' || s.status === 'failed' || s.status === 'unreachable'));
    if (shown.length === 0) continue;
    out.push('', `== ${host}`);
    for (const step of shown) {
      out.push(`${step.status === 'changed' ? 'change' : step.status}: ${step.task}${step.item === undefined ? '' : ` (item=${step.item})`} (${step.location})`);
      for (const change of step.changes) out.push(`    ${change}`);
      if (step.message !== undefined && step.status !== 'changed') out.push(`    ${step.message}`);
      if (filter.diff && step.diff.length > 0) out.push(renderDiffs(step.diff).trimEnd());
    }
  }
  return `${out.join('\n')}\n`;
}
