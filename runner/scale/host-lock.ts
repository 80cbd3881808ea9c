// One host, one worker: a worker drives a host only while it holds the host's
// lock (a key with an expiry it keeps renewing), and records the host's end
// in the same atomic step that releases the lock. A worker that dies loses
// its locks when they expire; the worker that takes its slice over skips the
// hosts already recorded and runs the others again, marked as retried.
import type { Redis } from 'ioredis';
import { runKeys, type DoneRecord } from './jobs.js';

// KEYS: lock, done, started, retried. ARGV: token, ttl ms, host.
const ACQUIRE = `
if redis.call('hexists', KEYS[2], ARGV[3]) == 1 then return 'done' end
if redis.call('set', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  if redis.call('sadd', KEYS[3], ARGV[3]) == 0 then redis.call('sadd', KEYS[4], ARGV[3]) end
  return 'locked'
end
if redis.call('get', KEYS[1]) == ARGV[1] then return 'locked' end
return 'busy'`;

// KEYS: lock. ARGV: token, ttl ms.
const RENEW = `
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`;

// KEYS: lock, done. ARGV: token, host, record. Only the lock's holder records, and only once; the same
// record again is a command resent after Redis restarted, and is ours.
const COMPLETE = `
if redis.call('hget', KEYS[2], ARGV[2]) == ARGV[3] then return 1 end
if redis.call('get', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('hsetnx', KEYS[2], ARGV[2], ARGV[3])
redis.call('del', KEYS[1])
return 1`;

export type Acquired = 'locked' | 'done' | 'busy';

export class HostLocks {
  private readonly keys;

  constructor(private readonly redis: Redis, runId: string, private readonly token: string, private readonly ttlMs: number) {
    this.keys = runKeys(runId);
  }

  async acquire(host: string): Promise<Acquired> {
    const k = this.keys;
    return (await this.redis.eval(ACQUIRE, 4, k.lock(host), k.done, k.started, k.retried, this.token, this.ttlMs, host)) as Acquired;
  }

  /** False when the lock is no longer ours (it expired and another worker has the host). */
  async renew(host: string): Promise<boolean> {
    return (await this.redis.eval(RENEW, 1, this.keys.lock(host), this.token, this.ttlMs)) === 1;
  }

  /** False when the lock was lost before the host's end could be recorded. */
  async complete(host: string, record: DoneRecord): Promise<boolean> {
    const k = this.keys;
    return (await this.redis.eval(COMPLETE, 2, k.lock(host), k.done, this.token, host, JSON.stringify(record))) === 1;
  }
}
