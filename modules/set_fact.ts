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
    const { cacheable: _cacheable, ...given } = params;
    void _cacheable;
    // As Ansible's set_fact (without jinja2_native): the strings true/false/yes/no, in any case, become booleans.
    const facts = Object.fromEntries(Object.entries(given).map(([k, v]) => [k, typeof v === 'string' && /^(true|false|yes|no)$/i.test(v) ? /^(true|yes)$/i.test(v) : v]));
    return { changes: [], facts, result: { ansible_facts: facts } };
  },
});
