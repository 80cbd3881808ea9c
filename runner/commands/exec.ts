// `drover exec PATTERN -m MODULE -a ARGS`: Ansible's ad-hoc command. It
// builds the play `ansible` builds (lib/ansible/cli/adhoc.py: one task, no
// facts, named "Ansible Ad-Hoc") and runs it through the normal engine, so
// the module, its check mode and its result are those of `drover run`; the
// output is ansible's minimal (or -o oneline) callback, and the exit code
// ansible's (an unreachable host outranks a failed one).
import { Command } from 'commander';
import { InputError } from '../errors.js';
import { defaultRegistry } from '../../modules/registry.js';

import { EXIT, runPlaybook } from '../engine/run.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { AdHocReporter } from '../report/adhoc.js';
import { shouldColor } from '../report/style.js';
import { resolveInvocation } from '../cli-args.js';
import { addHostOptions, addOutputOptions, colorChoice, hostRunSettings, withReporter, type OutputFlags, type TargetFlags } from './options.js';
import { addAuthOptions, resolveAuth, type AuthFlags } from './auth-options.js';
import { withConfigDefaults } from './config-defaults.js';

/** Ansible's MODULE_REQUIRE_ARGS: these refuse to run without -a. */
const REQUIRE_ARGS = new Set(['command', 'shell', 'raw', 'script'].flatMap((m) => [m, `ansible.builtin.${m}`, `ansible.legacy.${m}`]));
/** What the one play is called in messages; Ansible's name for it too. */
const ADHOC_PLAYBOOK = '__adhoc_playbook__';

interface ExecFlags extends Omit<TargetFlags, 'tags' | 'skipTags'>, OutputFlags, AuthFlags {
  moduleName: string;
  args: string;
  check?: boolean;
  oneLine?: boolean;
  listHosts?: boolean;
}

export function execCommand(): Command {
  const exec = new Command('exec')
    .description("Run one module on the hosts of a pattern, as Ansible's `ansible PATTERN -m MODULE -a ARGS` does (same output, same exit codes)")
    .argument('<pattern>', "host pattern, e.g. 'web:&prod'")
    .argument('[words...]', 'ENV=NAME picks inventories/NAME/, GROUP=NAME limits, KEY=VALUE extra variables');
  addHostOptions(exec);
  addOutputOptions(exec);
  addAuthOptions(exec);
  return exec
    .option('-m, --module-name <module>', 'the module to run', 'command')
    .option('-a, --args <args>', "the module's arguments: key=value words (free form for command, shell, raw) or a JSON object", '')
    .option('-C, --check', 'plan only: report what would change, change nothing')
    .option('-o, --one-line', 'one line per host')
    .option('--list-hosts', 'the hosts the pattern matches; run nothing')
    .action(async (pattern: string, words: string[], given: ExecFlags, command: Command) => {
      if (command.getOptionValueSource('output') === 'cli' && given.output !== 'json') {
        throw new InputError([{ message: `drover exec prints ansible's ad-hoc lines (or --json events); --output ${given.output} is for drover run` }]);
      }
      // Ansible reads stdout_callback for ad-hoc only with bin_ansible_callbacks; drover's exec never does.
      const { flags, auth, inventory } = withConfigDefaults({ ...given, output: 'auto', tags: [], skipTags: [] }, command);
      const invocation = resolveInvocation(ADHOC_PLAYBOOK, words, flags);
      if (invocation.inventory.length === 0) invocation.inventory = inventory;
      if (flags.listHosts) {
        const loaded = await loadInventory(invocation.inventory, { playbookDirs: [process.cwd()] });
        const selection = selectHosts(loaded, pattern, { limit: invocation.limit });
        for (const warning of selection.warnings) process.stderr.write(`[WARNING]: ${warning}\n`);
        process.stdout.write(`  hosts (${selection.hosts.length}):\n${selection.hosts.map((h) => `    ${h}\n`).join('')}`);
        return;
      }
      const content = adHocPlay(pattern, flags.moduleName, flags.args);
      const resolvedAuth = await resolveAuth(flags, auth);
      const view = flags.json
        ? undefined
        : new AdHocReporter({ stream: process.stdout, errors: process.stderr, oneLine: Boolean(flags.oneLine), diff: Boolean(flags.diff), verbose: flags.verbose,
          color: shouldColor(colorChoice(flags), process.stdout) });
      process.exitCode = await withReporter(flags, async (reporter, signal) => {
        const summary = await runPlaybook({
          ...invocation,
          playbookContent: content,
          registry: defaultRegistry,
          onEvent: (e) => reporter.handle(e),
          signal,
          ...hostRunSettings(flags, resolvedAuth),
        });
        const unreachable = Object.values(summary.stats).some((s) => s.unreachable > 0);
        return summary.exitCode === EXIT.failed && unreachable ? EXIT.unreachable : summary.exitCode;
      }, view);
    });
}

/** AdHocCLI._play_ds: -a as a JSON object when it is one, else the key=value text the task loader splits as Ansible's parse_kv. */
export function adHocPlay(pattern: string, module: string, args: string): unknown[] {
  if (REQUIRE_ARGS.has(module) && args === '') throw new InputError([{ message: `No argument passed to ${module} module${pattern.endsWith('.yml') ? ' (did you mean to run drover run?)' : ''}` }]);
  if (/^(ansible\.(builtin|legacy)\.)?import_playbook$/.test(module)) throw new InputError([{ message: `'${module}' is not a valid action for ad-hoc commands` }]);
  let moduleArgs: unknown = args === '' ? {} : args;
  if (args.startsWith('{') && args.endsWith('}')) {
    try {
      moduleArgs = JSON.parse(args.trim()) as unknown;
    } catch {
      // Not JSON after all: key=value words, as in Ansible.
    }
  }
  return [{ name: 'Ansible Ad-Hoc', hosts: pattern, gather_facts: false, tasks: [{ [module]: moduleArgs }] }];
}
