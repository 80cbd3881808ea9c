// command: run a program with arguments, with no shell in between. The free
// form is split into words like Ansible does (shlex), and every word reaches
// the host as one quoted word: `$(...)`, `;`, `|`, globs and variables are
// passed to the program as plain text, never interpreted.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { startCommandJob } from './support/async-jobs.js';
import { applyCommandRun, commandRunSchemaProperties, planCommandRun, type CommandRunState } from './support/command-run.js';
import { splitCommandLine } from './support/split-command.js';

export default defineModule({
  name: 'command',
  summary: 'Run a program with arguments on the host, without a shell.',
  changedWhen: 'always when the command runs (use changed_when to refine); never when creates/removes skip it.',
  freeForm: 'cmd',
  paramAliases: { _raw_params: 'cmd' },
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The command line; split into words like a shell would (quotes, backslashes) but never run through one.' },
      argv: {
        type: 'array',
        minItems: 1,
        items: { type: ['string', 'number'] },
        description: 'The command as a list of words, instead of cmd: no splitting at all.',
      },
      executable: { type: 'string', description: "Accepted as Ansible 2.14 does, and ignored with Ansible's warning: command runs no shell (use shell's executable)." },
      ...commandRunSchemaProperties,
    },
  },
  async plan(host, params, ctx) {
    // Ansible 2.14 keeps the parameter for old playbooks and only warns, before any other check.
    if (params.executable !== undefined && params.executable !== '') {
      ctx.warn(`As of Ansible 2.4, the parameter 'executable' is no longer supported with the 'command' module. Not using '${params.executable}'.`);
    }
    const hasCmd = params.cmd !== undefined && params.cmd.trim() !== '';
    if (hasCmd && params.argv !== undefined) throw new ModuleFailure('only command or argv can be given, not both', { rc: 256 });
    if (!hasCmd && params.argv === undefined) throw new ModuleFailure('no command given', { rc: 256 });
    const words = hasCmd ? splitCommandLine(params.cmd!) : params.argv!.map(String);
    if (words.length === 0) throw new ModuleFailure('no command given', { rc: 256 });
    // `env --` makes the first word a program looked up in PATH, as Ansible's
    // execve does: never a shell keyword ('if'), builtin ('exit') or option.
    const command = sh`env -- ${words}`;
    const display = sh`${words}`.display;
    return planCommandRun(host, params, { command, display, cmd: words } satisfies CommandRunState);
  },
  async apply(host, params, plan) {
    return applyCommandRun(host, params, plan);
  },
  startJob: startCommandJob,
});
