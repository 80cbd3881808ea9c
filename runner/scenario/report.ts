// Choosing how `drover test` shows its steps: the listr2 tree on a terminal,
// plain timed lines anywhere else, by the same rule as `drover run`.
import { resolveFormat } from '../report/index.js';
import { shouldColor, type OutputStream } from '../report/style.js';
import { ListrScenarioReporter } from './report-listr.js';
import { PlainScenarioReporter } from './report-plain.js';
import type { ScenarioReporter } from './types.js';

export interface ScenarioReporterChoice {
  format?: 'auto' | 'plain' | 'listr';
  stream?: OutputStream;
  color?: boolean;
  verbose?: number;
  env?: NodeJS.ProcessEnv;
}

export function createScenarioReporter(choice: ScenarioReporterChoice = {}): ScenarioReporter {
  const stream = choice.stream ?? process.stdout;
  const env = choice.env ?? process.env;
  const options = { stream, color: shouldColor(choice.color, stream, env), verbose: choice.verbose ?? 0 };
  return resolveFormat(choice.format ?? 'auto', stream, env) === 'listr' ? new ListrScenarioReporter(options) : new PlainScenarioReporter(options);
}
