// shell: run a command line through a shell. Running shell syntax IS the
// user's intent here; the line still reaches the host as ONE quoted word given
// to `sh -c`, so drover itself never splices values into shell text.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';
import { startCommandJob } from './support/async-jobs.js';
import { applyCommandRun, commandRunSchemaProperties, planCommandRun, type CommandRunState } from './support/command-run.js';

export default defineModule({
  name: 'shell',
  summary: 'Run a command line through a shell (/bin/sh by default) on the host.',
  changedWhen: 'always when the command runs (use changed_when to refine); never when creates/removes skip it.',
  freeForm: 'cmd',
  paramAliases: { _raw_params: 'cmd' },
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      cmd: { type: 'string', description: 'The command line, run by the shell with pipes, redirections and variables.' },
      executable: { type: 'string', minLength: 1, description: 'The shell to run it with (absolute path), default /bin/sh.' },
      ...commandRunSchemaProperties,
    },
  },
  async plan(host, params) {
    if (params.cmd === undefined || params.cmd.trim() === '') throw new ModuleFailure('no command given', { rc: 256 });
    // `--` ends the shell's options: a line starting with '-' is a command, not a flag.
    const command = sh`${params.executable ?? '/bin/sh'} -c -- ${params.cmd}`;
    return planCommandRun(host, params, { command, display: params.cmd, cmd: params.cmd } satisfies CommandRunState);
  },
  async apply(host, params, plan) {
    return applyCommandRun(host, params, plan);
  },
  startJob: startCommandJob,
});
