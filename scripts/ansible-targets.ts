// make ansible-targets: each of Ansible's integration targets vendored under
// test/ansible-targets/targets/, run unchanged by drover and by Debian's
// ansible-playbook (the oracle) on fresh namespace hosts; the per-target
// tally goes to test/ansible-targets/RESULTS.md and results.json.
//   node --import tsx scripts/ansible-targets.ts [--tool drover|ansible|both] [TARGET...]
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readTargetNames, runTarget, TARGETS_DIR, type TargetTally, type TargetTool } from '../test/support/ansible-target-run.js';

const args = process.argv.slice(2);
const toolFlag = args.indexOf('--tool');
const toolArg = toolFlag === -1 ? 'both' : args.splice(toolFlag, 2)[1];
const tools: TargetTool[] = toolArg === 'both' ? ['drover', 'ansible'] : [toolArg as TargetTool];
const targets = args.length > 0 ? args : await readTargetNames();

const tallies: TargetTally[] = [];
for (const target of targets) {
  for (const tool of tools) {
    const started = Date.now();
    const tally = await runTarget(target, tool);
    tallies.push(tally);
    console.log(`${target} ${tool}: ${summary(tally)} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
}
// Rows of targets and tools not run this time are kept from the last results, so one tool can be re-run alone.
const resultsFile = join(TARGETS_DIR, 'results.json');
const earlier = await readFile(resultsFile, 'utf8').then((t) => JSON.parse(t) as TargetTally[], () => []);
const rerun = (t: TargetTally) => tallies.some((n) => n.target === t.target && n.tool === t.tool);
const all = [...earlier.filter((t) => !rerun(t)), ...tallies].sort((a, b) => a.target.localeCompare(b.target) || a.tool.localeCompare(b.tool));
await writeFile(resultsFile, `${JSON.stringify(all, null, 2)}\n`);
await writeFile(join(TARGETS_DIR, 'RESULTS.md'), markdown(all));

function summary(t: TargetTally): string {
  if (t.loadError !== undefined) return `does not load: ${t.loadError}`;
  const run = t.ok + t.changed + t.failed + t.ignored;
  return `${run} tasks run (${t.failed} failed, ${t.ignored} ignored/rescued, ${t.skipped} skipped), asserts ${t.assertsPassed} passed / ${t.assertsFailed} failed, exit ${t.exitCode}`;
}

function markdown(all: TargetTally[]): string {
  const lines = [
    '# Ansible integration targets: drover and ansible-playbook',
    '',
    'Written by `make ansible-targets` (scripts/ansible-targets.ts); see README.md for what runs and how.',
    '',
    '| target | tool | tasks run | failed | ignored/rescued | skipped | asserts passed | asserts failed | exit |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const t of all) {
    const run = t.loadError !== undefined ? 'does not load' : String(t.ok + t.changed + t.failed + t.ignored);
    lines.push(`| ${t.target} | ${t.tool} | ${run} | ${t.failed} | ${t.ignored} | ${t.skipped} | ${t.assertsPassed} | ${t.assertsFailed} | ${t.exitCode} |`);
  }
  lines.push('', '## Why tasks failed or targets did not load', '');
  for (const t of all) {
    const reasons = t.loadError !== undefined ? [t.loadError] : t.failures;
    if (reasons.length === 0) continue;
    lines.push(`### ${t.target} (${t.tool})`, '', ...reasons.map((r) => `- ${r.replace(/\|/g, '\\|')}`), '');
  }
  return `${lines.join('\n')}\n`;
}
