// The shape both sides of a parity test are reduced to: per task, its status
// and (for debug) its message, in run order; and the files a run left under
// its root. scripts/record-ansible-parity.ts records ansible-core into this
// shape; runParity produces it from drover's --json events.
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { TaskResultEvent } from '../../runner/engine/events.js';
import { jsonEvents, runDrover, type CliResult } from './cli.js';

export interface TaskOutcome {
  name: string;
  status: string;
  msg?: unknown;
  var?: unknown;
  error?: string;
}

export interface TreeEntry {
  path: string;
  type: 'file' | 'directory' | 'link';
  mode: string;
  content?: string;
}

/** Every file, directory and link under root (root itself excluded), sorted by path. */
export function treeOf(root: string, prefix = ''): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const name of readdirSync(join(root, prefix)).sort()) {
    const path = join(prefix, name);
    const stat = lstatSync(join(root, path));
    const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
    if (stat.isSymbolicLink()) entries.push({ path, type: 'link', mode: '', content: readlinkSync(join(root, path)) });
    else if (stat.isDirectory()) entries.push({ path, type: 'directory', mode }, ...treeOf(root, path));
    else entries.push({ path, type: 'file', mode, content: readFileSync(join(root, path), 'utf8') });
  }
  return entries;
}

/** Task outcomes from a drover --json run: one per task, or per loop item (from the loop's registered `results`). */
export function outcomesOf(result: CliResult): TaskOutcome[] {
  const events = jsonEvents(result.stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result');
  const looped = new Set(events.filter((e) => e.item !== undefined).map((e) => e.task.location));
  return events
    .filter((e) => e.item === undefined)
    .flatMap((e) => {
      const r = (e.result ?? {}) as Record<string, unknown>;
      if (!looped.has(e.task.location) || !Array.isArray(r.results) || r.results.length === 0) return [outcome(e.task, e.status, r)];
      return (r.results as Record<string, unknown>[]).map((item) => outcome(e.task, item.failed ? 'failed' : item.skipped ? 'skipped' : item.changed ? 'changed' : 'ok', item));
    });
}

/** outcomesOf per host, for fixtures with more than one host (hosts interleave differently in Ansible and drover). */
export function outcomesByHost(result: CliResult): Record<string, TaskOutcome[]> {
  const events = jsonEvents(result.stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result');
  const hosts = [...new Set(events.map((e) => e.host))].sort();
  return Object.fromEntries(hosts.map((host) => [host, outcomesOf({ ...result, stdout: result.stdout.split('\n').filter((line) => !line.startsWith('{') || (JSON.parse(line) as { host?: string }).host === host).join('\n') })]));
}

const FLAGS = ['changed', 'failed', 'skipped', 'item', 'ansible_loop_var', 'ansible_loop'];

function outcome(task: TaskResultEvent['task'], status: string, r: Record<string, unknown>): TaskOutcome {
  const out: TaskOutcome = { name: task.name, status };
  if (task.module === 'debug' && status !== 'failed') {
    const keys = Object.keys(r).filter((k) => k !== 'msg' && !FLAGS.includes(k));
    if ('msg' in r) out.msg = r.msg;
    else if (keys.length === 1) out.var = r[keys[0]!];
  }
  // drover adds where the error happened (` in "{{ template }}"`); Ansible's text is what precedes it.
  if (status === 'failed') out.error = String(r.msg ?? '').replace(/ in "[^]*"$/, '');
  return out;
}

/** Run a fixture of test/fixtures/DIR (legacy-syntax by default) with drover on its local hosts, with `-e root=ROOT` (and flags such as --check). */
export function runParity(playbook: string, root: string, env: Record<string, string> = {}, flags: string[] = [], dir = 'legacy-syntax'): Promise<CliResult> {
  return runDrover(['run', `test/fixtures/${dir}/${playbook}`, '-i', `test/fixtures/${dir}/hosts.yml`, '-e', `root=${root}`, '--json', ...flags], { env });
}
