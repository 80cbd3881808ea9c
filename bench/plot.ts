// The PNG: wall time against host count, one panel per workload, a line per
// tool and run (log-log, so 1 to 200 hosts and 0.3 to 300 s fit together).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { mustRun } from '../runner/testground/run-command.js';
import type { Row } from './summary.js';
import { WORKLOADS, type WorkloadName } from './workloads.js';

const SERIES = [
  ['drover', 'first', 'drover, first run', '#1b9e77', 7],
  ['drover', 'second', 'drover, second run', '#1b9e77', 5],
  ['ansible', 'first', 'ansible, first run', '#d95f02', 7],
  ['ansible', 'second', 'ansible, second run', '#d95f02', 5],
] as const;

/** Draw the plot with gnuplot; returns the PNG's file name. */
export async function plotTimes(all: Row[], png: string): Promise<string> {
  const plain = all.filter((r) => !r.facts);
  const workloads = [...new Set(plain.map((r) => r.workload))] as WorkloadName[];
  const dir = await mkdtemp(join(tmpdir(), 'drover-bench-plot-'));
  try {
    const panels: string[] = [];
    for (const w of workloads) {
      const hosts = [...new Set(plain.filter((r) => r.workload === w).map((r) => r.hosts))].sort((a, b) => a - b);
      const data = join(dir, `${w}.dat`);
      const lines = hosts.map((h) => {
        const cells = SERIES.map(([tool, run]) => plain.find((r) => r.workload === w && r.hosts === h && r.run === run)?.[tool]?.medianWallMs);
        return [h, ...cells.map((ms) => (ms === undefined ? 'NaN' : (ms / 1000).toFixed(3)))].join(' ');
      });
      await writeFile(data, `${lines.join('\n')}\n`);
      const plots = SERIES.map(([, run, title, color, point], i) => `'${data}' using 1:${i + 2} with linespoints title '${title}' lc rgb '${color}' pt ${point} dt ${run === 'first' ? 1 : 2} lw 2`);
      panels.push(`set title '${WORKLOADS[w].title}'`, `plot ${plots.join(', ')}`);
    }
    const script = [
      `set terminal pngcairo size ${560 * Math.max(1, workloads.length)},480 font ',10'`,
      `set output '${png}'`,
      `set multiplot layout 1,${Math.max(1, workloads.length)} title 'drover vs ansible-playbook: wall time vs hosts (median)'`,
      'set logscale xy',
      "set xlabel 'hosts'",
      "set ylabel 'seconds'",
      'set xrange [0.8:300]',
      'set grid',
      'set key top left',
      ...panels,
      'unset multiplot',
    ].join('\n');
    await mustRun(['gnuplot'], `${script}\n`);
    return basename(png);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
