// The controller side of `drover run --redis`: load and validate everything
// as a single-process run would (nothing is queued on bad input), pack the
// project, split the selected hosts into slices per worker group, and queue
// one BullMQ job per slice. Following the run's events is follow.ts.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { loadRun } from '../engine/run.js';
import { playHostPattern } from '../engine/play-hosts.js';
import { InputError } from '../errors.js';
import { selectHosts, type Inventory } from '../inventory/index.js';
import type { ModuleRegistry } from '../module-api.js';
import type { Invocation } from '../engine/invocation.js';
import { commonRoot, packBundle } from './bundle.js';
import { bundleKey, encodeRecord, queueName, RUNS_KEY, runKeys, type RunRecord, type SliceJob } from './jobs.js';
import { refuseSliceBoundaries } from './refusals.js';

/** The host variable that pins a host to the workers started with `--group`. */
export const WORKER_GROUP_VAR = 'drover_worker_group';
/** How long a run's records and its bundle stay in Redis after it was queued. */
export const RUN_RETENTION_SECONDS = 7 * 24 * 3600;

export type RunJobSettings = Omit<SliceJob, 'runId' | 'slice' | 'hosts' | 'bundleHash' | 'playbook' | 'inventory' | 'cwd' | 'limit' | 'extraVars' | 'tags'>;

export interface StartRun {
  invocation: Invocation;
  /** The modules the playbook may name, to load it before queueing. */
  registry: ModuleRegistry;
  settings: RunJobSettings;
  sliceSize: number;
  /** Key files named on the command line: never packed. */
  keyFiles: string[];
  warn(message: string): void;
}

export async function startRun(redis: Redis, redisOptions: RedisOptions, request: StartRun): Promise<string> {
  const { invocation } = request;
  if (!Number.isInteger(request.sliceSize) || request.sliceSize < 1) throw new InputError([{ message: `--slice-size must be a whole number of hosts, 1 or more` }]);
  const { playbook, inventory } = await loadRun({ ...invocation, registry: request.registry });
  const playHosts = playbook.plays.map((play) => selectHosts(inventory, playHostPattern(play, invocation.extraVars), { limit: invocation.limit }).hosts);
  const hosts = [...new Set(playHosts.flat())];

  const root = commonRoot([dirname(resolve(invocation.playbook)), ...invocation.inventory.map(sourceDir)]);
  const { bundle, leftOut } = await packBundle(root, request.keyFiles);
  if (leftOut.length > 0) request.warn(`not sent to workers (key files stay on this machine): ${leftOut.join(', ')}`);
  refuseSliceBoundaries(bundle, root);
  const inBundle = (path: string) => relative(root, resolve(path)).split(sep).join('/');
  const cwd = relative(root, process.cwd());
  const slices = sliceHosts(hosts, inventory, request.sliceSize);

  const runId = `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}-${randomBytes(3).toString('hex')}`;
  const keys = runKeys(runId);
  const record: RunRecord = {
    playbook: invocation.playbook,
    created: Date.now(),
    hosts,
    slices: slices.length,
    state: 'running',
    check: request.settings.check,
    diff: request.settings.diff,
    forks: request.settings.forks,
    playHosts,
    sliceGroups: slices.map((s) => s.group ?? null),
  };
  await redis.set(bundleKey(bundle.hash), JSON.stringify(bundle), 'EX', RUN_RETENTION_SECONDS);
  await redis.hset(keys.record, encodeRecord(record));
  await redis.expire(keys.record, RUN_RETENTION_SECONDS);
  await redis.zadd(RUNS_KEY, record.created, runId);
  for (const group of new Set(slices.map((s) => s.group))) {
    const queue = new Queue<SliceJob>(queueName(group), { connection: redisOptions });
    const jobs = slices.flatMap((s, slice) => (s.group !== group ? [] : [{
      name: 'slice',
      data: {
        ...request.settings, runId, slice, hosts: s.hosts, bundleHash: bundle.hash,
        playbook: inBundle(invocation.playbook), inventory: invocation.inventory.map(inBundle),
        cwd: cwd.startsWith('..') ? '' : cwd.split(sep).join('/'),
        limit: invocation.limit, extraVars: invocation.extraVars, tags: invocation.tags,
      } satisfies SliceJob,
      // A slice that throws (Redis gone mid-command) is tried again; its recorded hosts are skipped then.
      opts: { jobId: sliceJobId(runId, slice), attempts: 3, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: { age: RUN_RETENTION_SECONDS }, removeOnFail: { age: RUN_RETENTION_SECONDS } },
    }]));
    await queue.addBulk(jobs);
    await queue.close();
  }
  return runId;
}

export const sliceJobId = (runId: string, slice: number) => `${runId}.${slice}`;

function sourceDir(path: string): string {
  const full = resolve(path);
  try {
    return statSync(full).isDirectory() ? full : dirname(full);
  } catch {
    return dirname(full);
  }
}

/** Slices of at most `size` hosts, in run order, each of one worker group. */
export function sliceHosts(hosts: readonly string[], inventory: Inventory, size: number): Array<{ group?: string; hosts: string[] }> {
  const byGroup = new Map<string | undefined, string[]>();
  const problems: string[] = [];
  for (const host of hosts) {
    const value = inventory.hostVars(host)[WORKER_GROUP_VAR];
    if (value !== undefined && (typeof value !== 'string' || !/^[A-Za-z0-9_.-]+$/.test(value))) {
      problems.push(`${host}: ${WORKER_GROUP_VAR} must be a plain name (letters, digits, _ . -), got ${JSON.stringify(value)}`);
      continue;
    }
    const group = value as string | undefined;
    byGroup.set(group, [...(byGroup.get(group) ?? []), host]);
  }
  if (problems.length > 0) throw new InputError(problems.map((message) => ({ message })));
  const slices: Array<{ group?: string; hosts: string[] }> = [];
  for (const [group, members] of byGroup) {
    for (let i = 0; i < members.length; i += size) slices.push({ ...(group === undefined ? {} : { group }), hosts: members.slice(i, i + size) });
  }
  return slices;
}
