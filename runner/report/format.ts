// Text for one task result, shared by the plain reporter (as it happens) and
// the listr reporter (after its live view). Ansible prints a TASK banner and
// then one line per host; drover's hosts run independently, so results of
// different tasks interleave and every line names its task and where it is:
//
//   changed: [web01] => Write nginx.conf (site.yml:12)
//   fatal: [web02]: FAILED! => Install nginx (site.yml:20): No package nginx
//
// The prefixes are Ansible's, so habits (and greps) carry over.
import type { EngineEvent, TaskRef, TaskResultEvent } from '../engine/events.js';
import { renderDiffs } from './diff.js';
import type { Paint, Tone } from './style.js';

export interface ResultFormat {
  paint: Paint;
  color: boolean;
  /** --diff: show before/after under the line. */
  diff: boolean;
  /** Ansible's max_diff_size: a side over it is not diffed (default 104448, 0 = no limit). */
  maxDiffSize?: number;
  /** -v count: 1 adds change sentences and the registered result, 2 pretty-prints it. */
  verbose: number;
}

/** `role : name` like Ansible's TASK banner; handlers are marked since they run out of order. */
export function taskLabel(task: TaskRef): string {
  const name = task.role ? `${task.role} : ${task.name}` : task.name;
  return task.handler ? `handler: ${name}` : name;
}

/** `file:line:col` -> `file:line`: the column adds noise to every line and an editor finds the task without it. */
export function shortLocation(location: string): string {
  const match = /^(.*:\d+):\d+$/.exec(location);
  return match ? match[1]! : location;
}

/** `Task name (file:line)`, the way every result line names its task. */
export function taskTitle(task: TaskRef): string {
  return task.location ? `${taskLabel(task)} (${shortLocation(task.location)})` : taskLabel(task);
}

/** The status word(s) and the tone of the line, after Ansible's callback. */
function lead(event: TaskResultEvent): { head: string; tone: Tone } {
  const host = `[${event.host}]`;
  const item = event.item !== undefined ? `(item=${event.item}) ` : '';
  switch (event.status) {
    case 'ok':
      return { head: `ok: ${host} => ${item}`, tone: 'ok' };
    case 'changed':
      // Check mode: nothing was changed, only planned; say so on the line itself.
      return { head: `${event.planOnly ? 'changed (check)' : 'changed'}: ${host} => ${item}`, tone: 'changed' };
    case 'skipped':
      return { head: `skipping: ${host} => ${item}`, tone: 'skip' };
    case 'unreachable':
      return { head: `fatal: ${host}: UNREACHABLE! => ${item}`, tone: 'unreachable' };
    case 'failed':
      // Ansible says `failed: [h] (item=x) =>` for one failed loop item and `fatal:` for the task.
      return event.item !== undefined
        ? { head: `failed: ${host} (item=${event.item}) => `, tone: 'error' }
        : { head: `fatal: ${host}: FAILED! => `, tone: 'error' };
  }
}

/**
 * The message on the line: always for failures and ok/changed (a debug
 * message is the point of the task), for skips only with -v (the reason is
 * rarely news). Extra lines are indented under the first.
 */
function messageText(event: TaskResultEvent, verbose: number): string {
  const message = event.message?.trimEnd();
  if (!message) return '';
  if (event.status === 'skipped' && verbose < 1) return '';
  return ': ' + message.split('\n').join('\n    ');
}

/** All the text for one result, ending in a newline; written in one go so parallel hosts never split it. */
export function formatResult(event: TaskResultEvent, options: ResultFormat): string {
  const { paint } = options;
  const { head, tone } = lead(event);
  let text = paint(head + taskTitle(event.task) + messageText(event, options.verbose), tone) + '\n';
  if (event.status === 'failed' || event.status === 'unreachable') {
    if (event.rescued) text += paint('...rescued', 'skip') + '\n';
    else if (event.ignored) text += paint('...ignoring', 'skip') + '\n';
  }
  if (options.verbose >= 1) {
    for (const change of event.changes) text += paint(`    - ${change}`, tone) + '\n';
  }
  if (options.diff && event.diff.length > 0) {
    text += renderDiffs(event.diff, { color: options.color, maxSize: options.maxDiffSize });
  }
  // A loop item's result is in the loop's `results`, shown with the loop's line.
  if (options.verbose >= 1 && event.item === undefined && event.result && Object.keys(event.result).length > 0) {
    const json = toJson(event.result, options.verbose >= 2 ? 4 : undefined).replace(/\n/g, '\n    ');
    text += paint(`    result: ${json}`, 'verbose') + '\n';
  }
  return text;
}

/** A warning, as Ansible prints it; a host-specific one names its host like the result lines do. */
/** What the first Ctrl-C is waiting for, and how not to wait. */
export function interruptMessage(waiting: Extract<EngineEvent, { type: 'run.interrupted' }>['waiting']): string {
  const tasks = waiting.map((w) => `  [${w.host}] ${taskTitle(w.task)}${w.item !== undefined ? ` (item=${w.item})` : ''}`);
  const what = waiting.length === 0 ? 'no task is running' : `waiting for ${waiting.length === 1 ? 'the running task' : `${waiting.length} running tasks`} to finish:\n${tasks.join('\n')}`;
  return `Interrupted: no new tasks will start; ${what}\nPress Ctrl-C again to abort now (the recap is not printed then).`;
}

export function formatWarning(message: string, host: string | undefined, paint: Paint): string {
  const text = host ? `[WARNING]: [${host}]: ${message}` : `[WARNING]: ${message}`;
  return paint(text, 'warn') + '\n';
}

/**
 * JSON that never throws: a registered result may hold a bigint or a cycle
 * (a module bug), and a reporter must not take the run down with it.
 * Cycles are found by walking the ancestors (MDN's recipe), so an object
 * that merely appears twice is still printed twice.
 */
export function toJson(value: unknown, indent?: number): string {
  const ancestors: unknown[] = [];
  return JSON.stringify(
    value,
    function (this: unknown, _key: string, v: unknown) {
      if (typeof v === 'bigint') return v.toString();
      if (v instanceof Error) return { name: v.name, message: v.message };
      if (typeof v !== 'object' || v === null) return v;
      while (ancestors.length > 0 && ancestors[ancestors.length - 1] !== this) ancestors.pop();
      if (ancestors.includes(v)) return '[Circular]';
      ancestors.push(v);
      return v;
    },
    indent,
  );
}

/** The compiler stops here when the engine gains an event type a reporter does not render. */
export function unhandled(event: never): string {
  void event;
  return '';
}
