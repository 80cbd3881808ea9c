#!/usr/bin/env node
// The thin command line: parse flags and make-style KEY=VALUE words, call the
// library, hand events to a reporter, set the exit code. Nothing else.
import { Command } from 'commander';
import { InputError } from './errors.js';
import { EXIT, runPlaybook } from './engine/run.js';
import { addOutputOptions, addTargetOptions, collect, connectionFlags, hostRunSettings, withReporter, type OutputFlags, type TargetFlags } from './commands/options.js';
import { applyCommand, planCommand } from './commands/plan.js';
import { testCommand } from './commands/test.js';
import { reportCommand } from './commands/report.js';
import { galaxyCommand } from './commands/galaxy.js';
import { inventoryCommand } from './commands/inventory.js';
import { execCommand } from './commands/exec.js';
import { compatCommand } from './commands/compat.js';
import { resolveInvocation } from './cli-args.js';
import type { Invocation } from './engine/invocation.js';
import { explainVars } from './engine/explain-vars.js';
import { listPlaybook, type Listing } from './engine/listing.js';
import { defaultRegistry } from '../modules/registry.js';
import { playbookSchema, taskFileSchema } from './docs/playbook-schema.js';
import { moduleDoc, moduleList } from './docs/module-doc.js';
import { inventorySchema, varsFileSchema } from './docs/inventory-schema.js';
import type { StepAnswer } from './engine/task-gate.js';
import { createInterface } from 'node:readline';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from './paths.js';
import { addVaultKeyOptions, maskVaultSecrets, vaultCommand } from './commands/vault.js';
import { addAuthOptions, resolveAuth, type AuthFlags } from './commands/auth-options.js';
import { withConfigDefaults } from './commands/config-defaults.js';
import type { BecomeDefaults } from './engine/runtime.js';
import { addScaleRunOptions, runsCommand, scaleRun, workerCommand } from './commands/scale.js';
import type { RunJobSettings } from './scale/controller.js';
import type { RedisFlags } from './scale/redis-options.js';
import { askVarAtTerminal } from './commands/tty-secret.js';

