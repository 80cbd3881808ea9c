// The results file: bench/results/<date>.md (tables), <date>.json (every
// sample), <date>.png (time vs hosts, drawn by plot.ts).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BenchResult } from './harness.js';
import { plotTimes } from './plot.js';
import { median } from './stats.js';
import { rows, targets, type Cell, type Row } from './summary.js';
import { WORKLOADS } from './workloads.js';

const s = (ms: number | undefined) => (ms === undefined || !Number.isFinite(ms) ? 'n/a' : (ms / 1000).toFixed(2));
const n0 = (v: number) => (Number.isFinite(v) ? v.toFixed(0) : 'n/a');
const n1 = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v.toFixed(1) : 'n/a');
const n2 = (v: number) => (Number.isFinite(v) ? v.toFixed(2) : 'n/a');
const label = (r: Pick<Row, 'workload' | 'facts'>) => `${r.workload}${r.facts ? ' + facts' : ''}`;
const changed = (c: Cell | undefined) => (c ? [...new Set(c.changed)].join('/') : 'n/a');
const conns = (c: Cell | undefined) => (!c ? 'n/a' : c.connections.min === c.connections.max ? String(c.connections.min) : `${c.connections.min}..${c.connections.max}`);
/** Distinct hosts where the shell check passed after this run, for both tools. */
const checked = (r: Row) => {
  const hosts = (c: Cell | undefined) => new Set(c?.samples.flatMap((x) => x.verifiedOn)).size;
  return `drover ${hosts(r.drover)}, ansible ${hosts(r.ansible)}`;
};
const table = (head: string[], body: string[][]) => [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function resultName(result: BenchResult): string {
  return result.startedAt.toISOString().slice(0, 10);
}

export function renderMarkdown(result: BenchResult, pngName: string | undefined): string {
  const m = result.machine;
  const all = rows(result);
  const floor = median(result.floorMs);
  const rounds = result.config.rounds;
  const out: string[] = [
    `# drover vs ansible-playbook, ${resultName(result)}`,
    '',
    `- Date: ${result.startedAt.toISOString()} to ${result.finishedAt.toISOString()}`,
    `- Machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB; load average ${m.loadAverage.map(n2).join(' ')} at start, ${result.loadAverageAtEnd.map(n2).join(' ')} at end`,
    `- Versions: node ${m.node}, drover ${m.droverRev}, ansible-core ${m.ansibleCore}, ${m.openssh}`,
    `- Hosts: namespace sshd hosts on this machine (runner/testground), fresh for every tool, round and workload; ${rounds} round(s), drover then ansible in each (A B A B), medians over rounds`,
    '- drover: compiled CLI under node, `-f H --json --known-hosts GROUND`; ansible-playbook: forks = H, pipelining, ControlMaster auto + ControlPersist 120s (sockets in a temp dir), no ssh compression, host keys checked against the ground\'s known_hosts, interpreter_python set; gather_facts off for both except the "+ facts" rows',
    `- Workloads: ${Object.values(WORKLOADS).map((w) => w.title).join('; ')}. First run on fresh hosts (everything changes), second run right after (nothing changes); the changes each tool reported are checked, and a shell check on the first, middle and last host proves the work is there after every run (and absent before the first)`,
    '',
    `## Wall time in seconds (median of ${rounds})`,
    '',
    table(
      ['workload', 'hosts', 'run', 'drover', 'ansible', 'drover/ansible', 'changed: drover', 'changed: ansible', 'work checked on hosts'],
      all.map((r) => [label(r), String(r.hosts), r.run, s(r.drover?.medianWallMs), s(r.ansible?.medianWallMs), n2(r.ratio), changed(r.drover), changed(r.ansible), checked(r)]),
    ),
    '',
    '## Connections opened per host',
    '',
    'Counted by each host\'s kernel (TCP PassiveOpens of its network namespace) around each run; min..max over hosts and rounds. ansible\'s second run reuses the ControlPersist master of its first run.',
    '',
    table(['workload', 'hosts', 'run', 'drover', 'ansible'], all.map((r) => [label(r), String(r.hosts), r.run, conns(r.drover), conns(r.ansible)])),
    '',
    '## Processes started on a host, per task',
    '',
    "Counted by the first host's pid namespace (its last-pid counter) around each run, divided by the workload's task count: sshd sessions, shells, python interpreters, commands. Median over rounds.",
    '',
    table(['workload', 'hosts', 'run', 'drover', 'ansible'], all.map((r) => [label(r), String(r.hosts), r.run, n1(r.drover?.processesPerTask), n1(r.ansible?.processesPerTask)])),
    '',
    '## drover: peak memory and cost per task',
    '',
    `Start-up alone, before any host is contacted (median over rounds): drover (\`node ${result.droverFile} --help\`) ${n0(median(result.startupMs.drover))} ms, ansible-playbook (\`--version\`) ${n0(median(result.startupMs.ansible))} ms.`,
    '',
    `Exec round trip (the floor): one \`true\` over drover's already-open SSH connection, median ${n2(floor)} ms (per round: ${result.floorMs.map(n2).join(', ')}). Per task: mean duration of one task on one host from drover's own task events, each host's first task (which opens the connection) left out. Peak memory: max RSS of the drover process (GNU time), highest over rounds.`,
    '',
    table(
      ['workload', 'hosts', 'run', 'peak RSS MB', 'ms per task per host', 'x floor'],
      all.filter((r) => r.drover).map((r) => [label(r), String(r.hosts), r.run, ((r.drover as Cell).maxRssKb / 1024).toFixed(0), n2((r.drover as Cell).taskMs), n2((r.drover as Cell).taskMs / floor)]),
    ),
    '',
    '## Targets (issue 5)',
    '',
    table(['target', 'measured', 'met'], targets(result, all).map((t) => [t.target, t.measured, t.met === undefined ? 'not measured' : t.met ? 'yes' : '**no**'])),
    '',
  ];
  for (const p of result.profiles) {
    out.push(`## drover CPU profile: workload b, ${p.hosts} hosts, ${p.run} run (top self time of ${p.summary.totalMs.toFixed(0)} ms sampled)`, '');
    out.push(table(['function (self time)', 'called from (drover code)', 'ms', 'share'], p.summary.top.map((t) => [`\`${t.name}\``, t.via ? `\`${t.via}\`` : '', t.ms.toFixed(0), `${(100 * t.share).toFixed(1)}%`])), '');
  }
  if (pngName) out.push('## Time vs hosts', '', `![wall time vs hosts](${pngName})`, '');
  return out.join('\n');
}

/** Write <name>.md, <name>.json and (when gnuplot can) <name>.png into dir; returns the markdown path. */
export async function writeResults(result: BenchResult, dir: string, options: { plot: boolean }): Promise<string> {
  const name = resultName(result);
  await mkdir(dir, { recursive: true });
  const png = options.plot ? await plotTimes(rows(result), join(dir, `${name}.png`)) : undefined;
  await writeFile(join(dir, `${name}.json`), `${JSON.stringify(result, null, 1)}\n`);
  const md = join(dir, `${name}.md`);
  await writeFile(md, renderMarkdown(result, png ? `${name}.png` : undefined));
  return md;
}
