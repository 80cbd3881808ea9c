// `make bench`: drover against ansible-playbook on the same disposable hosts.
// Settings come from the environment (make passes its variables through):
//   BENCH_HOSTS=1,10,50,200   host counts (a ground holds at most MAX_HOSTS_PER_GROUND)
//   BENCH_ROUNDS=3            rounds; medians are over rounds
//   BENCH_WORKLOADS=a,b       a: user/touch/upload/command, b: 30-task config set
//   BENCH_FACTS_HOSTS=N|none  host count of the gather_facts-on row (default: 10, or the largest count <= 50)
//   BENCH_PROFILE_HOSTS=N|none one extra drover run of workload b under --cpu-prof (default: as facts)
//   BENCH_ANSIBLE_MAX_HOSTS=N  run ansible-playbook only up to N hosts (default: every count)
//   BENCH_OUT=bench/results   where <date>.md/.json/.png go
//   BENCH_DROVER=dist/drover.mjs  drover as bastion hosts install it: the one-file bundle (make dist);
//                                 dist/runner/cli.js is the unbundled build (about twice the start-up)
import { freemem } from 'node:os';
import { join, resolve } from 'node:path';
import { projectRoot } from '../runner/paths.js';
import { MAX_HOSTS_PER_GROUND } from '../runner/testground/network.js';
import { runBenchmark, type BenchConfig } from './harness.js';
import { writeResults } from './report.js';
import type { WorkloadName } from './workloads.js';

/** Ansible forks one Python worker per host (forks = H), each some tens of MB: keep a margin. */
const MB_PER_HOST = 80;

function list(value: string | undefined, fallback: string): string[] {
  return (value ?? fallback).split(',').map((s) => s.trim()).filter(Boolean);
}

function optionalCount(value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === 'none') return undefined;
  return value === undefined || value === '' ? fallback : Number(value);
}

export function configFromEnv(env: NodeJS.ProcessEnv, log: (line: string) => void): BenchConfig {
  const hosts = list(env.BENCH_HOSTS, '1,10,50,200').map(Number);
  for (const h of hosts) if (!Number.isInteger(h) || h < 1 || h > MAX_HOSTS_PER_GROUND) throw new Error(`BENCH_HOSTS: ${h} is not a host count from 1 to ${MAX_HOSTS_PER_GROUND}`);
  const affordable = hosts.filter((h) => h * MB_PER_HOST * 2 ** 20 < freemem());
  for (const h of hosts.filter((x) => !affordable.includes(x))) log(`skipping ${h} hosts: ${Math.round(freemem() / 2 ** 20)} MB free, about ${h * MB_PER_HOST} MB needed`);
  const workloads = list(env.BENCH_WORKLOADS, 'a,b') as WorkloadName[];
  for (const w of workloads) if (w !== 'a' && w !== 'b') throw new Error(`BENCH_WORKLOADS: unknown workload ${w} (a or b)`);
  const small = affordable.includes(10) ? 10 : Math.max(...affordable.filter((h) => h <= 50));
  const rounds = Number(env.BENCH_ROUNDS ?? 3);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`BENCH_ROUNDS: ${env.BENCH_ROUNDS} is not a positive integer`);
  return {
    hosts: affordable,
    rounds,
    workloads,
    factsHosts: optionalCount(env.BENCH_FACTS_HOSTS, Number.isFinite(small) ? small : undefined),
    profileHosts: optionalCount(env.BENCH_PROFILE_HOSTS, Number.isFinite(small) ? small : undefined),
    ansibleMaxHosts: optionalCount(env.BENCH_ANSIBLE_MAX_HOSTS, undefined),
    droverEntry: resolve(env.BENCH_DROVER ?? join(projectRoot(), 'dist', 'drover.mjs')),
    log,
  };
}

async function main(): Promise<void> {
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const config = configFromEnv(process.env, log);
  log(`bench: hosts ${config.hosts.join(',')}, ${config.rounds} round(s), workloads ${config.workloads.join(',')}, facts row at ${config.factsHosts ?? 'none'}, profile at ${config.profileHosts ?? 'none'}`);
  const result = await runBenchmark(config);
  const md = await writeResults(result, resolve(process.env.BENCH_OUT ?? join(projectRoot(), 'bench', 'results')), { plot: true });
  log(`bench: results in ${md}`);
}

await main();