export function buildProgram(): Command {
  const program = new Command('drover').description('Agentless playbook runner: converge hosts over SSH, with check mode and diff for every module.');
  program.showHelpAfterError();
  program.version(versionText(), '--version', 'drover\'s version, and the Ansible it follows');
  addVaultKeyOptions(program);
  program.addCommand(vaultCommand());

  const run = program
    .command('run')
    .description('Run a playbook. Words KEY=VALUE after it: ENV=NAME picks inventories/NAME/, GROUP=NAME limits to a group, others are extra vars.')
    .argument('[playbook]', 'the playbook YAML file')
    .argument('[words...]', 'ENV=NAME, GROUP=NAME, or KEY=VALUE extra variables');
  addTargetOptions(run);
  addOutputOptions(run);
  addAuthOptions(run);
  addScaleRunOptions(run);
  run
    .option('-C, --check', 'plan only: report what would change, change nothing')
    .option('--start-at-task <name>', 'skip tasks before the first one with this name (* globs allowed)')
    .option('--step', 'ask before each task: (y)es, (n)o, (c)ontinue without asking')
    .option('--syntax-check', 'load and validate everything, contact no host')
    .option('--list-hosts', 'the hosts each play would run on')
    .option('--list-tasks', 'the tasks each play would run (after --tags/--skip-tags)')
    .option('--list-tags', 'the tags of the tasks each play would run')
    .option('--flush-pending-handlers', 'first run the handlers that an earlier failed or interrupted run notified but never ran')
    .option('--flush-cache', "first remove the inventory's hosts from the fact cache (fact_caching)")
    .action(async (playbook: string | undefined, words: string[], given: RunFlags, command: Command) => {
      // ansible.cfg and ANSIBLE_* fill what the flags leave unset (runner/commands/config-defaults.ts).
      const { flags, auth, inventory } = withConfigDefaults(given, command);
      if (flags.redis === undefined && (flags.attach !== undefined || playbook === undefined)) {
        throw new InputError([{ message: playbook === undefined && flags.attach === undefined ? 'drover run needs a playbook' : '--attach follows a run queued on Redis: give --redis URL too' }]);
      }
      if (playbook === undefined) {
        const { become, connectionPassword } = await resolveAuth(flags, auth);
        process.exitCode = await scaleRun(undefined, { ...command.optsWithGlobals(), ...flags }, { become, connectionPassword }, jobSettings(flags, become));
        return;
      }
      const invocation = resolveInvocation(playbook, words, flags);
      if (invocation.inventory.length === 0) invocation.inventory = inventory;
      const listings = listingsAsked(flags);
      if (listings.length > 0) {
        process.stdout.write(await listPlaybook(listings, { ...invocation, registry: defaultRegistry }));
        return;
      }
      // Passwords are asked once, before any host is contacted, as ansible-playbook does.
      const { become, connectionPassword } = await resolveAuth(flags, auth);
      if (flags.redis !== undefined) {
        process.exitCode = await scaleRun(invocation, { ...command.optsWithGlobals(), ...flags }, { become, connectionPassword }, jobSettings(flags, become));
        return;
      }
      process.exitCode = await runCommand(invocation, flags, { become, connectionPassword });
    });

  program
    .command('vars')
    .description('Show a host\'s variables, or where one variable\'s value comes from')
    .argument('<host>')
    .argument('[variable]')
    .argument('[words...]', 'ENV=NAME or KEY=VALUE extra variables')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect, [])
    .option('-p, --playbook <file>', 'also show the variables of the first play that targets the host')
    .option('-l, --limit <pattern>', 'the --limit of the run to explain (ansible_limit, the play\'s hosts)')
    .option('-e, --extra-vars <vars>', 'extra variables', collect, [])
    .action(async (host: string, variable: string | undefined, words: string[], flags: VarsFlags) => {
      // `drover vars web01 ENV=dev`: a KEY=VALUE word in the variable slot is a word, not a variable name.
      if (variable?.includes('=')) [variable, words] = [undefined, [variable, ...words]];
      const invocation = resolveInvocation(flags.playbook ?? '', words, { ...flags, tags: [], skipTags: [] });
      process.stdout.write(await explainVars({ ...invocation, registry: defaultRegistry }, host, variable));
    });

  program
    .command('schema')
    .description('Print the JSON Schema of a playbook, task file, inventory or vars file (for editors: docs/editor.md)')
    .option('--tasks', 'the schema of a task file (roles/NAME/tasks/*.yml) instead')
    .option('--handlers', 'the schema of a handlers file (roles/NAME/handlers/*.yml) instead')
    .option('--inventory', 'the schema of a YAML inventory (inventories/ENV/hosts.yml) instead')
    .option('--vars', 'the schema of a group_vars / host_vars file instead')
    .action((flags: { tasks?: boolean; handlers?: boolean; inventory?: boolean; vars?: boolean }) => {
      const schema = flags.inventory
        ? inventorySchema()
        : flags.vars
          ? varsFileSchema()
          : flags.tasks || flags.handlers
            ? taskFileSchema(defaultRegistry, { handlers: flags.handlers })
            : playbookSchema(defaultRegistry);
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });

  program
    .command('doc')
    .description("Show a module's parameters, or list every module")
    .argument('[module]', 'a module name (copy, ansible.builtin.file, ...)')
    .option('-l, --list', 'every module with its summary')
    .action((name: string | undefined, flags: { list?: boolean }) => {
      if (flags.list || name === undefined) {
        process.stdout.write(moduleList(defaultRegistry));
        return;
      }
      const module = defaultRegistry.find(name);
      if (!module) throw new InputError([{ message: `unknown module '${name}'; did you mean '${defaultRegistry.suggest(name)}'? (drover doc --list shows every module)` }]);
      process.stdout.write(moduleDoc(module));
    });
  program.addCommand(planCommand());
  program.addCommand(applyCommand());
  program.addCommand(testCommand());
  program.addCommand(reportCommand());
  program.addCommand(galaxyCommand());
  program.addCommand(inventoryCommand());
  program.addCommand(workerCommand());
  program.addCommand(runsCommand());
  program.addCommand(execCommand());
  program.addCommand(compatCommand());
  return program;
}

