// The benchmark itself: for each round, each host count, each workload and
// each tool (drover then ansible, alternating A B A B), a fresh ground of
// namespace hosts, a first run (everything changes), a check that the hosts
// really changed, a second run (nothing changes), and the counters around
// both runs. Every ground is stopped when its trial ends, also on failure;
// an interrupt is covered by the ground's exit cleanup.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { registerExitCleanup } from '../runner/testground/exit-cleanup.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { CLEAN_ENV } from '../runner/testground/run-command.js';
import { ansibleTool, controlSockets, exitMasterArgv } from './ansible-tool.js';
import { summarizeProfile, type ProfileSummary } from './cpu-profile.js';
import { droverTool } from './drover-tool.js';
import { execRoundTripMs, startupMs } from './floor.js';
import { connectionsBetween, connectionSnapshot, lastPid, processesBetween } from './host-counters.js';
import { describeMachine, type MachineInfo } from './machine.js';
import { killRunningSync } from './timed-run.js';
import type { RunOutcome, RunRequest, Tool, ToolName } from './tool.js';
import { GROUP, WORKLOADS, writeWorkloadFiles, type WorkloadName } from './workloads.js';

export interface BenchConfig {
  hosts: number[];
  rounds: number;
  workloads: WorkloadName[];
  /** Host count of the extra row with gather_facts on for both tools (workload a); none when undefined. */
  factsHosts?: number;
  /** Host count of one extra, untimed drover run of workload b under --cpu-prof; none when undefined. */
  profileHosts?: number;
  /** ansible-playbook only up to this many hosts (its 200-host runs take the better part of an hour each on 2 cores). */
  ansibleMaxHosts?: number;
  /** The compiled drover CLI (dist/runner/cli.js, or a bundle). */
  droverEntry: string;
  log(line: string): void;
}

export interface RunSample {
  wallMs: number;
  maxRssKb: number;
  changed: number;
  /** TCP connections each host accepted during the run: fewest and most over the hosts. */
  connections: { min: number; max: number };
  taskMs: number[];
  /** Processes the run started on the first host (its pid namespace's pid counter). */
  processes: number;
  /** The hosts where the workload's shell check passed after this run. */
  verifiedOn: string[];
}

export interface Trial {
  workload: WorkloadName;
  facts: boolean;
  hosts: number;
  tool: ToolName;
  round: number;
  first: RunSample;
  second: RunSample;
}

export interface BenchResult {
  startedAt: Date;
  finishedAt: Date;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  config: Omit<BenchConfig, 'log' | 'droverEntry'>;
  /** The file drover ran from (drover.mjs: the bundle; cli.js: the unbundled build). */
  droverFile: string;
  trials: Trial[];
  /** One `true` exec over an open drover connection, median per round. */
  floorMs: number[];
  /** Start-up alone (`drover --help`, `ansible-playbook --version`), median per round. */
  startupMs: { drover: number[]; ansible: number[] };
  profiles: Array<{ run: 'first' | 'second'; hosts: number; summary: ProfileSummary }>;
}

interface Variant {
  workload: WorkloadName;
  facts: boolean;
}

function variantsFor(config: BenchConfig, hosts: number): Variant[] {
  const plain = config.workloads.map((workload) => ({ workload, facts: false }));
  return config.factsHosts === hosts ? [...plain, { workload: 'a', facts: true }] : plain;
}

/** First, middle and last host: enough to catch a run that skipped hosts, cheap at 200 hosts. */
function sampleHosts(ground: TestGround): string[] {
  const names = ground.hosts.map((h) => h.name);
  return [...new Set([names[0], names[names.length >> 1], names[names.length - 1]])].filter((n): n is string => n !== undefined);
}

async function verifyHosts(ground: TestGround, script: string, expectDone: boolean, when: string): Promise<string[]> {
  const names = sampleHosts(ground);
  for (const name of names) {
    const r = await ground.exec(name, ['sh', '-c', script]);
    if ((r.rc === 0) !== expectDone) {
      throw new Error(`${when}: the workload's result is ${expectDone ? 'missing' : 'already there'} on ${name} (rc ${r.rc}) ${r.stderr.trim()}`);
    }
  }
  return names;
}

interface TrialSpec extends Variant {
  hosts: number;
  tool: Tool;
  playbook: string;
  workDir: string;
  cpuProfileDir?: string;
}

