// The benchmark harness (bench/) end to end at its smallest: 1 host, 1 round,
// workload a, both tools for real. The result file must have its rows, and
// both tools must have changed the host on the first run and nothing on the
// second (the harness itself also checks the host after every run).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runBenchmark } from '../bench/harness.js';
import { writeResults } from '../bench/report.js';
import { projectRoot } from '../runner/paths.js';

const run = promisify(execFile);

test('the bench harness times both tools on one host and proves each changed it', { timeout: 90_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'drover-bench-test-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // Compiled drover, as the benchmark requires; bundling is the fast way to get a fresh one.
  const droverEntry = join(dir, 'drover.mjs');
  await run(process.execPath, ['scripts/bundle.mjs', droverEntry], { cwd: projectRoot() });

  const result = await runBenchmark({ hosts: [1], rounds: 1, workloads: ['a'], droverEntry, log: () => undefined });
  const md = await readFile(await writeResults(result, dir, { plot: false }), 'utf8');

  // | workload | hosts | run | drover | ansible | ratio | changed: drover | changed: ansible | checked |
  const row = (run: string) => md.split('\n').find((l) => l.startsWith(`| a | 1 | ${run} |`))?.split('|').map((c) => c.trim());
  const first = row('first');
  const second = row('second');
  assert.ok(first && second, `rows for workload a on 1 host in:\n${md}`);
  assert.deepEqual([first[7], first[8]], ['3', '3'], 'both tools changed user, touched file and upload on the first run');
  assert.deepEqual([second[7], second[8]], ['0', '0'], 'neither tool changed anything on the second run');
  assert.equal(first[9], 'drover 1, ansible 1');
  for (const cells of [first, second]) {
    const [drover, ansible] = [Number(cells[4]), Number(cells[5])];
    assert.ok(drover > 0 && ansible > 0, `wall times measured: ${cells.join('|')}`);
    // The ratio is taken before the times are rounded for the table: equal within the rounding.
    assert.ok(Math.abs(Number(cells[6]) - drover / ansible) <= 0.011, `ratio ${cells[6]} for ${drover} / ${ansible}`);
  }
  assert.match(md, /^\| a \| 1 \| first \| 1 \| 1 \|$/m, 'one connection per host for each tool on the first run');
  assert.match(md, /^- Versions: node v\d+.*ansible-core \d+\.\d+/m);

  const trials = result.trials.map((x) => `${x.tool}:${x.first.changed}/${x.second.changed}:${x.first.verifiedOn.join(',')}`);
  assert.deepEqual(trials, ['drover:3/0:bench1', 'ansible:3/0:bench1']);
  assert.ok(result.floorMs[0]! > 0, 'the exec round trip was measured');
});
