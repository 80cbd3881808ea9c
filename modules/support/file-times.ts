// access_time / modification_time of the file module: 'preserve', 'now' or a
// time in a strftime-like format (default '%Y%m%d%H%M.%S'), read in the
// host's local time zone as Ansible's time.mktime does. Ansible's rule for
// "changed": both 'now' always counts (touch is never idempotent unless told
// to preserve); otherwise a time counts only when it differs from the file's.
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { sh, joinCommands, type Command } from '../../runner/quote.js';

export type TimeSpec = { kind: 'preserve' } | { kind: 'now' } | { kind: 'at'; epoch: number };

export interface TimeParams {
  access_time?: string;
  access_time_format: string;
  modification_time?: string;
  modification_time_format: string;
}

export const timeSchemaProperties = {
  modification_time: { type: 'string', description: "'preserve', 'now' or a time in modification_time_format. Default: 'now' for state=touch, else 'preserve'." },
  modification_time_format: { type: 'string', default: '%Y%m%d%H%M.%S', description: 'strftime format of modification_time (%Y %m %d %H %M %S %y %%).' },
  access_time: { type: 'string', description: "'preserve', 'now' or a time in access_time_format. Default: 'now' for state=touch, else 'preserve'." },
  access_time_format: { type: 'string', default: '%Y%m%d%H%M.%S', description: 'strftime format of access_time.' },
} as const;

const DIRECTIVES: Record<string, [string, string]> = {
  Y: ['Y', '(\\d{4})'],
  y: ['y', '(\\d{2})'],
  m: ['m', '(\\d{1,2})'],
  d: ['d', '(\\d{1,2})'],
  H: ['H', '(\\d{1,2})'],
  M: ['M', '(\\d{1,2})'],
  S: ['S', '(\\d{1,2})'],
};

/** 'YYYY-MM-DD HH:MM:SS' for `date -d`, from a value in a strptime format. */
export function parseTime(value: string, format: string): string {
  let pattern = '';
  const fields: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const c = format[i]!;
    if (c !== '%') {
      pattern += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      continue;
    }
    const d = format[++i] ?? '';
    if (d === '%') pattern += '%';
    else if (DIRECTIVES[d]) {
      pattern += DIRECTIVES[d][1];
      fields.push(DIRECTIVES[d][0]);
    } else throw new ModuleFailure(`time format directive %${d} is not supported (use %Y %m %d %H %M %S %y)`);
  }
  const m = new RegExp(`^${pattern}$`).exec(value);
  if (!m) throw new ModuleFailure(`Error while obtaining timestamp for time ${value} using format ${format}: time data does not match format`);
  const get = (f: string, fallback: number) => {
    const at = fields.indexOf(f);
    return at < 0 ? fallback : Number(m[at + 1]);
  };
  const year = fields.includes('Y') ? get('Y', 1900) : fields.includes('y') ? (get('y', 0) < 69 ? 2000 : 1900) + get('y', 0) : 1900;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${year}-${two(get('m', 1))}-${two(get('d', 1))} ${two(get('H', 0))}:${two(get('M', 0))}:${two(get('S', 0))}`;
}

/** Both times as specs; explicit times are turned into epochs by the host's `date` (its time zone). */
export async function resolveTimes(host: Host, params: TimeParams, state: string): Promise<{ atime: TimeSpec; mtime: TimeSpec }> {
  const fallback = state === 'touch' ? 'now' : 'preserve';
  const values = [params.access_time ?? fallback, params.modification_time ?? fallback];
  const formats = [params.access_time_format, params.modification_time_format];
  const explicit = values.map((v, i) => (v === 'now' || v === 'preserve' ? null : parseTime(v, formats[i]!)));
  const epochs: number[] = [];
  const dates = explicit.filter((d): d is string => d !== null);
  if (dates.length > 0) {
    const result = await host.check(joinCommands(dates.map((d) => sh`date -d ${d} +%s`)));
    epochs.push(...result.stdout.trim().split('\n').map(Number));
  }
  const spec = (value: string, date: string | null): TimeSpec =>
    date !== null ? { kind: 'at', epoch: epochs.shift()! } : value === 'now' ? { kind: 'now' } : { kind: 'preserve' };
  return { atime: spec(values[0]!, explicit[0]!), mtime: spec(values[1]!, explicit[1]!) };
}

/** Whether applying the times changes the file (current times in seconds, with fractions). */
export function timesChange(times: { atime: TimeSpec; mtime: TimeSpec }, current: { atime: number; mtime: number } | null): boolean {
  const { atime, mtime } = times;
  if (atime.kind === 'preserve' && mtime.kind === 'preserve') return false;
  if (atime.kind === 'now' || mtime.kind === 'now' || current === null) return true;
  const differs = (t: TimeSpec, now: number) => t.kind === 'at' && t.epoch !== now;
  return differs(atime, current.atime) || differs(mtime, current.mtime);
}

/** touch commands setting the times; touch follows links, as Python's os.utime does. */
export function timesCommand(path: string, times: { atime: TimeSpec; mtime: TimeSpec }): Command | null {
  const { atime, mtime } = times;
  if (atime.kind === 'now' && mtime.kind === 'now') return sh`touch -c -- ${path}`;
  const parts: Command[] = [];
  for (const [flag, t] of [['-a', atime], ['-m', mtime]] as const) {
    if (t.kind === 'now') parts.push(sh`touch -c ${flag} -- ${path}`);
    if (t.kind === 'at') parts.push(sh`touch -c ${flag} -d ${`@${t.epoch}`} -- ${path}`);
  }
  return parts.length ? joinCommands(parts, ' && ') : null;
}

/**
 * The times in Ansible's registered diff: each one that changes, before (the file's) and after,
 * in seconds since the epoch; 'now' is the clock at plan time, as Ansible's time.time().
 */
export function timesDiff(times: { atime: TimeSpec; mtime: TimeSpec }, current: { atime: number; mtime: number } | null): Record<'before' | 'after', Record<string, number>> | null {
  if (current === null || !timesChange(times, current)) return null;
  const now = Date.now() / 1000;
  const diff: Record<'before' | 'after', Record<string, number>> = { before: {}, after: {} };
  for (const [name, spec, previous] of [['mtime', times.mtime, current.mtime], ['atime', times.atime, current.atime]] as const) {
    const after = spec.kind === 'now' ? now : spec.kind === 'at' ? spec.epoch : previous;
    if (after === previous) continue;
    diff.before[name] = previous;
    diff.after[name] = after;
  }
  return diff;
}
