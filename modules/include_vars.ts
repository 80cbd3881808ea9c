// include_vars: read variables from a YAML file on the controller, as
// Ansible's include_vars action (the file form; the directory form is not
// in the schema, so it is refused at load time). The variables sit at
// include_vars precedence, below set_fact, and are templated when used.
import { defineModule, ModuleFailure } from '../runner/module-api.js';

export default defineModule({
  name: 'include_vars',
  summary: 'Load variables from a YAML file on the controller (searched in the role\'s vars/, then beside the task and the play).',
  changedWhen: 'never (reading variables changes nothing on the host).',
  controllerOnly: true,
  setsIncludedVars: true,
  freeForm: 'file',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['file'],
    properties: {
      file: { type: 'string', description: "The YAML file; a relative name is searched in the role's vars/ and the role, then vars/ beside the task and the play, then beside them." },
      name: { type: 'string', description: 'Put the variables under this one name (a mapping) instead of at the top level.' },
    },
  },
  async plan(_host, params, ctx) {
    const { path, vars } = await ctx.readVarsFile(params.file);
    // As Ansible: a file with nothing in it gives no variables; anything but a mapping is a failure (reported in `message`).
    if (vars !== null && (typeof vars !== 'object' || Array.isArray(vars))) {
      throw new ModuleFailure(`${path} must be stored as a dictionary/hash`, { message: `${path} must be stored as a dictionary/hash`, ansible_included_var_files: [] });
    }
    const loaded = (vars ?? {}) as Record<string, unknown>;
    const facts = params.name === undefined ? loaded : { [params.name]: loaded };
    return { changes: [], facts, result: { ansible_facts: facts, ansible_included_var_files: [path] } };
  },
});
