// Scenario steps as a listr2 tree on a terminal: one row per step, a
// spinner and the task the engine is on while it runs, then its time and
// summary. Failure details, the --keep instructions and the verdict are
// printed after listr lets go of the terminal. Like runner/report/listr.ts,
// the events push while listr pulls, so each row waits on a latch that the
// step's end event settles.
import { Listr, type ListrTask } from 'listr2';
import { taskTitle, unhandled } from '../report/format.js';
import { listrOptions } from '../report/listr.js';
import { Latch, type Row } from '../report/live-state.js';
import { painter, Sink, type Paint } from '../report/style.js';
import { indented, seconds, type ScenarioReportOptions } from './report-plain.js';
import { STEPS, type ScenarioEvent, type ScenarioReporter, type StepName } from './types.js';

type StepEnd = Extract<ScenarioEvent, { type: 'step.end' }>;

interface StepRow {
  done: Latch<StepEnd>;
  view?: Row;
  /** `[host] task (file:line)` the engine started last. */
  activity?: string;
}

export interface ListrScenarioOptions extends ScenarioReportOptions {
  /** 'default' is the live tree; tests pick 'simple' for stable text. */
  renderer?: 'default' | 'simple';
}

export class ListrScenarioReporter implements ScenarioReporter {
  private readonly sink: Sink;
  private readonly paint: Paint;
  private rows = new Map<StepName, StepRow>();
  /** One Listr per scenario, one after the other (`--all`). */
  private queue: Promise<void> = Promise.resolve();
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ListrScenarioOptions) {
    this.sink = new Sink(options.stream);
    this.paint = painter(options.color === true);
  }

  handle(event: ScenarioEvent): void {
    switch (event.type) {
      case 'scenario.start': {
        const rows = new Map(STEPS.map((step) => [step, { done: new Latch<StepEnd>() } as StepRow]));
        this.rows = rows;
        this.queue = this.queue.then(() => this.show(event.scenario, rows));
        return;
      }
      case 'step.start':
        return;
      case 'step.log': {
        const row = this.rows.get(event.step);
        if (row) row.activity = event.line;
        return this.scheduleRefresh();
      }
      case 'step.engine': {
        const row = this.rows.get(event.step);
        if (row && event.event.type === 'host.task.start') row.activity = `[${event.event.host}] ${taskTitle(event.event.task)}`;
        return this.scheduleRefresh();
      }
      case 'step.end':
        this.rows.get(event.step)?.done.resolve(event);
        if (event.status === 'failed' && event.detail) this.after(this.paint(`${event.step} failed:\n${indented(event.detail, '  ')}`, 'error'));
        return;
      case 'scenario.kept':
        return this.after(event.instructions);
      case 'scenario.end': {
        const verdict = event.failedStep ? `FAILED at ${event.failedStep} (exit code ${event.exitCode})` : event.exitCode === 0 ? 'PASSED' : `ended with exit code ${event.exitCode}`;
        return this.after(this.paint(`${event.scenario}: ${verdict} in ${seconds(event.durationMs)}`, event.exitCode === 0 ? 'ok' : 'error'));
      }
      default:
        unhandled(event);
    }
  }

  async close(): Promise<void> {
    // Rows a scenario never ended (an internal error) must not keep listr waiting.
    for (const row of this.rows.values()) row.done.resolve({ type: 'step.end', scenario: '', step: 'destroy', status: 'skipped', durationMs: 0, detail: 'not run' });
    await this.queue;
    clearTimeout(this.refreshTimer);
    await this.sink.flushed();
  }

  /** Text printed once the current scenario's tree has been drawn for the last time. */
  private after(text: string): void {
    this.queue = this.queue.then(() => this.sink.write(`${text}\n`));
  }

  /** Every output change redraws the tree; batch the engine's many task starts. */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      for (const row of this.rows.values()) if (row.view && !row.done.settled && row.activity) row.view.output = row.activity;
    }, 50);
    this.refreshTimer.unref();
  }

  private async show(scenario: string, rows: Map<StepName, StepRow>): Promise<void> {
    const tasks: ListrTask[] = [...rows].map(([step, row]) => ({
      title: step,
      task: async (_ctx, task) => {
        row.view = task;
        const end = await row.done.promise;
        const detail = end.detail && end.status !== 'failed' ? `  ${end.detail.split('\n')[0]}` : '';
        task.title = end.status === 'skipped' ? `${step}${detail}` : `${step}  ${seconds(end.durationMs)}${detail}`;
        if (end.status === 'skipped') task.skip(task.title);
        if (end.status === 'failed') throw new Error(end.detail?.split('\n')[0] ?? 'failed');
      },
    }));
    try {
      await new Listr([{ title: scenario, task: (_ctx, task) => task.newListr(tasks, { concurrent: false, exitOnError: false }) }], this.listrOptions()).run();
    } catch {
      // exitOnError is off, so step failures never get here; the text after the tree tells the outcome.
    }
  }

  private listrOptions(): ConstructorParameters<typeof Listr>[1] {
    return listrOptions(this.options.stream, this.options.color === true, this.options.renderer);
  }
}
