// The live view on a terminal: a listr2 tree with one task per play and,
// under it, one row per host showing the task it is on and its running
// counts. When the run ends: failures, warnings and (with --diff) diffs,
// then the same PLAY RECAP as the plain reporter, written after listr has
// let go of the terminal. This file and runner/scenario/report-listr.ts (the
// steps of `drover test`) are the only ones that import listr2.
//
// listr2 pulls (it calls task functions and awaits them) while the engine
// pushes (events), so the adapter keeps its own model (live-state.ts) and
// listr only mirrors it:
//   - play.start queues one Listr per play (plays are sequential, so each
//     Listr ends, leaving its final frame on screen, before the next starts);
//   - a host row's task function returns a promise settled when the host is
//     done (unreachable, play.end, run.end or close), and meanwhile the
//     model is copied into task.title / task.output;
//   - that promise resolves with an outcome and the task function throws on
//     failure itself: a rejected promise nobody awaits yet (events run ahead
//     of listr) would be an unhandled rejection.
import { DefaultRenderer, LISTR_DEFAULT_RENDERER_STYLE, LISTR_LOGGER_STYLE, Listr, ListrLogger, ProcessOutput, type ListrTask } from 'listr2';
import type { EngineEvent, HostStats, Reporter, TaskResultEvent } from '../engine/events.js';
import { formatResult, formatWarning, interruptMessage, taskTitle, unhandled } from './format.js';
import { countResult, renderRecap, retryLine } from './recap.js';
import { banner, columnsOf, painter, Sink, type OutputStream } from './style.js';
import { aggregate, counts, finalTitle, newPlay, runningTitle, type HostState, type Outcome, type PlayState } from './live-state.js';

export interface ListrReporterOptions {
  stream: OutputStream;
  diff?: boolean;
  /** Ansible's max_diff_size (see renderDiff). */
  maxDiffSize?: number;
  verbose?: number;
  color?: boolean;
  /**
   * listr2 renderer. 'default' is the live tree; off a terminal it falls back
   * to listr's line renderer 'simple' (createReporter picks plain output
   * there instead). Tests choose 'simple' or 'verbose' to get stable text.
   */
  renderer?: ListrRendererChoice;
  /** Plays with more hosts show one aggregate line instead of a row per host (a terminal has ~50 lines). */
  maxHostRows?: number;
}

export class ListrReporter implements Reporter {
  private readonly sink: Sink;
  private readonly color: boolean;
  private check = false;
  private play: PlayState | undefined;
  private readonly plays: PlayState[] = [];
  /** One Listr at a time: the next play's tree starts when the previous one has been drawn for the last time. */
  private queue: Promise<void> = Promise.resolve();
  /** Printed after the live view, in arrival order, under the banner of their play. */
  private readonly afterword: string[] = [];
  private afterwordPlay: PlayState | undefined;
  private stats: Record<string, HostStats> | undefined;
  private retryFile: string | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  private displayError: string | undefined;

  constructor(private readonly options: ListrReporterOptions) {
    this.sink = new Sink(options.stream);
    this.color = options.color === true;
  }

  handle(event: EngineEvent): void {
    switch (event.type) {
      case 'run.start':
        this.check = event.check;
        return;
      case 'play.start':
        return this.startPlay(event.play, event.hosts);
      case 'host.task.start': {
        const host = this.host(event.host);
        if (host) host.current = event.item !== undefined ? `${taskTitle(event.task)} (item=${event.item})` : taskTitle(event.task);
        return this.scheduleRefresh();
      }
      case 'host.task.result':
        return this.result(event);
      case 'handler.notified':
        return;
      case 'play.end':
        return this.endPlay();
      case 'warning':
        return this.remember(formatWarning(event.message, event.host, painter(this.color)));
      case 'drover.bug':
        // The host's failed result that follows says so; the stack is for the debug log.
        return;
      case 'run.interrupted':
        // The live rows already show each host's running task; the play's line says why nothing new starts.
        if (this.play?.view) this.play.view.title = `${this.play.title}  (interrupted: waiting for running tasks; Ctrl-C again aborts)`;
        return this.remember(painter(this.color)(interruptMessage(event.waiting), 'warn') + '\n');
      case 'run.end':
        this.stats = event.stats;
        this.retryFile = event.retryFile;
        this.plays.forEach((play) => this.finishPlay(play));
        return;
      default:
        unhandled(event);
    }
  }

