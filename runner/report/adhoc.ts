// drover exec's output: what `ansible` prints with its minimal callback (or
// oneline with -o), line for line: `host | CHANGED | rc=0 >>` and the output
// for command, shell and raw, `host | SUCCESS => {json}` for other modules,
// warnings on stderr. Like Ansible's ad-hoc command it prints no recap.
import type { EngineEvent, Reporter, TaskResultEvent } from '../engine/events.js';
import { pyJson } from '../template/python-json.js';
import { renderDiffs } from './diff.js';
import type { OutputStream } from './style.js';

/** Ansible's MODULE_NO_JSON: their result is shown as rc and output, not JSON. */
const NO_JSON = new Set(['command', 'shell', 'raw'].flatMap((m) => [m, `ansible.builtin.${m}`, `ansible.legacy.${m}`]));

/** Ansible's colours (constants.COLOR_*), used on a terminal only. */
const COLORS = { ok: '0;32', changed: '0;33', error: '0;31', skip: '0;36', unreachable: '1;31' } as const;

export interface AdHocOptions {
  stream: OutputStream;
  errors: OutputStream;
  oneLine: boolean;
  diff: boolean;
  color: boolean;
  verbose: number;
}

export class AdHocReporter implements Reporter {
  constructor(private readonly options: AdHocOptions) {}

  handle(event: EngineEvent): void {
    if (event.type === 'warning') this.options.errors.write(`[WARNING]: ${event.message}\n`);
    if (event.type !== 'host.task.result' || event.item !== undefined) return;
    for (const warning of warningsOf(event)) this.options.errors.write(`[WARNING]: ${warning}\n`);
    if (this.options.diff && event.diff.length > 0 && !this.options.oneLine) this.options.stream.write(`${renderDiffs(event.diff)}\n`);
    this.options.stream.write(this.line(event));
  }

  async close(): Promise<void> {}

  private line(event: TaskResultEvent): string {
    const { host } = event;
    const result = this.shown(event);
    const plain = NO_JSON.has(event.task.module ?? '');
    const oneLine = this.options.oneLine;
    switch (event.status) {
      case 'skipped':
        return this.paint(`${host} | SKIPPED`, 'skip');
      case 'unreachable': {
        const unreachable = { changed: false, msg: event.message ?? '', unreachable: true };
        return this.paint(oneLine ? `${host} | UNREACHABLE!: ${unreachable.msg}` : `${host} | UNREACHABLE! => ${this.json(unreachable)}`, 'unreachable');
      }
      case 'failed':
        if (plain && !oneLine && !('module_stderr' in result)) return this.paint(commandText(host, result, 'FAILED'), 'error');
        return this.paint(`${host} | FAILED! => ${this.json(result)}`, 'error');
      default: {
        const state = result.changed === true ? 'CHANGED' : 'SUCCESS';
        const color = state === 'CHANGED' ? 'changed' : 'ok';
        if (plain) return this.paint(oneLine ? commandLine(host, result, state) : commandText(host, result, state), color);
        return this.paint(`${host} | ${state} => ${this.json(result)}`, color);
      }
    }
  }

  /** The result as CallbackBase._dump_results shows it: no internal keys, no invocation, diff or exception below -vvv. */
  private shown(event: TaskResultEvent): Record<string, unknown> {
    // TaskResult.clean_copy drops failed and skipped; warnings were printed on their own.
    const { failed: _failed, skipped: _skipped, warnings: _warnings, exception: _exception, ...rest } = event.result ?? {};
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(rest)) {
      if (key.startsWith('_ansible_')) continue;
      if ((key === 'invocation' || key === 'diff') && this.options.verbose < 3) continue;
      out[key] = value;
    }
    return out;
  }

  /** json.dumps(indent=4, sort_keys=True); oneline's indent=0 with its newlines removed. */
  private json(value: unknown): string {
    const text = pyJson(value, { indent: this.options.oneLine ? 0 : 4, sortKeys: true, ensureAscii: false });
    return this.options.oneLine ? text.replace(/\n/g, '') : text;
  }

  /** Display.display: a line ends in one newline; colour goes on each line. */
  private paint(text: string, color: keyof typeof COLORS): string {
    const body = text.endsWith('\n') ? text.slice(0, -1) : text;
    const painted = this.options.color ? body.split('\n').map((l) => `\x1b[${COLORS[color]}m${l}\x1b[0m`).join('\n') : body;
    return `${painted}\n`;
  }
}

function warningsOf(event: TaskResultEvent): string[] {
  const warnings = event.result?.warnings;
  return Array.isArray(warnings) ? warnings.map(String) : [];
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** minimal's _command_generic_msg. */
function commandText(host: string, result: Record<string, unknown>, caption: string): string {
  return `${host} | ${caption} | rc=${String(result.rc ?? -1)} >>\n${text(result.stdout)}${text(result.stderr)}${text(result.msg)}\n`;
}

/** oneline's _command_generic_msg. */
function commandLine(host: string, result: Record<string, unknown>, caption: string): string {
  const flat = (s: string) => s.replace(/\n/g, '\\n').replace(/\r/g, '\\r');
  const stderr = text(result.stderr);
  return `${host} | ${caption} | rc=${String(result.rc ?? -1)} | (stdout) ${flat(text(result.stdout))}${stderr ? ` (stderr) ${flat(stderr)}` : ''}`;
}
