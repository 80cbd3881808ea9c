// Turn the trials into the numbers the report shows: medians over rounds per
// (workload, facts, hosts, tool, run), ratios, and the targets.
import type { BenchResult, RunSample, Trial } from './harness.js';
import { max, mean, median } from './stats.js';
import type { ToolName } from './tool.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';

export type RunKind = 'first' | 'second';

export interface Cell {
  workload: WorkloadName;
  facts: boolean;
  hosts: number;
  run: RunKind;
  tool: ToolName;
  samples: RunSample[];
  medianWallMs: number;
  maxRssKb: number;
  changed: number[];
  connections: { min: number; max: number };
  /** Processes the run started on one host, per task (median over rounds). */
  processesPerTask: number;
  /** Mean duration of one task on one host (drover's own task events), first task per host excluded. */
  taskMs: number;
}

export interface Row {
  workload: WorkloadName;
  facts: boolean;
  hosts: number;
  run: RunKind;
  drover?: Cell;
  ansible?: Cell;
  /** median drover / median ansible. */
  ratio: number;
}

function cell(trials: Trial[], run: RunKind): Cell {
  const t0 = trials[0] as Trial;
  const samples = trials.map((t) => t[run]);
  return {
    workload: t0.workload,
    facts: t0.facts,
    hosts: t0.hosts,
    run,
    tool: t0.tool,
    samples,
    medianWallMs: median(samples.map((s) => s.wallMs)),
    maxRssKb: max(samples.map((s) => s.maxRssKb)),
    changed: samples.map((s) => s.changed),
    connections: { min: Math.min(...samples.map((s) => s.connections.min)), max: Math.max(...samples.map((s) => s.connections.max)) },
    taskMs: mean(samples.flatMap((s) => s.taskMs)),
    processesPerTask: median(samples.map((s) => s.processes)) / WORKLOADS[t0.workload].tasks,
  };
}

/** One row per (workload, facts, hosts, run), in the order the trials ran in. */
export function rows(result: BenchResult): Row[] {
  const groups = new Map<string, Trial[]>();
  for (const t of result.trials) {
    const key = `${t.workload}|${t.facts}|${t.hosts}|${t.tool}`;
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  const out = new Map<string, Row>();
  for (const trials of groups.values()) {
    for (const run of ['first', 'second'] as const) {
      const c = cell(trials, run);
      const key = `${c.workload}|${c.facts}|${c.hosts}|${run}`;
      const row = out.get(key) ?? { workload: c.workload, facts: c.facts, hosts: c.hosts, run, ratio: Number.NaN };
      row[c.tool] = c;
      out.set(key, row);
    }
  }
  const sorted = [...out.values()].sort((a, b) => Number(a.facts) - Number(b.facts) || a.workload.localeCompare(b.workload) || a.hosts - b.hosts || a.run.localeCompare(b.run));
  for (const r of sorted) r.ratio = r.drover && r.ansible ? r.drover.medianWallMs / r.ansible.medianWallMs : Number.NaN;
  return sorted;
}

export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean | undefined;
}

const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** The targets, each with what was measured; `met` is undefined when this run did not measure it. */
export function targets(result: BenchResult, table: Row[]): TargetCheck[] {
  const floor = median(result.floorMs);
  const checks: TargetCheck[] = [];
  for (const w of ['a', 'b'] as const) {
    for (const run of ['first', 'second'] as const) {
      const r = table.find((x) => !x.facts && x.workload === w && x.hosts === 50 && x.run === run);
      checks.push({ target: `ratio <= 0.1 at 50 hosts, workload ${w}, ${run} run`, measured: r ? fmt(r.ratio, 3) : 'not measured', met: r ? r.ratio <= 0.1 : undefined });
    }
  }
  for (const run of ['first', 'second'] as const) {
    const r = table.find((x) => !x.facts && x.workload === 'b' && x.hosts === 1 && x.run === run);
    const per = r?.drover?.taskMs ?? Number.NaN;
    checks.push({
      target: `drover per-task cost <= 2x exec round trip (workload b, 1 host, ${run} run)`,
      measured: r ? `${fmt(per)} ms vs ${fmt(floor)} ms = ${fmt(per / floor)}x` : 'not measured',
      met: r ? per <= 2 * floor : undefined,
    });
  }
  const big = table.filter((x) => !x.facts && x.workload === 'b' && x.hosts === 200 && x.drover).map((x) => x.drover as Cell);
  checks.push({
    target: '200 hosts x 30 tasks: 1 connection per host, every run',
    measured: big.length ? big.map((c) => `${c.run}: ${c.connections.min}..${c.connections.max}`).join(', ') : 'not measured',
    met: big.length ? big.every((c) => c.connections.min === 1 && c.connections.max === 1) : undefined,
  });
  const rss = max(big.map((c) => c.maxRssKb));
  checks.push({ target: '200 hosts x 30 tasks: drover peak memory < 300 MB', measured: big.length ? `${fmt(rss / 1024, 0)} MB` : 'not measured', met: big.length ? rss < 300 * 1024 : undefined });
  return checks;
}
