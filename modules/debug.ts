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
      verbosity: { type: 'integer', minimum: 0, default: 0, description: 'Accepted for compatibility; drover always prints.' },
    },
  },
  async plan(_host, params, ctx) {
    if (params.var !== undefined) {
      const value = ctx.lookup(params.var);
      return { changes: [], result: { [params.var]: value === undefined ? 'VARIABLE IS NOT DEFINED!' : value } };
    }
    return { changes: [], result: { msg: params.msg ?? 'Hello world!' } };
  },
});
