// `drover runs --redis URL`: every run Redis remembers, newest first, with
// its state and how many hosts are in each state.
import type { Redis } from 'ioredis';
import { decodeRecord, RUNS_KEY, runKeys, type DoneRecord } from './jobs.js';

export async function listRuns(redis: Redis): Promise<string> {
  const ids = await redis.zrevrange(RUNS_KEY, 0, -1);
  const lines: string[] = [];
  for (const id of ids) {
    const keys = runKeys(id);
    const record = decodeRecord(await redis.hgetall(keys.record));
    // Expired: its records are gone, so is its place in the list.
    if (!record) {
      await redis.zrem(RUNS_KEY, id);
      continue;
    }
    const done = Object.values(await redis.hgetall(keys.done)).map((json) => JSON.parse(json) as DoneRecord);
    const locked = await Promise.all(record.hosts.map((h) => redis.exists(keys.lock(h))));
    const running = locked.filter((n) => n === 1).length;
    const count = (test: (d: DoneRecord) => boolean) => done.filter(test).length;
    const states = [
      `ok=${count((d) => d.stats.failed === 0 && !d.unreachable)}`,
      `failed=${count((d) => d.stats.failed > 0)}`,
      `unreachable=${count((d) => d.unreachable && d.stats.failed === 0)}`,
      `running=${running}`,
      `pending=${record.hosts.length - done.length - running}`,
    ];
    const state = record.state === 'done' ? `done (exit ${record.exitCode ?? '?'})` : 'running';
    lines.push(`${id}  ${new Date(record.created).toISOString()}  ${state}  ${record.playbook}  hosts=${record.hosts.length} ${states.join(' ')}`);
  }
  return lines.length === 0 ? 'no runs\n' : `${lines.join('\n')}\n`;
}