  /** Waits for the live view to finish, then prints what it could not show and the recap. */
  async close(): Promise<void> {
    // Without run.end (the engine failed) nothing else will end the rows.
    this.plays.forEach((play) => this.finishPlay(play));
    await this.queue;
    clearTimeout(this.refreshTimer);
    this.sink.write(this.afterword.join(''));
    if (this.displayError) this.sink.write(formatWarning(`live display failed: ${this.displayError}`, undefined, painter(this.color)));
    if (this.stats) this.sink.write(retryLine(this.retryFile) + renderRecap(this.stats, { color: this.color, columns: columnsOf(this.options.stream) }));
    await this.sink.flushed();
  }

  private startPlay(name: string, hosts: string[]): void {
    if (this.play) this.finishPlay(this.play);
    const play = newPlay(`PLAY [${name}]${this.check ? ' [CHECK MODE]' : ''}`, hosts, this.options.maxHostRows ?? 40);
    this.play = play;
    this.plays.push(play);
    this.queue = this.queue.then(() => this.runPlay(play));
  }

  private endPlay(): void {
    if (this.play) this.finishPlay(this.play);
    this.play = undefined;
  }

  private finishPlay(play: PlayState): void {
    for (const host of play.hosts.values()) this.finishHost(host, { failure: host.failure });
    play.done.resolve();
  }

  /** Ends a host's row now: its title becomes its final counts. */
  private finishHost(host: HostState, outcome: Outcome): void {
    if (host.done.settled) return;
    host.current = undefined;
    if (host.view) host.view.title = finalTitle(host);
    host.done.resolve(outcome);
  }

  private host(name: string): HostState | undefined {
    return this.play?.hosts.get(name);
  }

  private result(event: TaskResultEvent): void {
    const host = this.host(event.host);
    // Loop items only show; the loop's summary result that follows decides (it carries ignore_errors).
    if (host && event.item === undefined) {
      countResult(host.stats, event);
      const failure = `${taskTitle(event.task)}: ${event.message ?? event.status}`;
      if (event.status === 'unreachable' && !event.ignored) this.finishHost(host, { failure });
      else if (event.status === 'failed' && !event.ignored && !event.rescued) {
        host.failure = failure;
        host.current = undefined;
      }
    }
    if (this.worthRepeating(event)) {
      const { diff = false, maxDiffSize, verbose = 0 } = this.options;
      this.remember(formatResult(event, { paint: painter(this.color), color: this.color, diff, maxDiffSize, verbose }));
    }
    this.scheduleRefresh();
  }

  /** Keeps text for after the live view, under its play's banner as in plain output. */
  private remember(text: string): void {
    const play = this.play;
    if (play !== this.afterwordPlay || this.afterword.length === 0) {
      this.afterword.push(play ? banner(play.title, columnsOf(this.options.stream)) : '\n');
      this.afterwordPlay = play;
    }
    this.afterword.push(text);
  }

  /** The live rows only show counts; failures, diffs and (with -v) changes are printed in full at the end. */
  private worthRepeating(event: TaskResultEvent): boolean {
    if (event.status === 'failed' || event.status === 'unreachable') return true;
    if (this.options.diff && event.diff.length > 0) return true;
    return (this.options.verbose ?? 0) >= 1 && event.status === 'changed';
  }

