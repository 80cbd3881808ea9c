// Several scenarios in a row (`drover test --all`): each one creates and
// destroys its own hosts; a failure does not stop the next. The suite's exit
// code is the first failed scenario's, so a single scenario keeps its own.
import { EXIT } from '../engine/run.js';
import type { ScenarioRef } from './discover.js';
import { runScenario, type ScenarioOptions, type ScenarioResult } from './sequence.js';

export interface SuiteResult {
  exitCode: number;
  results: Array<{ ref: ScenarioRef; result: ScenarioResult }>;
}

export async function runScenarios(refs: readonly ScenarioRef[], options: ScenarioOptions): Promise<SuiteResult> {
  const results: SuiteResult['results'] = [];
  for (const ref of refs) {
    if (options.signal?.aborted) break;
    results.push({ ref, result: await runScenario(ref, options) });
  }
  const failed = results.find(({ result }) => result.exitCode !== EXIT.ok);
  const exitCode = options.signal?.aborted ? EXIT.interrupted : (failed?.result.exitCode ?? EXIT.ok);
  return { exitCode, results };
}

/** The closing lines of a suite of more than one scenario. */
export function suiteSummary(suite: SuiteResult, total: number): string {
  const failed = suite.results.filter(({ result }) => result.exitCode !== EXIT.ok);
  const lines = [`\n${total} scenarios: ${suite.results.length - failed.length} passed, ${failed.length} failed${suite.results.length < total ? `, ${total - suite.results.length} not run` : ''}`];
  for (const { ref, result } of failed) lines.push(`  ${ref.label}: ${result.failedStep ?? 'interrupted'} (exit code ${result.exitCode})`);
  return `${lines.join('\n')}\n`;
}
