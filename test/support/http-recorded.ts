// The shape get_url/uri results are compared in, for Ansible's recorded runs
// and drover's alike: the test's temp dir and server address become {dir} and
// {base}, and values that depend on time or on the run's temp files are
// replaced by what they are ('<elapsed>', '<tmp file>', '<backup>').
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deepStrictEqual as assertDeepEqual } from 'node:assert/strict';
import { ModuleFailure } from '../../runner/module-api.js';
import type { StepOutcome } from '../../runner/engine/module-step.js';

const VARIABLE: Record<string, string> = { elapsed: '<elapsed>', src: '<tmp file>', backup_file: '<backup>', date: '<date>' };
// Ansible's own bookkeeping (an action's failure carries "exception: NoneType: None"), or keys that only differ by machine: not compared.
const IGNORED = new Set(['invocation', 'ansible_facts', 'exception', 'failed_when_result', 'uid', 'gid', 'owner', 'group', 'secontext']);

export function recordedShape(result: Record<string, unknown>, names: { dir: string; base: string; archives?: string }): Record<string, unknown> {
  const name = (v: unknown): unknown => {
    if (typeof v === 'string') {
      // An archive unarchive's action uploaded: Ansible's remote tmp dir, or drover's mktemp -d.
      if (/\/(ansible-tmp-[^/]+|tmp\.\w+)\/source$/.test(v)) return '<tmp file>';
      let named = v.replaceAll(names.dir, '{dir}').replaceAll(names.base, '{base}');
      if (names.archives) named = named.replaceAll(names.archives, '{archives}');
      return named;
    }
    if (Array.isArray(v)) return v.map(name);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, inner]) => [k, name(inner)]));
    return v;
  };
  const shaped: Record<string, unknown> = {};
  for (const key of Object.keys(result).sort()) {
    if (IGNORED.has(key)) continue;
    const value = result[key];
    shaped[key] = key in VARIABLE && value !== null && value !== undefined ? VARIABLE[key] : name(value);
  }
  // A directory's size is its filesystem's (4096 on ext4, less on the test hosts' tmpfs).
  if (shaped.state === 'directory' && typeof shaped.size === 'number') shaped.size = '<directory size>';
  return shaped;
}

/** The files under a case's dir (dot files at its top left out: results and plays), with mode and content; backups named as such. */
export function listFiles(dir: string, prefix = ''): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(join(dir, prefix)).sort()) {
    if (prefix === '' && entry.startsWith('.')) continue;
    const rel = prefix ? `${prefix}/${entry}` : entry;
    const stat = statSync(join(dir, rel));
    const mode = (stat.mode & 0o7777).toString(8).padStart(4, '0');
    const shown = rel.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, '.<backup>');
    if (stat.isDirectory()) {
      files[shown] = `directory ${mode}`;
      Object.assign(files, listFiles(dir, rel));
    } else files[shown] = `${mode} ${readFileSync(join(dir, rel), 'utf8')}`;
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
  const listing = await inHost(
    'cd "$1" && find . -mindepth 1 ! -path "./.*" -printf "%P\\0%y %m\\0" -exec sh -c \'[ -f "$1" ] && base64 -w0 < "$1"; printf "\\0"\' sh {} \\;',
    [dir],
  );
  const parts = listing.split('\0');
  const entries: [string, string][] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const name = parts[i]!.replace(/\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/, '.<backup>');
    const [type, mode = ''] = parts[i + 1]!.split(' ');
    const octal = mode.padStart(4, '0');
    entries.push([name, type === 'd' ? `directory ${octal}` : `${octal} ${Buffer.from(parts[i + 2]!, 'base64').toString('utf8')}`]);
  }
  return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** One recorded case of fixtures/recorded/MODULE-cases.json: a name, a file to put in dest's directory first, the parameters. */
export interface RecordedCase {
  name: string;
  before?: string;
  params: Record<string, unknown>;
}

type RecordedRun = { result: Record<string, unknown>; files: Record<string, string> };

/** The cases and what Ansible registered for each in check mode, then twice for real (record-http.ts). */
export function recordedCases(module: string): { cases: RecordedCase[]; recorded: Record<'check' | 'first' | 'second', RecordedRun>[] } {
  const read = (file: string) => JSON.parse(readFileSync(new URL(`../fixtures/recorded/${file}`, import.meta.url), 'utf8'));
  return { cases: read(`${module}-cases.json`), recorded: read(`${module}-results.json`) };
}

/**
 * A recorded case run as the recorder ran it: check mode and a first run each in a fresh directory
 * (mode 0700, as its mkdtemp made it, holding `before` as f.txt), a second run in the first's;
 * after each, drover's registered result and the files left must be what Ansible's were.
 */
export async function replayRecordedCase(c: RecordedCase, want: Record<'check' | 'first' | 'second', RecordedRun>, on: {
  fresh: () => Promise<{ dir: string }>;
  inHost: (script: string, args: string[], stdin?: string) => Promise<string>;
  base: string;
  run: (params: Record<string, unknown>, check: boolean) => Promise<StepOutcome>;
  /** Checked after each run (uri: check mode sent no request). */
  after?: (run: 'check' | 'first' | 'second') => void;
}): Promise<void> {
  let dir = '';
  for (const run of ['check', 'first', 'second'] as const) {
    if (run !== 'second') {
      ({ dir } = await on.fresh());
      await on.inHost('chmod 700 "$1"', [dir]);
      if (c.before !== undefined) await on.inHost('cat > "$1/f.txt"', [dir], c.before);
    }
    const params = JSON.parse(JSON.stringify(c.params).replaceAll('{base}', on.base).replaceAll('{dir}', dir)) as Record<string, unknown>;
    const result = recordedShape(await registeredBy(() => on.run(params, run === 'check')), { dir, base: on.base });
    assertDeepEqual(result, withoutFailedFalse(want[run].result), `${run} run`);
    assertDeepEqual(await filesInHostDir(on.inHost, dir), want[run].files, `files after the ${run} run`);
    on.after?.(run);
  }
}
