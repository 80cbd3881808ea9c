// Ansible's default stdout callback, byte for byte (ansible-core 2.14
// plugins/callback/default.py and CallbackBase in callback/__init__.py), for
// `--output ansible` and `stdout_callback = default`: scripts written against
// ansible-playbook's output (Ansible's own integration targets diff it with
// recorded files) read drover's the same. A TASK banner comes before a
// task's first line and again whenever another task's line came in between,
// as Ansible's callback does under the free strategy: drover's hosts run
// independently. Warnings go to stderr, wrapped to the column width and each
// shown once, as Ansible's Display does.
import { resolve, basename } from 'node:path';
import type { EngineEvent, Reporter, TaskRef, TaskResultEvent } from '../engine/events.js';
import { pyJson } from '../template/python-json.js';
import { interruptMessage, unhandled } from './format.js';
import { renderRecap, retryLine } from './recap.js';
import { banner, columnsOf, painter, Sink, type OutputStream, type Paint, type Tone } from './style.js';

export interface AnsibleDefaultOptions {
  stream: OutputStream;
  /** Where warnings go (Ansible's Display writes them to stderr). */
  errors: OutputStream;
  /** -v count. */
  verbose?: number;
  color?: boolean;
}

/** Keys debug keeps beside msg (_DEBUG_ALLOWED_KEYS), and what it hides when it shows a variable (_hide_in_debug). */
const DEBUG_ALLOWED = new Set(['msg', 'exception', 'warnings', 'deprecations']);
const DEBUG_HIDDEN = ['changed', 'failed', 'skipped', 'invocation', 'skip_reason'];
/** Status flags drover puts in every registered result; Ansible's callback shows `changed` only. */
const DROVER_FLAGS = ['failed', 'skipped'];

export class AnsibleDefaultReporter implements Reporter {
  private readonly out: Sink;
  private readonly err: Sink;
  private readonly paint: Paint;
  private readonly color: boolean;
  private readonly columns: number;
  private readonly verbose: number;
  /** The task whose banner was printed last (Ansible's _last_task_banner). */
  private lastBanner: string | undefined;
  /** Per host, the task whose loop items came last: its item-less result is the loop's own. */
  private readonly loopOf = new Map<string, string>();
  /** Display.warning shows each text once a run. */
  private readonly warned = new Set<string>();

  constructor(options: AnsibleDefaultOptions) {
    this.out = new Sink(options.stream);
    this.err = new Sink(options.errors);
    this.color = options.color === true;
    this.paint = painter(this.color);
    this.columns = columnsOf(options.stream);
    this.verbose = options.verbose ?? 0;
  }

  handle(event: EngineEvent): void {
    this.out.write(this.render(event));
  }

  /** The stdout text for one event (warnings are written to stderr here). */
  render(event: EngineEvent): string {
    switch (event.type) {
      case 'run.start':
        // PlaybookExecutor's display.vv names the playbook as the command line gave it.
        return this.verbose > 1 ? banner(`PLAYBOOK: ${basename(event.playbook)}`, this.columns) + `${event.plays} plays in ${event.playbook}\n` : '';
      case 'play.start':
        this.lastBanner = undefined;
        return banner(event.play.trim() === '' ? 'PLAY' : `PLAY [${event.play.trim()}]`, this.columns);
      case 'host.task.start':
        return event.item === undefined ? this.bannerFor(event.task) : '';
      case 'host.task.result':
        return this.result(event);
      case 'handler.notified':
        return this.verbose > 1 ? this.paint(`NOTIFIED HANDLER ${event.handler} for ${event.host}`, 'verbose') + '\n' : '';
      case 'warning':
        // A host's warning is a task's, and its result carries it (shown with the result, as Ansible does).
        if (event.host === undefined) this.warn(event.message);
        return '';
      case 'play.end':
      case 'drover.bug':
        return '';
      case 'run.interrupted':
        return this.paint(interruptMessage(event.waiting), 'warn') + '\n';
      case 'run.end':
        return retryLine(event.retryFile) + renderRecap(event.stats, { color: this.color, columns: this.columns });
      default:
        return unhandled(event);
    }
  }

