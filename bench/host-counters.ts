// Connections opened per host, counted by the host's own kernel: TCP
// PassiveOpens of the host's network namespace (/proc/PID/net/snmp of any
// process inside it, read from the controller without entering it). Only
// sshd listens in a ground host, so every passive open is one SSH connection,
// whoever opened it and however it was multiplexed afterwards.
import { readFile } from 'node:fs/promises';
import type { GroundHost, TestGround } from '../runner/testground/namespace-hosts.js';

async function passiveOpens(host: GroundHost): Promise<number> {
  const text = await readFile(`/proc/${host.initPid}/net/snmp`, 'utf8');
  const [names, values] = text.split('\n').filter((l) => l.startsWith('Tcp:'));
  const column = names?.split(/\s+/).indexOf('PassiveOpens') ?? -1;
  const value = Number(values?.split(/\s+/)[column]);
  if (column < 0 || !Number.isInteger(value)) throw new Error(`cannot read PassiveOpens of host ${host.name}`);
  return value;
}

/** Per host, the passive opens so far; subtract two snapshots to count a run's connections. */
export async function connectionSnapshot(hosts: readonly GroundHost[]): Promise<Map<string, number>> {
  return new Map(await Promise.all(hosts.map(async (h) => [h.name, await passiveOpens(h)] as const)));
}

/** Connections each host accepted between two snapshots: the min and max over hosts. */
export function connectionsBetween(before: Map<string, number>, after: Map<string, number>): { min: number; max: number } {
  const deltas = [...after].map(([name, n]) => n - (before.get(name) ?? 0));
  return { min: Math.min(...deltas), max: Math.max(...deltas) };
}

/**
 * The last pid the host's pid namespace handed out: the difference across a
 * run is how many processes the run started on that host (sshd sessions,
 * shells, python, coreutils), the remote cost a tool's design decides.
 * The reader itself takes one pid, which processesBetween subtracts.
 */
export async function lastPid(ground: TestGround, name: string): Promise<number> {
  const r = await ground.exec(name, ['cat', '/proc/sys/kernel/ns_last_pid']);
  const pid = Number(r.stdout.trim());
  if (r.rc !== 0 || !Number.isInteger(pid)) throw new Error(`cannot read ns_last_pid on ${name}: ${r.stderr.trim()}`);
  return pid;
}

export function processesBetween(before: number, after: number): number {
  return after - before - 1;
}
