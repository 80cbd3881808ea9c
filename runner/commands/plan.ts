// `drover plan PLAYBOOK ... -o plan.json`, `drover plan show plan.json` and
// `drover apply plan.json`: a reviewable plan, read as text, then exactly that
// plan applied (refused if the hosts drifted or its files changed).
import { resolve } from 'node:path';
import { Command } from 'commander';
import { resolveInvocation } from '../cli-args.js';
import { EXIT } from '../engine/run.js';
import { InputError } from '../errors.js';
import { defaultRegistry } from '../../modules/registry.js';

import { applyPlan, makePlan, refusalMessage } from '../plan/plan-apply.js';
import { readPlanFile, writePlanFile } from '../plan/plan-file.js';
import { renderPlan } from '../plan/plan-show.js';
import { addOutputOptions, addTargetOptions, withReporter, connectionFlags, type OutputFlags, type TargetFlags } from './options.js';

export function planCommand(): Command {
  const command = new Command('plan')
    .description('Check mode with diff, recorded per host and task to a file to review (`drover plan show FILE`) and later `drover apply` (secrets masked)')
    .argument('<playbook>', 'the playbook YAML file')
    .argument('[words...]', 'ENV=NAME, GROUP=NAME, or KEY=VALUE extra variables')
    .option('-o, --out <file>', 'where to write the plan (JSON); required');
  addTargetOptions(command);
  addOutputOptions(command);
  command.addCommand(planShowCommand());
  return command.action(async (playbook: string, words: string[], flags: TargetFlags & OutputFlags & { out?: string }) => {
    // Not a commander requiredOption: that check would also stop `drover plan show FILE`.
    if (flags.out === undefined) throw new InputError([{ message: "drover plan: the option '-o, --out <file>' is required (where to write the plan)" }]);
    const out = flags.out;
    const invocation = { ...resolveInvocation(playbook, words, flags), forks: flags.forks };
    // A plan is check + diff: show the differences unless asked for JSON events only.
    process.exitCode = await withReporter({ ...flags, diff: true }, async (reporter, signal) => {
      const { plan, exitCode } = await makePlan(invocation, {
        onEvent: (e) => reporter.handle(e),
        signal,
        knownHostsFile: flags.knownHosts,
        acceptNewHostKeys: flags.acceptNewHostKeys,
        connection: connectionFlags(flags),
        registry: defaultRegistry,
        baseDir: process.cwd(),
      });
      if (signal.aborted) return EXIT.interrupted;
      writePlanFile(out, plan);
      process.stderr.write(`plan written to ${out}: review it (drover plan show ${out}), then run: drover apply ${out}\n`);
      return exitCode;
    });
  });
}

function planShowCommand(): Command {
  return new Command('show')
    .description('Show a plan as text: a summary per host, then each change with its diff')
    .argument('<plan>', 'the plan file')
    .option('--host <pattern>', 'only hosts whose name contains this')
    .option('--task <text>', 'only tasks whose name or file:line contains this')
    .option('--no-diff', 'changes without their diffs')
    .action((planPath: string, flags: { host?: string; task?: string; diff: boolean }) => {
      process.stdout.write(renderPlan(readPlanFile(planPath), flags));
    });
}

export function applyCommand(): Command {
  const command = new Command('apply')
    .description('Apply a plan made by `drover plan`, from any directory, refusing if any host no longer matches it or any file it was made from changed')
    .argument('<plan>', 'the plan file');
  addOutputOptions(command);
  return command.action(async (planPath: string, flags: OutputFlags) => {
    const plan = readPlanFile(planPath);
    // Paths given here are the caller's; the plan's own are relative to the directory it was made in.
    const knownHostsFile = flags.knownHosts === undefined ? undefined : resolve(flags.knownHosts);
    const log = typeof flags.log === 'string' ? resolve(flags.log) : flags.log;
    const connection = connectionFlags({ ...flags, privateKey: flags.privateKey === undefined ? undefined : resolve(flags.privateKey) });
    process.chdir(plan.baseDir);
    process.exitCode = await withReporter({ ...flags, log }, async (reporter, signal) => {
      const outcome = await applyPlan(plan, { onEvent: (e) => reporter.handle(e), signal, diff: flags.diff, knownHostsFile, acceptNewHostKeys: flags.acceptNewHostKeys, connection, registry: defaultRegistry });
      if (outcome.refused === undefined) return outcome.exitCode;
      process.stderr.write(`ERROR! ${refusalMessage(planPath, outcome)}\n`);
      return EXIT.planStale;
    });
  });
}
