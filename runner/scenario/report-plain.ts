// Scenario steps as plain timed lines, for CI logs and pipes. With -v the
// engine's own output for each playbook (the plain reporter of `drover run`)
// appears under its step.
//
//   roles/example_motd/tests/default
//     syntax       passed  0.03 s  scenario.yml and 1 playbook
//     create       passed  0.41 s  1 namespace host
//     idempotence  FAILED  0.52 s
//       not idempotent: 1 task changed on the second converge:
//         changed: [instance] example_motd : Write motd (roles/example_motd/tasks/main.yml:2)
//   FAILED at idempotence (exit code 14) in 2.31 s
import type { Reporter } from '../engine/events.js';
import { unhandled } from '../report/format.js';
import { PlainReporter } from '../report/plain.js';
import { padRight, painter, Sink, type OutputStream, type Paint, type Tone } from '../report/style.js';
import type { ScenarioEvent, ScenarioReporter, StepStatus } from './types.js';

export interface ScenarioReportOptions {
  stream: OutputStream;
  color?: boolean;
  /** -v: show the engine's output of every playbook run. */
  verbose?: number;
}

const STATUS_TONE: Record<StepStatus, Tone> = { passed: 'ok', failed: 'error', skipped: 'skip' };
const STEP_COLUMN = 12;

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

/** A failure's detail, indented under its step line. */
export function indented(text: string, by: string): string {
  return text.split('\n').map((line) => `${by}${line}`).join('\n');
}

export class PlainScenarioReporter implements ScenarioReporter {
  private readonly sink: Sink;
  private readonly paint: Paint;
  /** The engine reporter of the playbook running now (-v only). */
  private engine: Reporter | undefined;

  constructor(private readonly options: ScenarioReportOptions) {
    this.sink = new Sink(options.stream);
    this.paint = painter(options.color === true);
  }

  handle(event: ScenarioEvent): void {
    const verbose = this.options.verbose ?? 0;
    switch (event.type) {
      case 'scenario.start':
        return this.sink.write(`\n${event.scenario}\n`);
      case 'step.start':
        return;
      case 'step.log':
        return this.sink.write(this.paint(`    | ${event.step}: ${event.line}`, 'verbose') + '\n');
      case 'step.engine':
        if (verbose < 1) return;
        if (event.event.type === 'run.start') this.engine = new PlainReporter({ stream: this.options.stream, color: this.options.color, verbose: verbose - 1 });
        this.engine?.handle(event.event);
        return;
      case 'step.end': {
        const status = this.paint(padRight(event.status === 'failed' ? 'FAILED' : event.status, 7), STATUS_TONE[event.status]);
        const time = event.status === 'skipped' ? padRight('', 7) : padRight(seconds(event.durationMs), 7);
        const inline = event.status !== 'failed' && event.detail ? `  ${event.detail}` : '';
        let text = `  ${padRight(event.step, STEP_COLUMN)} ${status} ${time}${inline}`.trimEnd() + '\n';
        if (event.status === 'failed' && event.detail) text += this.paint(indented(event.detail, '    '), 'error') + '\n';
        return this.sink.write(text);
      }
      case 'scenario.kept':
        return this.sink.write(`${indented(event.instructions, '  ')}\n`);
      case 'scenario.end': {
        const verdict = event.failedStep
          ? this.paint(`  FAILED at ${event.failedStep} (exit code ${event.exitCode})`, 'error')
          : event.exitCode === 0
            ? this.paint('  PASSED', 'ok')
            : this.paint(`  ended with exit code ${event.exitCode}`, 'error');
        return this.sink.write(`${verdict} in ${seconds(event.durationMs)}\n`);
      }
      default:
        unhandled(event);
    }
  }

  async close(): Promise<void> {
    await this.engine?.close();
    await this.sink.flushed();
  }
}
