// set_fact: set host variables for the rest of the run (above play vars).
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { setOwn } from '../runner/template/values.js';

export default defineModule({
  name: 'set_fact',
  summary: 'Set variables on the host for the rest of the run.',
  changedWhen: 'never (setting a variable changes nothing on the host).',
  controllerOnly: true,
  schema: {
    type: 'object',
    additionalProperties: true,
    properties: {
      cacheable: { type: 'boolean', default: false, description: 'The variables are host facts too: in ansible_facts, and kept by the fact cache (fact_caching) for later runs.' },
    },
  },
  async plan(_host, params, ctx) {
    const { cacheable, ...given } = params;
    if (Object.keys(given).length === 0) throw new ModuleFailure('No key/value pairs provided, at least one is required for this action to succeed');
    const facts: Record<string, unknown> = {};
    for (const [written, v] of Object.entries(given)) {
      // As Ansible's action: names are templates too (`set_fact: "{{ item.key }}={{ item.value }}"`).
      const name = written.includes('{{') || written.includes('{%') ? ctx.renderTemplate(written, `set_fact name ${written}`) : written;
      if (!/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) {
        throw new ModuleFailure(`The variable name '${name}' is not valid. Variables must start with a letter or underscore character, and contain only letters, numbers and underscores.`);
      }
      // As Ansible's set_fact (without jinja2_native): the strings true/false/yes/no, in any case, become booleans.
      setOwn(facts, name, typeof v === 'string' && /^(true|false|yes|no)$/i.test(v) ? /^(true|yes)$/i.test(v) : v);
    }
    return { changes: [], facts, ...(cacheable ? { cacheableFacts: facts } : {}), result: { ansible_facts: facts } };
  },
});
