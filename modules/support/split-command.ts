// A command line as Ansible's command module splits it (shlex, no comments),
// with a splitting error reported as the task's failure.
import { ModuleFailure } from '../../runner/module-api.js';
import { ShlexError, shlexSplit } from '../../runner/shlex.js';

export function splitCommandLine(text: string): string[] {
  try {
    return shlexSplit(text);
  } catch (error) {
    if (error instanceof ShlexError) throw new ModuleFailure(`cannot split the command line ${JSON.stringify(text)}: ${error.message}`);
    throw error;
  }
}
