// What runs where, read from /proc: tests that signal a run wait until its
// command is really running (instead of sleeping a while and hoping), and
// check afterwards that nothing was left behind.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { readdir, readFile, readlink } from 'node:fs/promises';

async function processes(): Promise<string[]> {
  return (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
}

const commandLine = async (pid: string) => (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0').join(' ').trim();

/** How many processes with exactly this command line run in the PID namespace of `pid` (a namespace host's init). */
export async function countInPidNamespaceOf(pid: number, command: string): Promise<number> {
  const ns = await readlink(`/proc/${pid}/ns/pid`);
  let count = 0;
  for (const entry of await processes()) {
    const [theirs, line] = await Promise.all([readlink(`/proc/${entry}/ns/pid`).catch(() => ''), commandLine(entry)]);
    if (theirs === ns && line === command) count++;
  }
  return count;
}

/** Whether a descendant of `pid` runs exactly this command line. */
export async function runsBelow(pid: number, command: string): Promise<boolean> {
  const parents = new Map<string, string>();
  for (const entry of await processes()) {
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // The field after "(comm) state" is the parent's PID; comm may hold spaces and parentheses.
    const parent = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
    if (parent) parents.set(entry, parent);
  }
  for (const [entry] of parents) {
    let up = parents.get(entry);
    while (up && up !== String(pid)) up = parents.get(up);
    if (up && (await commandLine(entry)) === command) return true;
  }
  return false;
}

/**
 * Polls until `running()` holds, however long a busy machine takes to get there
 * (no deadline: the test runner's timeout is the limit); fails at once if `child`
 * (the drover run) ends first.
 */
export async function untilRunning(child: ChildProcess, what: string, running: () => Promise<boolean>): Promise<void> {
  while (!(await running())) {
    assert.ok(child.exitCode === null && child.signalCode === null, `drover ended before ${what} ran`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
