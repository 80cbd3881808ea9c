// `drover compat DIR`: the migration report a team runs first on an existing
// Ansible repository. It contacts no host; it loads everything with the code a
// run loads it with (runner/compat/check.ts) and exits 0 only when all of it loads.
import { Command } from 'commander';
import { EXIT } from '../engine/run.js';
import { checkProject } from '../compat/check.js';
import { compatReport, formatCompatReport } from '../compat/report.js';
import { maskVaultSecrets } from './vault.js';
import { defaultRegistry } from '../../modules/registry.js';
import type { CommandOptions, ToolOptions } from '../compat/scripts.js';

/** What `ansible-playbook` and `ansible` lines in scripts become: drover run and drover exec, with the options they declare (and the global ones). */
function toolOptions(program: Command): ToolOptions {
  const optionsOf = (name: string): CommandOptions => {
    const command = program.commands.find((c) => c.name() === name)!;
    const options = [...program.options, ...command.options].map((o) => ({ names: [o.short, o.long].filter((n): n is string => n !== undefined), takesValue: o.required || o.optional }));
    return { drover: `drover ${name}`, options: [...options, { names: ['-h', '--help'], takesValue: false }] };
  };
  return { 'ansible-playbook': optionsOf('run'), ansible: optionsOf('exec') };
}

export function compatCommand(): Command {
  return new Command('compat')
    .description('Load every playbook, role, task file, template, inventory and the ansible.cfg of an Ansible repository as a run would (contacting no host); list what drover does not support, grouped by kind, with file:line:col and what to use instead. Exit 0 only when everything loads.')
    .argument('[dir]', 'the repository (default: the current directory)', '.')
    .option('--json', 'the report as JSON, for CI')
    .action(async (dir: string, flags: { json?: boolean }, command: Command) => {
      const report = compatReport(await checkProject(dir, { registry: defaultRegistry, tools: toolOptions(command.parent!) }));
      const text = flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatCompatReport(report);
      process.stdout.write(maskVaultSecrets(text));
      process.exitCode = report.ok ? EXIT.ok : EXIT.invalidInput;
    });
}
