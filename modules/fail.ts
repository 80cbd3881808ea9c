// fail: stop the host with a message (usually under `when`).
import { defineModule, ModuleFailure } from '../runner/module-api.js';

export default defineModule({
  name: 'fail',
  summary: 'Fail the host with a message.',
  changedWhen: 'never.',
  controllerOnly: true,
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: { msg: { type: 'string', default: 'Failed as requested from task', description: 'The failure message.' } },
  },
  async plan(_host, params) {
    throw new ModuleFailure(params.msg);
  },
});