  /**
   * Every title change makes listr redraw the whole tree; with many hosts
   * and fast tasks that is thousands of redraws a second. Batch them.
   */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      for (const play of this.plays) if (!play.done.settled) this.refreshPlay(play);
    }, 50);
    this.refreshTimer.unref();
  }

  private refreshPlay(play: PlayState): void {
    if (play.compact) {
      if (play.view) play.view.output = aggregate(play);
      return;
    }
    for (const host of play.hosts.values()) {
      if (!host.view || host.done.settled) continue;
      host.view.title = runningTitle(host);
      host.view.output = counts(host.stats);
    }
  }

  private async runPlay(play: PlayState): Promise<void> {
    const playTask: ListrTask = {
      title: play.title,
      task: async (_ctx, task) => {
        play.view = task;
        if (!play.compact) return task.newListr([...play.hosts.values()].map((host) => hostTask(host)), { concurrent: true, exitOnError: false });
        this.refreshPlay(play);
        await play.done.promise;
        task.title = `${play.title}  ${aggregate(play)}`;
      },
    };
    try {
      await new Listr([playTask], this.listrOptions()).run();
    } catch (error) {
      // exitOnError is off, so host failures never get here: this is the display itself failing.
      // The run must not fail over a display; say so once, after the recap's details.
      this.displayError ??= error instanceof Error ? error.message : String(error);
    }
  }

  private listrOptions(): ConstructorParameters<typeof Listr>[1] {
    return listrOptions(this.options.stream, this.color, this.options.renderer);
  }
}

/**
 * listr's tree renderer, minus listr's own terminal check (process.stdout.isTTY):
 * we may draw on another stream, so fallbackRendererCondition above decides.
 */
class StreamTreeRenderer extends DefaultRenderer {
  static override nonTTY = true;
}

/** One host row: mirrors the model until the host is done, then fails the row if the host failed. */
function hostTask(host: HostState): ListrTask {
  return {
    title: host.name,
    task: async (_ctx, task) => {
      host.view = task;
      if (!host.done.settled) task.title = runningTitle(host);
      const outcome = await host.done.promise;
      task.title = finalTitle(host);
      if (outcome.failure) throw new Error(outcome.failure);
    },
  };
}

/** listr2 colours its icons itself (colorette, keyed on process.stdout); when colour is off, make every style a no-op. */
function noColors(): Record<string, (text?: string) => string> {
  const levels = [...Object.keys(LISTR_DEFAULT_RENDERER_STYLE.color ?? {}), ...Object.keys(LISTR_LOGGER_STYLE.color ?? {})];
  return Object.fromEntries(levels.map((level) => [level, (text?: string) => text ?? '']));
}

/**
 * Options for a listr2 run on `stream` (drover run's tree, drover test's steps):
 * the tree renderer on a terminal, the simple one elsewhere, no colours when
 * off, and no signal handlers (Ctrl-C is the command's business).
 */
/** Which listr2 renderer: drover's tree (default), or listr2's own simple or verbose. */
export type ListrRendererChoice = 'default' | 'simple' | 'verbose';

export function listrOptions(out: OutputStream, color: boolean, renderer: ListrRendererChoice = 'default'): ConstructorParameters<typeof Listr>[1] {
  const stream = out as NodeJS.WriteStream;
  // listr writes to process.stdout unless given a logger; ours points at our stream (stdout and stderr alike).
  const logger = new ListrLogger({ processOutput: new ProcessOutput(stream, stream), useIcons: true });
  const plainColors = color ? {} : { color: noColors() };
  return {
    concurrent: false,
    exitOnError: false,
    // listr would call process.exit(127) on SIGINT, and drover test must still destroy its hosts.
    registerSignalListeners: false,
    renderer: renderer === 'default' ? StreamTreeRenderer : renderer,
    fallbackRenderer: 'simple',
    // The listr2 non-TTY trap: what decides is the stream we were given, not process.stdout.
    fallbackRendererCondition: renderer === 'default' && stream.isTTY !== true,
    rendererOptions: { logger, collapseSubtasks: false, collapseErrors: false, showErrorMessage: true, ...plainColors },
    fallbackRendererOptions: { logger, ...plainColors },
  } as ConstructorParameters<typeof Listr>[1];
}
