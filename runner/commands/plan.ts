// `drover plan PLAYBOOK ... -o plan.json` and `drover apply plan.json`: a
// reviewable plan, then exactly that plan applied (refused if the hosts drifted).
import { Command } from 'commander';
import { resolveInvocation } from '../cli-args.js';
import { EXIT } from '../engine/run.js';
import { applyPlan, makePlan, refusalMessage } from '../plan/plan-apply.js';
import { readPlanFile, writePlanFile } from '../plan/plan-file.js';
import { addOutputOptions, addTargetOptions, withReporter, type OutputFlags, type TargetFlags } from './options.js';

export function planCommand(): Command {
  const command = new Command('plan')
    .description('Check mode with diff, recorded per host and task to a file to review and later `drover apply` (secrets masked)')
    .argument('<playbook>', 'the playbook YAML file')
    .argument('[words...]', 'ENV=NAME, GROUP=NAME, or KEY=VALUE extra variables')
    .requiredOption('-o, --out <file>', 'where to write the plan (JSON)');
  addTargetOptions(command);
  addOutputOptions(command);
  return command.action(async (playbook: string, words: string[], flags: TargetFlags & OutputFlags & { out: string }) => {
    const invocation = { ...resolveInvocation(playbook, words, flags), forks: flags.forks };
    // A plan is check + diff: show the differences unless asked for JSON events only.
    process.exitCode = await withReporter({ ...flags, diff: true }, async (reporter, signal) => {
      const { plan, exitCode } = await makePlan(invocation, { onEvent: (e) => reporter.handle(e), signal, knownHostsFile: flags.knownHosts, acceptNewHostKeys: flags.acceptNewHostKeys });
      if (signal.aborted) return EXIT.interrupted;
      writePlanFile(flags.out, plan);
      process.stderr.write(`plan written to ${flags.out}: review it, then run: drover apply ${flags.out}\n`);
      return exitCode;
    });
  });
}

export function applyCommand(): Command {
  const command = new Command('apply')
    .description('Apply a plan made by `drover plan`, refusing if any host no longer matches it')
    .argument('<plan>', 'the plan file');
  addOutputOptions(command);
  return command.action(async (planPath: string, flags: OutputFlags) => {
    const plan = readPlanFile(planPath);
    process.exitCode = await withReporter(flags, async (reporter, signal) => {
      const outcome = await applyPlan(plan, { onEvent: (e) => reporter.handle(e), signal, diff: flags.diff, knownHostsFile: flags.knownHosts, acceptNewHostKeys: flags.acceptNewHostKeys });
      if (outcome.refused === undefined) return outcome.exitCode;
      process.stderr.write(`ERROR! ${refusalMessage(planPath, outcome)}\n`);
      return EXIT.planStale;
    });
  });
}