function listingsAsked(flags: RunFlags): Listing[] {
  const asked: [boolean | undefined, Listing][] = [
    [flags.syntaxCheck, 'syntax'],
    [flags.listHosts, 'hosts'],
    [flags.listTasks, 'tasks'],
    [flags.listTags, 'tags'],
  ];
  return asked.filter(([on]) => on).map(([, what]) => what);
}

/** What every worker runs its slice with: this command line's settings, without its passwords. */
function jobSettings(flags: RunFlags, become: BecomeDefaults): RunJobSettings {
  const { password: _password, ...becomeWithoutPassword } = become;
  return {
    check: flags.check ?? false,
    diff: flags.diff ?? false,
    forks: flags.forks,
    verbosity: flags.verbose,
    injectFactsAsVars: flags.injectFactsAsVars,
    startAtTask: flags.startAtTask,
    connection: connectionFlags(flags),
    knownHostsFile: flags.knownHosts,
    acceptNewHostKeys: flags.acceptNewHostKeys,
    become: becomeWithoutPassword,
  };
}

interface RunFlags extends TargetFlags, OutputFlags, AuthFlags, Partial<RedisFlags> {
  sliceSize: number;
  attach?: string;
  flushPendingHandlers?: boolean;
  flushCache?: boolean;
  check?: boolean;
  startAtTask?: string;
  step?: boolean;
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
}

interface VarsFlags {
  inventory: string[];
  limit?: string;
  playbook?: string;
  extraVars: string[];
}

async function runCommand(invocation: Invocation, flags: RunFlags, auth: { become: BecomeDefaults; connectionPassword?: string }): Promise<number> {
  try {
    return await withReporter(flags, async (reporter, signal) => {
      const summary = await runPlaybook({
        ...invocation,
        registry: defaultRegistry,
        onEvent: (e) => reporter.handle(e),
        signal,
        ...hostRunSettings(flags, auth),
        gate: { startAtTask: flags.startAtTask, askStep: flags.step ? askStep : undefined },
        flushPendingHandlers: flags.flushPendingHandlers,
        flushCache: flags.flushCache,
        retryFiles: flags.retryFiles,
        // Ansible asks only when stdin is a terminal (display.do_var_prompt).
        askVar: process.stdin.isTTY ? askVarAtTerminal : undefined,
      });
      return summary.exitCode;
    });
  } finally {
    stdinReader?.close();
  }
}

/** --step's question, Ansible's wording; answers are read line by line from stdin. */
async function askStep(taskName: string): Promise<StepAnswer> {
  process.stderr.write(`Perform task: ${taskName} (N)o/(y)es/(c)ontinue: `);
  const answer = (await nextStdinLine()).trim().toLowerCase();
  return answer.startsWith('y') ? 'yes' : answer.startsWith('c') ? 'continue' : 'no';
}

let stdinReader: ReturnType<typeof createInterface> | undefined;
let stdinLines: AsyncIterator<string> | undefined;
async function nextStdinLine(): Promise<string> {
  stdinReader ??= createInterface({ input: process.stdin });
  stdinLines ??= stdinReader[Symbol.asyncIterator]();
  const next = await stdinLines.next();
  return next.done ? '' : next.value;
}

/** Set by scripts/bundle.mjs in the one-file bundle, which has no package.json beside it. */
declare const __DROVER_VERSION__: string | undefined;

function versionText(): string {
  const version =
    typeof __DROVER_VERSION__ === 'string' ? __DROVER_VERSION__ : (JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return `drover ${version}\n  targets compatibility with ansible-core 2.14 (playbooks, inventories, ansible_* variables, ssh_config)`;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof InputError) {
      process.stderr.write(`ERROR! ${maskVaultSecrets(error.message)}\n`);
      process.exitCode = EXIT.invalidInput;
      return;
    }
    process.stderr.write(`drover: internal error (please report it with the command you ran):\n${maskVaultSecrets((error as Error).stack ?? String(error))}\n`);
    process.exitCode = EXIT.internal;
  }
}

await main(process.argv);
