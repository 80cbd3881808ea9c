// `drover worker`: takes slice jobs from BullMQ, runs each slice with the
// normal engine on the project bundle the job names, and streams the engine's
// (already masked) events back to the run's Redis stream. A host is driven
// only under its lock (host-lock.ts); a SIGKILLed worker's job is found stalled
// by BullMQ and given to another worker, which skips the hosts already done.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { runPlaybook } from '../engine/run.js';
import { InputError } from '../errors.js';
import type { ModuleRegistry } from '../module-api.js';
import { maskVaultSecrets } from '../vault/secrets.js';
import { BundleMismatch, unpackBundle, type Bundle } from './bundle.js';
import { HostLocks } from './host-lock.js';
import { bundleKey, queueName, runKeys, type SliceJob, type StreamEntry } from './jobs.js';

export interface WorkerOptions {
  redis: RedisOptions;
  name: string;
  group?: string;
  bundleCache: string;
  /** How long a lost worker's job and host locks outlive it (BullMQ's lockDuration, the host locks' expiry). */
  lockMs: number;
  /** The modules the slices' playbooks may name. */
  registry: ModuleRegistry;
  log(line: string): void;
}

export async function runWorker(options: WorkerOptions, signal: AbortSignal): Promise<void> {
  const redis = new Redis(options.redis);
  const worker = new Worker<SliceJob>(queueName(options.group), (job) => runSlice(job, redis, options), {
    connection: options.redis,
    concurrency: 1,
    lockDuration: options.lockMs,
    stalledInterval: options.lockMs,
    // A slice whose workers keep dying is failed after this many take-overs; the controller reports its hosts not run.
    maxStalledCount: 5,
  });
  worker.on('error', (error) => options.log(`redis: ${maskVaultSecrets(error.message)}`));
  worker.on('failed', (job, error) => options.log(`slice ${job?.data.slice ?? '?'} of run ${job?.data.runId ?? '?'} failed: ${maskVaultSecrets(error.message)}`));
  await worker.waitUntilReady();
  options.log(`worker ${options.name} waiting for slices on queue ${queueName(options.group)}`);
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
  // Waits for the slice in progress to finish.
  await worker.close();
  redis.disconnect();
}

async function runSlice(job: Job<SliceJob>, redis: Redis, options: WorkerOptions): Promise<void> {
  const data = job.data;
  const keys = runKeys(data.runId);
  const token = `${options.name}:${process.pid}:${randomBytes(6).toString('hex')}`;
  const publish = (entry: StreamEntry) => redis.xadd(keys.events, '*', 'entry', JSON.stringify(entry));
  const refuse = async (message: string): Promise<never> => {
    await publish({ kind: 'slice.failed', slice: data.slice, worker: options.name, attempt: token, message });
    throw new UnrecoverableError(message);
  };
  options.log(`slice ${data.slice} of run ${data.runId}: ${data.hosts.length} hosts`);
  const packed = await redis.get(bundleKey(data.bundleHash));
  if (packed === null) return refuse(`the project bundle ${data.bundleHash} is not in Redis any more`);
  let dir: string;
  try {
    dir = await unpackBundle(JSON.parse(packed) as Bundle, data.bundleHash, options.bundleCache);
  } catch (error) {
    if (error instanceof BundleMismatch) return refuse(`worker ${options.name}: ${error.message}`);
    throw error;
  }

  const locks = new HostLocks(redis, data.runId, token, options.lockMs);
  const lost = new AbortController();
  const held = new Set<string>();
  const renewal = setInterval(() => {
    for (const host of held) {
      void locks.renew(host).then((ours) => {
        if (!ours && held.has(host)) lost.abort();
      }, () => undefined);
    }
  }, Math.max(200, Math.floor(options.lockMs / 3)));
  try {
    const ours = await lockHosts(data.hosts, locks, held, lost.signal);
    if (ours.length > 0 && !lost.signal.aborted) {
      // Locations in events read as on the controller, whose working directory this is.
      process.chdir(join(dir, data.cwd));
      let sent: Promise<unknown> = Promise.resolve();
      await runPlaybook({
        playbook: join(dir, data.playbook),
        inventory: data.inventory.map((p) => join(dir, p)),
        limit: data.limit,
        registry: options.registry,
        extraVars: data.extraVars,
        tags: data.tags,
        check: data.check,
        diff: data.diff,
        forks: data.forks,
        verbosity: data.verbosity,
        injectFactsAsVars: data.injectFactsAsVars,
        become: data.become,
        connection: data.connection,
        knownHostsFile: data.knownHostsFile,
        acceptNewHostKeys: data.acceptNewHostKeys,
        gate: { startAtTask: data.startAtTask },
        onlyHosts: ours,
        signal: lost.signal,
        // The engine masked the event already: nothing secret reaches Redis.
        onEvent: (event) => {
          if (event.type === 'run.start' || event.type === 'run.end') return;
          sent = publish({ kind: 'event', slice: data.slice, worker: options.name, attempt: token, event });
        },
        onHostDone: async (host, outcome) => {
          // After the host's events: one connection keeps commands in order.
          await sent;
          if (!(await locks.complete(host, { ...outcome, worker: options.name, attempt: token }))) lost.abort();
          held.delete(host);
        },
      }).catch(async (error: unknown) => {
        if (error instanceof InputError) return refuse(`worker ${options.name}: ${maskVaultSecrets(error.message)}`);
        throw error;
      });
      await sent;
    }
    if (lost.signal.aborted) throw new Error(`worker ${options.name} lost its hold on hosts of slice ${data.slice}: another worker has them`);
    await publish({ kind: 'slice.end', slice: data.slice, worker: options.name, attempt: token });
  } finally {
    clearInterval(renewal);
  }
}

/**
 * Locks every host of the slice not already done. A host another worker still
 * holds (one that was lost, until its lock expires) is waited for: its end is
 * then recorded by that worker, or its lock lapses and becomes ours.
 */
async function lockHosts(hosts: readonly string[], locks: HostLocks, held: Set<string>, lost: AbortSignal): Promise<string[]> {
  const waiting = new Set(hosts);
  const ours = new Set<string>();
  while (waiting.size > 0 && !lost.aborted) {
    for (const host of [...waiting]) {
      const got = await locks.acquire(host);
      if (got === 'busy') continue;
      waiting.delete(host);
      if (got === 'locked') {
        held.add(host);
        ours.add(host);
      }
    }
    if (waiting.size > 0) await new Promise((r) => setTimeout(r, 500));
  }
  return hosts.filter((h) => ours.has(h));
}
