// Line-oriented output for CI logs and pipes: nothing is ever redrawn, every
// line stands on its own (host and task named on it) because hosts run
// independently and their lines interleave.
import type { EngineEvent, Reporter, TaskResultEvent } from '../engine/events.js';
import { formatResult, formatWarning, interruptMessage, unhandled } from './format.js';
import { renderRecap, retryLine } from './recap.js';
import { banner, columnsOf, painter, Sink, type OutputStream, type Paint } from './style.js';

export interface PlainOptions {
  stream: OutputStream;
  /** Show before/after diffs under changed lines (--diff). */
  diff?: boolean;
  /** Ansible's max_diff_size (see renderDiff). */
  maxDiffSize?: number;
  /** -v count. */
  verbose?: number;
  /** Already decided by the caller (see shouldColor); off by default. */
  color?: boolean;
}

export class PlainReporter implements Reporter {
  private readonly sink: Sink;
  private readonly paint: Paint;
  private readonly color: boolean;
  private readonly columns: number;
  /** From run.start: plays are marked [CHECK MODE] like Ansible's check_mode_markers. */
  private check = false;
  /** Per host, the task whose loop items were just shown: its next item-less result is the loop's summary. */
  private readonly loopOf = new Map<string, string>();

  constructor(private readonly options: PlainOptions) {
    this.sink = new Sink(options.stream);
    this.color = options.color === true;
    this.paint = painter(this.color);
    this.columns = columnsOf(options.stream);
  }

  handle(event: EngineEvent): void {
    this.sink.write(this.render(event));
  }

  /** The text for one event ('' for events plain output does not show). */
  render(event: EngineEvent): string {
    const verbose = this.options.verbose ?? 0;
    switch (event.type) {
      case 'run.start':
        this.check = event.check;
        // Ansible shows the playbook banner from -vv on.
        return verbose >= 2 ? banner(`PLAYBOOK: ${event.playbook}`, this.columns) : '';
      case 'play.start':
        return banner(`PLAY [${event.play}]${this.check ? ' [CHECK MODE]' : ''}`, this.columns);
      case 'host.task.start':
        // Ansible's show_per_host_start, for -vvv: tells which host hangs on what.
        return verbose >= 3 ? this.paint(` [started ${event.task.name} on ${event.host}]`, 'ok') + '\n' : '';
      case 'host.task.result':
        // Like Ansible, a loop is told by its items; its summary only adds news when it failed (and maybe
        // was ignored), or with -v, where it carries the items' registered results.
        if (this.isLoopSummary(event) && event.status !== 'failed' && event.status !== 'unreachable' && verbose < 1) return '';
        return formatResult(event, { paint: this.paint, color: this.color, diff: this.options.diff === true, maxDiffSize: this.options.maxDiffSize, verbose });
      case 'handler.notified':
        return verbose >= 2 ? this.paint(`NOTIFIED HANDLER ${event.handler} for ${event.host}`, 'verbose') + '\n' : '';
      case 'play.end':
        return '';
      case 'warning':
        return formatWarning(event.message, event.host, this.paint);
      case 'drover.bug':
        // The host's failed result that follows says so; the stack is for the debug log.
        return '';
      case 'run.interrupted':
        return this.paint(interruptMessage(event.waiting), 'warn') + '\n';
      case 'run.end':
        return retryLine(event.retryFile) + renderRecap(event.stats, { color: this.color, columns: this.columns });
      default:
        return unhandled(event);
    }
  }

  private isLoopSummary(event: TaskResultEvent): boolean {
    const key = `${event.task.location}\0${event.task.name}`;
    if (event.item !== undefined) {
      this.loopOf.set(event.host, key);
      return false;
    }
    const summary = this.loopOf.get(event.host) === key;
    this.loopOf.delete(event.host);
    return summary;
  }

  close(): Promise<void> {
    return this.sink.flushed();
  }
}
