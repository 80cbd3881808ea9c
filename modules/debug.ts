// debug: print a message or a variable. Never changes anything.
import { defineModule } from '../runner/module-api.js';

export default defineModule({
  name: 'debug',
  summary: 'Print a message or the value of a variable.',
  changedWhen: 'never.',
  controllerOnly: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      msg: { description: 'The message (any value; templated like every parameter).' },
      var: { type: 'string', description: 'A variable name to print, e.g. result.stdout.' },
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Print only when the run has at least this many -v; otherwise the task is skipped, as in Ansible.' },
    },
  },
  async plan(_host, params, ctx) {
    // Ansible's debug action: its words, and a skipped task rather than an ok one.
    if (params.verbosity > ctx.verbosity) return { changes: [], skippedReason: 'Verbosity threshold not met.' };
    if (params.var !== undefined) {
      const found = ctx.lookup(params.var);
      const value = found === undefined ? 'VARIABLE IS NOT DEFINED!' : found;
      return { changes: [], result: { [params.var]: value }, message: `${params.var} = ${shown(value)}`, verboseAlways: true };
    }
    const msg = params.msg ?? 'Hello world!';
    return { changes: [], result: { msg }, message: shown(msg), verboseAlways: true };
  },
});

/** Text as it is; other values as JSON, indented when they span lines. */
function shown(value: unknown): string {
  if (typeof value === 'string') return value;
  const flat = JSON.stringify(value);
  return flat.length <= 100 ? flat : JSON.stringify(value, null, 2);
}
