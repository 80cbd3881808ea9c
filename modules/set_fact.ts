// set_fact: set host variables for the rest of the run (above play vars).
import { defineModule } from '../runner/module-api.js';

export default defineModule({
  name: 'set_fact',
  summary: 'Set variables on the host for the rest of the run.',
  changedWhen: 'never (setting a variable changes nothing on the host).',
  controllerOnly: true,
  schema: {
    type: 'object',
    additionalProperties: true,
    properties: {
      cacheable: { type: 'boolean', default: false, description: 'Accepted for compatibility; drover keeps no fact cache between runs.' },
    },
  },
  async plan(_host, params) {
    const { cacheable: _cacheable, ...facts } = params;
    void _cacheable;
    return { changes: [], facts, result: { ansible_facts: facts } };
  },
});
