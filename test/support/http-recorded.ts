// The shape get_url/uri results are compared in, for Ansible's recorded runs
// and drover's alike: the test's temp dir and server address become {dir} and
// {base}, and values that depend on time or on the run's temp files are
// replaced by what they are ('<elapsed>', '<tmp file>', '<backup>').
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleFailure } from '../../runner/module-api.js';
import type { StepOutcome } from '../../runner/engine/module-step.js';

const VARIABLE: Record<string, string> = { elapsed: '<elapsed>', src: '<tmp file>', backup_file: '<backup>', date: '<date>' };
// Ansible's own bookkeeping, or keys that only differ by machine: not compared.
const IGNORED = new Set(['invocation', 'ansible_facts', 'failed_when_result', 'uid', 'gid', 'owner', 'group', 'secontext']);

export function recordedShape(result: Record<string, unknown>, names: { dir: string; base: string }): Record<string, unknown> {
  const name = (v: unknown): unknown => (typeof v === 'string' ? v.replaceAll(names.dir, '{dir}').replaceAll(names.base, '{base}') : Array.isArray(v) ? v.map(name) : v);
  const shaped: Record<string, unknown> = {};
  for (const key of Object.keys(result).sort()) {
    if (IGNORED.has(key)) continue;
    const value = result[key];
    shaped[key] = key in VARIABLE && value !== null && value !== undefined ? VARIABLE[key] : name(value);
  }
  return shaped;
}

/** The files a case's dir holds (results and plays left out), with mode and content; backups named as such. */
export function listFiles(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.')) continue;
    const path = join(dir, entry);
    const stat = statSync(path);
    const name = /~$/.test(entry) ? entry.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, '.<backup>') : entry;
    files[name] = stat.isDirectory() ? 'directory' : `${(stat.mode & 0o7777).toString(8).padStart(4, '0')} ${readFileSync(path, 'utf8')}`;
  }
  return files;
}

/** What Ansible registers for a run of the module: the result and changed; failed and msg on a failure. */
export async function registeredBy(run: () => Promise<StepOutcome>): Promise<Record<string, unknown>> {
  try {
    const outcome = await run();
    return { ...outcome.result, changed: outcome.changed, ...(outcome.skipped ? { skipped: true } : {}) };
  } catch (error) {
    if (!(error instanceof ModuleFailure)) throw error;
    return { ...error.result, changed: false, failed: true, msg: error.result.msg ?? error.message };
  }
}

/** Ansible registers failed: false on success; the harness's result leaves it out. */
export function withoutFailedFalse(result: Record<string, unknown>): Record<string, unknown> {
  const { failed, ...rest } = result;
  return failed === false ? rest : result;
}

/** A case dir's files inside a test host, in listFiles' shape. */
export async function filesInHostDir(inHost: (script: string, args: string[]) => Promise<string>, dir: string): Promise<Record<string, string>> {
  const listing = await inHost('cd "$1" && for f in *; do [ -e "$f" ] || continue; if [ -d "$f" ]; then printf "%s\\0directory\\0" "$f"; else printf "%s\\0%s %s\\0" "$f" "$(stat -c %04a -- "$f")" "$(base64 -w0 < "$f")"; fi; done', [dir]);
  const parts = listing.split('\0');
  const files: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) {
    const name = parts[i]!.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, '.<backup>');
    const [mode, content = ''] = parts[i + 1]!.split(' ');
    files[name] = parts[i + 1] === 'directory' ? 'directory' : `${mode} ${Buffer.from(content, 'base64').toString('utf8')}`;
  }
  return files;
}
