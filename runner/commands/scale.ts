// The scale-out commands: `drover worker`, `drover runs`, and what `drover run`
// does with --redis (queue the run and follow it) or --attach (follow only).
// The Redis client and the queue (ioredis, bullmq: a third of the one-file
// bundle) are imported when one of these runs, not at every start of drover.
import { hostname } from 'node:os';
import { Command } from 'commander';
import type { Redis } from 'ioredis';
import type { Invocation } from '../engine/invocation.js';
import type { BecomeDefaults } from '../engine/runtime.js';
import { InputError } from '../errors.js';
import { defaultRegistry } from '../../modules/registry.js';

import { maskVaultSecrets } from '../vault/secrets.js';
import { defaultBundleCache } from '../scale/bundle.js';
import type { RunJobSettings } from '../scale/controller.js';
import { redisOptions, type RedisFlags } from '../scale/redis-options.js';
import { withReporter, type OutputFlags } from './options.js';

const fail = (message: string): never => {
  throw new InputError([{ message }]);
};

/** --redis and its password file, on every command that talks to Redis. */
export function addRedisOptions(command: Command, required: boolean): Command {
  const redis = '--redis <url>';
  const text = 'Redis (or Valkey) to queue on: redis://HOST:PORT[/DB] or rediss:// for TLS; the password from $DROVER_REDIS_PASSWORD or --redis-password-file';
  (required ? command.requiredOption(redis, text) : command.option(redis, text))
    .option('--redis-password-file <file>', 'file holding the Redis AUTH password (or $DROVER_REDIS_PASSWORD_FILE)');
  return command;
}

/** Options of `drover run` that only mean something with --redis. */
export function addScaleRunOptions(command: Command): Command {
  addRedisOptions(command, false);
  return command
    .option('--slice-size <n>', 'with --redis: hosts per slice (one worker job each)', (v) => Number(v), 50)
    .option('--attach <run-id>', 'with --redis: follow a run queued earlier (its live output from the start, then its recap)');
}

export interface ScaleRunFlags extends OutputFlags, Partial<RedisFlags> {
  sliceSize: number;
  attach?: string;
  check?: boolean;
  step?: boolean;
  startAtTask?: string;
  flushPendingHandlers?: boolean;
  flushCache?: boolean;
  identity?: string[];
  passphraseFile?: string;
  vaultPasswordFile?: string[];
}

/** Refused with --redis: what would need the controller's terminal, or a password in the job. */
export function refuseWithRedis(flags: ScaleRunFlags, auth: { become: BecomeDefaults; connectionPassword?: string }): void {
  if (flags.step) fail('--step asks on the terminal before each task, which a worker has not got: not with --redis');
  if (flags.flushPendingHandlers) fail('--flush-pending-handlers reads handlers pending on this machine, not on the workers: not with --redis');
  if (flags.retryFiles) fail('retry_files_enabled writes the failed hosts on this machine after the whole run, which a queued run has no end of here: not with --redis');
  if (flags.flushCache || flags.factCache?.plugin === 'jsonfile') fail("the jsonfile fact cache (and --flush-cache) is a directory on this machine, which the workers do not share: not with --redis");
  if (auth.become.password !== undefined || auth.connectionPassword !== undefined) {
    fail('a password given with -k/-K or a password file would travel to the workers in clear: with --redis, put ansible_password / ansible_become_password in a vault-encrypted vars file, which workers decrypt with their own --identity');
  }
}

async function withRedis<T>(flags: RedisFlags, work: (redis: Redis, options: ReturnType<typeof redisOptions>) => Promise<T>): Promise<T> {
  const options = redisOptions(flags);
  const { Redis } = await import('ioredis');
  const redis = new Redis({ ...options, lazyConnect: true });
  redis.on('error', () => undefined);
  try {
    await redis.connect().catch((error: Error) => fail(`cannot reach Redis at ${flags.redis}: ${maskVaultSecrets(error.message)}`));
    return await work(redis, options);
  } finally {
    redis.disconnect();
  }
}

/** `drover run PLAYBOOK --redis URL`: queue the run, then follow it like --attach. */
export async function scaleRun(invocation: Invocation | undefined, flags: ScaleRunFlags, auth: { become: BecomeDefaults; connectionPassword?: string }, settings: RunJobSettings): Promise<number> {
  const redisFlags = { redis: flags.redis!, redisPasswordFile: flags.redisPasswordFile };
  if (flags.attach !== undefined && invocation !== undefined) fail('--attach follows a run queued earlier: give it no playbook');
  if (flags.attach === undefined && invocation === undefined) fail('drover run needs a playbook (or --attach RUN_ID with --redis)');
  refuseWithRedis(flags, auth);
  const [{ startRun }, { followRun, loadRecord }] = await Promise.all([import('../scale/controller.js'), import('../scale/follow.js')]);
  return withRedis(redisFlags, async (redis, options) => {
    let runId = flags.attach;
    if (runId === undefined) {
      const keyFiles = [...(flags.identity ?? []), ...(flags.vaultPasswordFile ?? []), ...(flags.passphraseFile ? [flags.passphraseFile] : []), ...(flags.privateKey ? [flags.privateKey] : [])];
      runId = await startRun(redis, options, { invocation: invocation!, registry: defaultRegistry, settings, sliceSize: flags.sliceSize, keyFiles, warn: (m) => process.stderr.write(`[WARNING]: ${m}\n`) });
      process.stderr.write(`run ${runId} queued (drover run --redis URL --attach ${runId} follows it from anywhere)\n`);
    } else await loadRecord(redis, runId);
    const id = runId;
    return withReporter(flags, (reporter, signal) => followRun(redis, options, id, reporter, signal));
  });
}

export function workerCommand(): Command {
  const command = new Command('worker')
    .description('Run slices of playbook runs queued on Redis by `drover run --redis` (vaults decrypted with this machine\'s --identity)');
  addRedisOptions(command, true);
  return command
    .option('--name <name>', 'this worker\'s name in runs and logs', hostname())
    .option('--group <group>', 'take only slices of hosts whose drover_worker_group is this (the networks this machine reaches)')
    .option('--lock-seconds <n>', 'how long a lost worker\'s slice and hosts stay locked before another worker takes them over', (v) => Number(v), 30)
    .option('--bundle-cache <dir>', 'where project bundles are unpacked (default $XDG_CACHE_HOME/drover/bundles)')
    .action(async (flags: RedisFlags & { name: string; group?: string; lockSeconds: number; bundleCache?: string }) => {
      if (!Number.isFinite(flags.lockSeconds) || flags.lockSeconds < 1) fail('--lock-seconds must be 1 or more');
      if (flags.group !== undefined && !/^[A-Za-z0-9_.-]+$/.test(flags.group)) fail('--group must be a plain name (letters, digits, _ . -)');
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      const { runWorker } = await import('../scale/worker.js');
      await runWorker(
        { redis: redisOptions(flags), name: flags.name, group: flags.group, bundleCache: flags.bundleCache ?? defaultBundleCache(), lockMs: flags.lockSeconds * 1000, registry: defaultRegistry, log: (line) => process.stderr.write(`${line}\n`) },
        abort.signal,
      );
    });
}

export function runsCommand(): Command {
  const command = new Command('runs').description('List the runs queued on Redis: state, and hosts per state');
  addRedisOptions(command, true);
  return command.action(async (flags: RedisFlags) => {
    const { listRuns } = await import('../scale/runs.js');
    process.stdout.write(await withRedis(flags, (redis) => listRuns(redis)));
  });
}
