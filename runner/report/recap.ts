// The PLAY RECAP, byte for byte as Ansible's default callback prints it
// (plugins/callback/default.py v2_playbook_on_stats with utils/color.py
// hostcolor and colorize): people and scripts already grep these lines.
import type { HostStats, TaskResultEvent } from '../engine/events.js';
import { banner, padRight, painter, type Paint, type Tone } from './style.js';

export interface RecapOptions {
  color?: boolean;
  /** Banner width (Ansible's Display.columns); 79 off a terminal. */
  columns?: number;
}

/** The counters in Ansible's order, with the colour each gets when non-zero. */
const COUNTERS: ReadonlyArray<readonly [keyof HostStats, Tone]> = [
  ['ok', 'ok'],
  ['changed', 'changed'],
  ['unreachable', 'unreachable'],
  ['failed', 'error'],
  ['skipped', 'skip'],
  ['rescued', 'ok'],
  ['ignored', 'warn'],
];

/**
 * One recap line, without the newline. Without colour the host is `%-26s`
 * and each counter `name=%-4s`, joined by single spaces: hence the three
 * trailing spaces after `ignored=0`.
 */
export function recapLine(host: string, stats: HostStats, color = false): string {
  const paint = painter(color);
  const counters = COUNTERS.map(([name, tone]) => {
    const text = `${name}=${padRight(String(stats[name]), 4)}`;
    return stats[name] !== 0 ? paint(text, tone) : text;
  });
  return `${hostColumn(host, stats, paint, color)} : ${counters.join(' ')}`;
}

/**
 * hostcolor: in colour Ansible pads the *coloured* string to 37, i.e. 26
 * visible characters plus the 11 bytes of the escape codes.
 */
function hostColumn(host: string, stats: HostStats, paint: Paint, color: boolean): string {
  if (!color) return padRight(host, 26);
  const tone: Tone = stats.failed !== 0 || stats.unreachable !== 0 ? 'error' : stats.changed !== 0 ? 'changed' : 'ok';
  return padRight(paint(host, tone), 37);
}

/**
 * The whole block: blank line, `PLAY RECAP ****`, one line per host sorted by
 * name (Python's sorted(): plain code-unit order, not locale order), and the
 * blank line Ansible prints after it.
 */
export function renderRecap(stats: Readonly<Record<string, HostStats>>, options: RecapOptions = {}): string {
  const color = options.color === true;
  const hosts = Object.keys(stats).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lines = hosts.map((host) => recapLine(host, stats[host]!, color));
  return banner('PLAY RECAP', options.columns) + lines.map((line) => line + '\n').join('') + '\n';
}

/**
 * Running counts for live displays, counted the way Ansible's recap counts
 * (strategy/__init__.py): a changed task is also ok, an ignored failure or
 * ignored unreachable counts as ok and ignored, a rescued failure only as
 * rescued. One loop counts once: its items are skipped here because the
 * engine follows them with one summary result for the task. The engine's
 * own stats (run.end) stay the truth for the recap.
 */
export function countResult(stats: HostStats, event: TaskResultEvent): void {
  if (event.item !== undefined) return;
  const ignored = (): void => {
    stats.ok += 1;
    stats.ignored += 1;
  };
  switch (event.status) {
    case 'ok':
      stats.ok += 1;
      break;
    case 'changed':
      stats.ok += 1;
      stats.changed += 1;
      break;
    case 'skipped':
      stats.skipped += 1;
      break;
    case 'unreachable':
      if (event.ignored) ignored();
      else stats.unreachable += 1;
      break;
    case 'failed':
      if (event.rescued) stats.rescued += 1;
      else if (event.ignored) ignored();
      else stats.failed += 1;
      break;
  }
}

/** The line ansible-playbook prints before its recap when it wrote a .retry file. */
export function retryLine(retryFile: string | undefined): string {
  return retryFile === undefined ? '' : `\tto retry, use: --limit @${retryFile}\n`;
}
