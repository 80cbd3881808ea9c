// Following a scale-out run: the controller that queued it, or `--attach`
// later, reads the run's event stream from its start, hands the engine events
// to the normal reporters, and when every slice has ended prints one recap
// from the hosts' recorded ends: the same lines a single-process run prints
// for the same hosts and results.
import { Queue } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import type { EngineEvent, HostStats, Reporter } from '../engine/events.js';
import { EXIT, exitCodeFor } from '../engine/run.js';
import { InputError } from '../errors.js';
import { sliceJobId } from './controller.js';
import { decodeRecord, queueName, runKeys, type DoneRecord, type RunRecord, type StreamEntry } from './jobs.js';

/** How long one blocking read waits before the slices' job states are looked at. */
const READ_BLOCK_MS = 2_000;

export async function loadRecord(redis: Redis, runId: string): Promise<RunRecord> {
  const record = decodeRecord(await redis.hgetall(runKeys(runId).record));
  if (!record) throw new InputError([{ message: `no run ${runId} in this Redis (drover runs --redis URL lists them)` }]);
  return record;
}

export async function followRun(redis: Redis, redisOptions: RedisOptions, runId: string, reporter: Reporter, signal: AbortSignal): Promise<number> {
  const keys = runKeys(runId);
  const record = await loadRecord(redis, runId);
  const started = Date.now();
  reporter.handle({ type: 'run.start', playbook: record.playbook, plays: record.playHosts.length, check: record.check, diff: record.diff, forks: record.forks });
  const events = new EventMerger(record);
  const ended = new Set<number>();
  const failed = new Map<number, string>();
  let last = '0';
  const reader = redis.duplicate();
  try {
    while (ended.size + failed.size < record.slices) {
      if (signal.aborted) {
        reporter.handle({ type: 'warning', message: `stopped following run ${runId}; its workers go on (drover run --redis URL --attach ${runId} shows the rest)` });
        return EXIT.interrupted;
      }
      const reply = await reader.xread('COUNT', 500, 'BLOCK', READ_BLOCK_MS, 'STREAMS', keys.events, last).catch((error: Error) => {
        // Redis restarting: ioredis reconnects, and the read starts again where it stopped.
        reporter.handle({ type: 'warning', message: `redis: ${error.message}; reading run ${runId} again` });
        return null;
      });
      const entries = reply?.[0]?.[1] ?? [];
      for (const [id, fields] of entries) {
        last = id;
        const entry = JSON.parse(fields[1]!) as StreamEntry;
        if (entry.kind === 'event') for (const event of events.accept(entry)) reporter.handle(event);
        else if (entry.kind === 'slice.end') ended.add(entry.slice);
        else if (!ended.has(entry.slice)) failed.set(entry.slice, entry.message);
      }
      if (entries.length === 0) for (const [slice, reason] of await lostSlices(redisOptions, runId, record, ended, failed)) failed.set(slice, reason);
    }
  } finally {
    reader.disconnect();
  }
  for (const event of events.closingPlays()) reporter.handle(event);
  for (const [slice, message] of [...failed].sort(([a], [b]) => a - b)) reporter.handle({ type: 'warning', message: `slice ${slice} did not run: ${message}` });

  const done = Object.fromEntries(Object.entries(await redis.hgetall(keys.done)).map(([host, json]) => [host, JSON.parse(json) as DoneRecord]));
  const retried = (await redis.smembers(keys.retried)).filter((h) => done[h] !== undefined).sort();
  if (retried.length > 0) reporter.handle({ type: 'warning', message: `run again on another worker after theirs was lost: ${retried.join(', ')}` });
  const notRun = record.hosts.filter((h) => done[h] === undefined);
  if (notRun.length > 0) reporter.handle({ type: 'warning', message: `hosts not run: ${notRun.join(', ')}` });
  const stats: Record<string, HostStats> = Object.fromEntries(record.hosts.filter((h) => done[h]).map((h) => [h, done[h]!.stats]));
  const code = exitCodeFor(Object.values(done), false);
  const exitCode = notRun.length > 0 && code === EXIT.ok ? EXIT.failed : code;
  await redis.hset(keys.record, { state: JSON.stringify('done'), exitCode: JSON.stringify(exitCode) });
  reporter.handle({ type: 'run.end', stats, exitCode, durationMs: Date.now() - started });
  return exitCode;
}

/** Slices whose BullMQ job failed for good (its workers kept dying) without a word in the stream. */
async function lostSlices(redisOptions: RedisOptions, runId: string, record: RunRecord, ended: Set<number>, failed: Map<number, string>): Promise<Array<[number, string]>> {
  const lost: Array<[number, string]> = [];
  const queues = new Map<string | null, Queue>();
  try {
    for (let slice = 0; slice < record.slices; slice += 1) {
      if (ended.has(slice) || failed.has(slice)) continue;
      const group = record.sliceGroups[slice] ?? null;
      if (!queues.has(group)) queues.set(group, new Queue(queueName(group ?? undefined), { connection: redisOptions }));
      const job = await queues.get(group)!.getJob(sliceJobId(runId, slice));
      if (job && (await job.getState()) === 'failed') lost.push([slice, job.failedReason]);
    }
  } finally {
    for (const queue of queues.values()) await queue.close();
  }
  return lost;
}

/**
 * The slices' events as one run's: each play starts once, with all its hosts,
 * and ends once every slice has ended it; a warning every slice repeats (the
 * inventory's) is shown once.
 */
class EventMerger {
  private readonly playsSeen = new Map<string, number>();
  private readonly startedPlays = new Set<number>();
  private readonly endedBy = new Map<number, Set<number>>();
  private readonly closedPlays = new Set<number>();
  private readonly warned = new Set<string>();
  private readonly names: string[] = [];

  constructor(private readonly record: RunRecord) {}

  accept(entry: Extract<StreamEntry, { kind: 'event' }>): EngineEvent[] {
    const { event } = entry;
    if (event.type === 'play.start') {
      const index = this.playsSeen.get(entry.attempt) ?? 0;
      this.playsSeen.set(entry.attempt, index + 1);
      this.names[index] = event.play;
      if (this.startedPlays.has(index)) return [];
      this.startedPlays.add(index);
      return [{ ...event, hosts: this.record.playHosts[index] ?? event.hosts }];
    }
    if (event.type === 'play.end') {
      const index = (this.playsSeen.get(entry.attempt) ?? 1) - 1;
      const by = this.endedBy.get(index) ?? new Set<number>();
      by.add(entry.slice);
      this.endedBy.set(index, by);
      if (by.size < this.record.slices || this.closedPlays.has(index)) return [];
      this.closedPlays.add(index);
      return [event];
    }
    if (event.type === 'warning' && event.host === undefined) {
      if (this.warned.has(event.message)) return [];
      this.warned.add(event.message);
    }
    return [event];
  }

  /** play.end for the plays some slice never ended (it failed, or was lost). */
  closingPlays(): EngineEvent[] {
    return [...this.startedPlays].filter((i) => !this.closedPlays.has(i)).map((i) => ({ type: 'play.end', play: this.names[i] ?? '' }));
  }
}