  /** `TASK [role : name]` (or `RUNNING HANDLER [...]`) unless it is the last banner shown. */
  private bannerFor(task: TaskRef): string {
    const key = taskKey(task);
    if (this.lastBanner === key) return '';
    this.lastBanner = key;
    const name = (task.role ? `${task.role} : ${task.name}` : task.name).trim();
    let text = banner(`${task.handler ? 'RUNNING HANDLER' : 'TASK'} [${name}]`, this.columns);
    if (this.verbose >= 2 && task.location) text += this.paint(`task path: ${taskPath(task.location)}`, 'verbose') + '\n';
    return text;
  }

  private result(event: TaskResultEvent): string {
    const loopSummary = this.isLoopSummary(event);
    const shown = displayed(event);
    for (const w of takeWarnings(shown)) this.warn(w);
    const head = this.bannerFor(event.task);
    const host = `[${event.host}]`;
    const verbose = (this.verbose > 0 || event.verboseAlways === true) && event.status !== 'failed';
    const dump = (indent: boolean): string => pyJson(shown, { sortKeys: true, ensureAscii: false, ...(indent ? { indent: 4 } : {}) });
    const indent = event.verboseAlways === true || this.verbose > 2;
    const line = (text: string, tone: Tone): string => this.paint(text, tone) + '\n';
    if (event.item !== undefined) {
      const item = `(item=${event.item})`;
      switch (event.status) {
        case 'ok':
        case 'changed':
          return head + line(`${event.status}: ${host} => ${item}${verbose ? ` => ${dump(indent)}` : ''}`, event.status === 'ok' ? 'ok' : 'changed');
        case 'skipped':
          return head + line(`skipping: ${host} => ${item} ${verbose ? ` => ${dump(indent)}` : ''}`, 'skip');
        case 'failed':
          return head + line(`failed: ${host} ${item} => ${dump(indent)}`, 'error');
        case 'unreachable':
          return head + line(`fatal: ${host}: UNREACHABLE! => ${dump(indent)}`, 'unreachable');
      }
    }
    const ignoring = event.ignored ? line('...ignoring', 'skip') : '';
    // A loop is told by its items; its own result adds only what Ansible adds after them.
    if (loopSummary) {
      if (event.status === 'skipped') return head + line(`skipping: ${host}${verbose ? ` => ${dump(indent)}` : ''}`, 'skip');
      return head + (event.status === 'failed' ? ignoring : '');
    }
    switch (event.status) {
      case 'ok':
      case 'changed':
        // An include says nothing on its own line (Ansible's TaskInclude): its tasks follow.
        if (event.task.module === 'include_tasks' || event.task.module === 'include_role') return head;
        return head + line(`${event.status}: ${host}${verbose ? ` => ${dump(indent)}` : ''}`, event.status === 'ok' ? 'ok' : 'changed');
      case 'skipped':
        return head + line(`skipping: ${host}${verbose ? ` => ${dump(indent)}` : ''}`, 'skip');
      case 'failed':
        return head + line(`fatal: ${host}: FAILED! => ${dump(indent)}`, 'error') + ignoring;
      case 'unreachable':
        return head + line(`fatal: ${host}: UNREACHABLE! => ${dump(indent)}`, 'unreachable') + ignoring;
    }
  }

  private isLoopSummary(event: TaskResultEvent): boolean {
    const key = taskKey(event.task);
    if (event.item !== undefined) {
      this.loopOf.set(event.host, key);
      return false;
    }
    const summary = this.loopOf.get(event.host) === key || (Array.isArray(event.result?.results) && event.status === 'skipped');
    this.loopOf.delete(event.host);
    return summary;
  }

