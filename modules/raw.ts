// raw: send a command line to the host as it is, like Ansible's raw (which
// hands it to the login shell over ssh): no module wrapper, no splitting.
// Running that text IS the user's intent; with `executable` it is given to
// that shell as one quoted word (`executable -c LINE`), as Ansible does.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { raw, sh } from '../runner/quote.js';
import { splitLines } from './support/command-run.js';

export default defineModule({
  name: 'raw',
  summary: 'Run a command line on the host as it is, through the login shell (or executable).',
  changedWhen: 'always when it runs (use changed_when to refine).',
  freeForm: 'free_form',
  paramAliases: { _raw_params: 'free_form' },
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['free_form'],
    properties: {
      free_form: { type: 'string', minLength: 1, description: 'The command line, sent to the host unchanged.' },
      executable: { type: 'string', minLength: 1, description: 'A shell (absolute path) that runs the line as `executable -c LINE`.' },
    },
  },
  async plan(_host, params) {
    return { changes: [`would run: ${params.free_form}`], result: { rc: null, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [] } };
  },
  async apply(host, params) {
    const command = params.executable === undefined ? sh`${raw(params.free_form)}` : sh`${params.executable} -c ${params.free_form}`;
    const out = await host.run(command);
    const result = { rc: out.rc, stdout: out.stdout, stderr: out.stderr, stdout_lines: splitLines(out.stdout), stderr_lines: splitLines(out.stderr) };
    if (out.rc !== 0) throw new ModuleFailure('non-zero return code', result);
    return { result, changed: true };
  },
});
