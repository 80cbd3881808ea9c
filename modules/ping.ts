// ping: prove that drover can log in to the host and run a command there
// (Ansible's ping proves the same for its Python). Returns {ping: data}.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { sh } from '../runner/quote.js';

export default defineModule({
  name: 'ping',
  summary: 'Check that the host can be reached and runs commands; returns ping: pong.',
  changedWhen: 'never.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      data: { type: 'string', default: 'pong', description: "The value returned as `ping`; 'crash' makes the task fail, as in Ansible." },
    },
  },
  async plan(host, params) {
    await host.check(sh`:`);
    if (params.data === 'crash') throw new ModuleFailure('boom');
    return { changes: [], result: { ping: params.data } };
  },
});