async function runTrial(spec: TrialSpec, log: BenchConfig['log']): Promise<{ first: RunSample; second: RunSample }> {
  const workload = WORKLOADS[spec.workload];
  const ground = await startHosts({ count: spec.hosts, namePrefix: GROUP });
  const dir = await mkdtemp(join(spec.workDir, `${spec.tool.name}-${spec.workload}-${spec.hosts}-`));
  const inventory = join(dir, 'hosts.ini');
  const request = (run: string): RunRequest => ({
    playbook: spec.playbook,
    inventory,
    knownHostsFile: ground.knownHostsFile,
    hostCount: spec.hosts,
    workDir: dir,
    logPrefix: join(dir, run),
    ...(spec.cpuProfileDir ? { cpuProfileDir: join(spec.cpuProfileDir, run) } : {}),
  });
  try {
    await writeFile(inventory, ground.inventoryIni(GROUP));
    await verifyHosts(ground, workload.verifyScript, false, 'before the first run');
    const measure = async (run: 'first' | 'second', expectChanged: number): Promise<RunSample> => {
      const firstHost = ground.hosts[0]?.name as string;
      const before = await connectionSnapshot(ground.hosts);
      const pidBefore = await lastPid(ground, firstHost);
      const outcome: RunOutcome = await spec.tool.run(request(run));
      const processes = processesBetween(pidBefore, await lastPid(ground, firstHost));
      const connections = connectionsBetween(before, await connectionSnapshot(ground.hosts));
      if (outcome.changed !== expectChanged) throw new Error(`${spec.tool.name} ${run} run of workload ${spec.workload} on ${spec.hosts} hosts reported ${outcome.changed} changed, expected ${expectChanged} (logs: ${dir})`);
      const verifiedOn = await verifyHosts(ground, workload.verifyScript, true, `after the ${run} run of ${spec.tool.name}`);
      log(`  ${spec.tool.name.padEnd(7)} ${spec.workload}${spec.facts ? '+facts' : ''} H=${spec.hosts} ${run}: ${(outcome.wallMs / 1000).toFixed(2)} s, changed ${outcome.changed}, connections/host ${connections.min}..${connections.max}, processes on ${firstHost} ${processes}`);
      return { wallMs: outcome.wallMs, maxRssKb: outcome.maxRssKb, changed: outcome.changed, connections, processes, taskMs: outcome.taskMs, verifiedOn };
    };
    const first = await measure('first', workload.changesOnFirstRun * spec.hosts);
    const second = await measure('second', 0);
    return { first, second };
  } finally {
    await spec.tool.release(request('release')).catch(() => undefined);
    await ground.stop();
  }
}

async function measureFloor(): Promise<number> {
  const ground = await startHosts({ count: 1, namePrefix: 'floor' });
  try {
    return await execRoundTripMs(ground, 'floor1');
  } finally {
    await ground.stop();
  }
}

export async function runBenchmark(config: BenchConfig): Promise<BenchResult> {
  const startedAt = new Date();
  const machine = await describeMachine();
  const workDir = await mkdtemp(join(tmpdir(), 'drover-bench-'));
  const unregister = registerExitCleanup(() => cleanUpSync(workDir));
  const tools: Tool[] = [droverTool(config.droverEntry), ansibleTool];
  const trials: Trial[] = [];
  const floorMs: number[] = [];
  const startup: BenchResult['startupMs'] = { drover: [], ansible: [] };
  const profiles: BenchResult['profiles'] = [];
  try {
    const playbookFor = await writeWorkloadFiles(workDir);
    for (let round = 1; round <= config.rounds; round++) {
      floorMs.push(await measureFloor());
      startup.drover.push(await startupMs([process.execPath, config.droverEntry, '--help']));
      startup.ansible.push(await startupMs(['ansible-playbook', '--version']));
      config.log(`round ${round}/${config.rounds}: exec round trip ${floorMs.at(-1)?.toFixed(2)} ms, start-up drover ${startup.drover.at(-1)?.toFixed(0)} ms, ansible ${startup.ansible.at(-1)?.toFixed(0)} ms`);
      for (const hosts of config.hosts) {
        for (const v of variantsFor(config, hosts)) {
          for (const tool of tools.filter((x) => x.name === 'drover' || hosts <= (config.ansibleMaxHosts ?? Infinity))) {
            const runs = await runTrial({ ...v, hosts, tool, playbook: playbookFor(v.workload, v.facts), workDir }, config.log);
            trials.push({ ...v, hosts, tool: tool.name, round, ...runs });
          }
        }
      }
    }
    if (config.profileHosts !== undefined) profiles.push(...(await profileDrover(config, workDir, playbookFor('b', false))));
  } finally {
    await rm(workDir, { recursive: true, force: true });
    unregister();
  }
  const { droverEntry: _entry, log: _log, ...rest } = config;
  return { startedAt, finishedAt: new Date(), machine, loadAverageAtEnd: (await describeMachine()).loadAverage, config: rest, droverFile: basename(config.droverEntry), trials, floorMs, startupMs: startup, profiles };
}

/** One more drover trial of workload b, under --cpu-prof: where the time goes, per run. */
async function profileDrover(config: BenchConfig, workDir: string, playbook: string): Promise<BenchResult['profiles']> {
  const hosts = config.profileHosts as number;
  const cpuProfileDir = join(workDir, 'profiles');
  await mkdir(cpuProfileDir, { recursive: true });
  config.log(`profiling drover, workload b, H=${hosts}`);
  await runTrial({ workload: 'b', facts: false, hosts, tool: droverTool(config.droverEntry), playbook, workDir, cpuProfileDir }, config.log);
  const out: BenchResult['profiles'] = [];
  for (const run of ['first', 'second'] as const) {
    const dir = join(cpuProfileDir, run);
    const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
    if (file) out.push({ run, hosts, summary: await summarizeProfile(join(dir, file)) });
  }
  return out;
}

/**
 * Interrupted (Ctrl-C) or dying: end the tool run in flight, end ansible's
 * ControlPersist masters through their sockets, remove the scratch directory. The grounds' own exit
 * cleanup stops the hosts.
 */
function cleanUpSync(workDir: string): void {
  killRunningSync();
  const trialDirs = existsSync(workDir) ? readdirSync(workDir).map((d) => join(workDir, d)) : [];
  for (const socket of trialDirs.flatMap(controlSockets)) {
    const [file, ...args] = exitMasterArgv(socket);
    spawnSync(file as string, args, { env: CLEAN_ENV, stdio: 'ignore', timeout: 2000 });
  }
  rmSync(workDir, { recursive: true, force: true, maxRetries: 3 });
}