  /** Display.warning: `[WARNING]: ` and the text, wrapped as textwrap.wrap does, once. */
  private warn(message: string): void {
    const text = wrap(`[WARNING]: ${message}`, this.columns).join('\n') + '\n';
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.err.write(this.paint(text.slice(0, -1), 'warn') + '\n');
  }

  close(): Promise<void> {
    return Promise.all([this.out.flushed(), this.err.flushed()]).then(() => undefined);
  }
}

function taskKey(task: TaskRef): string {
  return `${task.handler ? 'h' : 't'}\0${task.location}\0${task.name}`;
}

/**
 * The result as _dump_results shows it: drover's failed/skipped flags left out
 * (Ansible's callback never shows them), debug's own cleaning (_clean_results),
 * diff and invocation only from -vvv (drover keeps neither in results).
 */
function displayed(event: TaskResultEvent): Record<string, unknown> {
  const result: Record<string, unknown> = { ...(event.result ?? {}) };
  if (event.status !== 'failed' && event.status !== 'unreachable' && event.result === undefined && event.message !== undefined) result.msg = event.message;
  if (event.status === 'unreachable' && result.msg === undefined && event.message !== undefined) Object.assign(result, { changed: false, msg: event.message, unreachable: true });
  if (event.status === 'failed' && result.msg === undefined && event.message !== undefined) result.msg = event.message;
  for (const flag of DROVER_FLAGS) delete result[flag];
  delete result.diff;
  delete result.exception;
  if (event.task.module === 'debug') {
    if ('msg' in result) {
      for (const key of Object.keys(result)) if (!DEBUG_ALLOWED.has(key)) delete result[key];
    } else for (const key of DEBUG_HIDDEN) delete result[key];
    if (event.item !== undefined) {
      // An item's result keeps what the loop added (the loop variable), as Ansible's item results do.
      const r = event.result ?? {};
      for (const key of ['ansible_loop_var', 'ansible_index_var', 'ansible_loop', 'item']) if (key in r) result[key] = r[key];
      const loopVar = typeof r.ansible_loop_var === 'string' ? r.ansible_loop_var : undefined;
      if (loopVar && loopVar in r) result[loopVar] = r[loopVar];
      if ('changed' in r && 'msg' in result) result.changed = r.changed;
    }
  }
  return result;
}

/** _handle_warnings: a result's warnings are shown (as warnings) and left out of it. */
function takeWarnings(result: Record<string, unknown>): string[] {
  const warnings = Array.isArray(result.warnings) ? result.warnings.map(String) : [];
  delete result.warnings;
  return warnings;
}

/**
 * Python's textwrap.wrap(text, width) with its defaults: whitespace becomes
 * spaces, chunks are words, runs of spaces and word parts after a hyphen;
 * spaces at a line's ends are dropped, a word longer than the room is broken.
 */
export function wrap(text: string, width: number): string[] {
  const chunks = text
    .replace(/[\t\n\r\f\v]/g, ' ')
    .split(/( +)/)
    .flatMap((chunk) => (chunk.startsWith(' ') ? [chunk] : chunk.split(/(?<=[A-Za-z]-)(?=[A-Za-z])/)))
    .filter((chunk) => chunk !== '');
  const length = (t: string) => [...t].length;
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let used = 0;
    if (lines.length > 0 && chunks[0]!.trim() === '') chunks.shift();
    while (chunks.length > 0 && used + length(chunks[0]!) <= width) {
      used += length(chunks[0]!);
      line.push(chunks.shift()!);
    }
    if (chunks.length > 0 && length(chunks[0]!) > width) {
      const chars = [...chunks[0]!];
      const room = Math.max(width - used, 1);
      line.push(chars.slice(0, room).join(''));
      chunks[0] = chars.slice(room).join('');
    }
    if (line.length > 0 && line[line.length - 1]!.trim() === '') line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}

/** Ansible's `task path:` line: the task file's absolute path and line (no column). */
function taskPath(location: string): string {
  const at = /^(.*):(\d+):\d+$/.exec(location);
  return at ? `${resolve(at[1]!)}:${at[2]}` : location;
}
