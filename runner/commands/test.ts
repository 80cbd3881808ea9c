// `drover test`: Molecule-style scenarios on disposable hosts. Thin: resolve
// which scenarios, run them through the library (runner/scenario/), hand the
// events to a reporter, set the exit code. With --keep, stay up until Ctrl-C
// or SIGTERM, then destroy (namespace hosts cannot outlive this process).
import { Command, Option } from 'commander';
import { InputError } from '../errors.js';
import { defaultRegistry } from '../../modules/registry.js';

import { resolveScenarios } from '../scenario/discover.js';
import { createScenarioReporter } from '../scenario/report.js';
import { runScenario } from '../scenario/sequence.js';
import { runScenarios, suiteSummary } from '../scenario/suite.js';

interface TestFlags {
  scenario?: string;
  all?: boolean;
  keep?: boolean;
  output: 'auto' | 'plain' | 'listr';
  verbose: number;
  color: boolean;
}

export function testCommand(): Command {
  return new Command('test')
    .description('Run Molecule-style scenarios (roles/NAME/tests/SCENARIO/, playbooks/tests/SCENARIO/) on disposable hosts: syntax, create, prepare, converge, idempotence, side_effect, verify, destroy')
    .argument('[target]', 'a role directory, a playbook, or a scenario directory (with --all: the project directory, default .)')
    .option('-s, --scenario <name>', "which of the role's scenarios (default: default; for a playbook: the scenario named after it)")
    .option('--all', 'every scenario under roles/*/tests/ and playbooks/tests/')
    .option('--keep', 'do not destroy the hosts; print how to reach them and wait for Ctrl-C')
    .addOption(new Option('--output <format>', 'auto, plain or listr').choices(['auto', 'plain', 'listr']).default('auto'))
    .option('-v, --verbose', "also show each playbook's output (repeat for more)", (_v, n: number) => n + 1, 0)
    .option('--no-color', 'no ANSI colours')
    .action(async (target: string | undefined, flags: TestFlags) => {
      process.exitCode = await testAction(target, flags);
    });
}

async function testAction(target: string | undefined, flags: TestFlags): Promise<number> {
  if (flags.keep && flags.all) throw new InputError([{ message: '--keep keeps the hosts of one scenario; it cannot be combined with --all' }]);
  const refs = resolveScenarios(target, { scenario: flags.scenario, all: flags.all });
  const reporter = createScenarioReporter({ format: flags.output, verbose: flags.verbose, color: flags.color === false ? false : undefined });
  const abort = new AbortController();
  // First Ctrl-C: finish the running step, skip the rest, destroy. Second: leave at once (the hosts die with us).
  const onSigint = () => (abort.signal.aborted ? process.exit(130) : abort.abort());
  process.on('SIGINT', onSigint);
  try {
    const options = { onEvent: (e: Parameters<typeof reporter.handle>[0]) => reporter.handle(e), keep: flags.keep, signal: abort.signal, registry: defaultRegistry };
    if (refs.length > 1 || flags.all) {
      const suite = await runScenarios(refs, options);
      await reporter.close();
      process.stdout.write(suiteSummary(suite, refs.length));
      return suite.exitCode;
    }
    const result = await runScenario(refs[0]!, options);
    await reporter.close();
    if (result.kept) {
      process.off('SIGINT', onSigint);
      await untilStopped();
      await result.kept.destroy();
      process.stdout.write('Kept hosts destroyed.\n');
    }
    return result.exitCode;
  } finally {
    await reporter.close();
    process.off('SIGINT', onSigint);
  }
}

/** Resolves on the first SIGINT or SIGTERM. */
function untilStopped(): Promise<void> {
  return new Promise((resolve) => {
    // Signal listeners do not keep Node running, and the hosts' processes are unref'd: hold the event loop open.
    const alive = setInterval(() => undefined, 60_000);
    const done = () => {
      clearInterval(alive);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}
