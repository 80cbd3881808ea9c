// group: create, change the gid of, or remove a local group (groupadd,
// groupmod, groupdel), read with one getent query.
import { defineModule } from '../runner/module-api.js';
import { sh, type Command } from '../runner/quote.js';
import { parseAccountQuery } from './support/accounts.js';

export default defineModule({
  name: 'group',
  summary: 'Manage a local group.',
  changedWhen: 'the group was created or removed, or its gid differed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'The group name.' },
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the group should exist.' },
      gid: { type: ['integer', 'string'], pattern: '^[0-9]+$', minimum: 0, description: 'The group id.' },
      system: { type: 'boolean', default: false, description: 'Create a system group (only on creation).' },
      non_unique: { type: 'boolean', default: false, description: 'Allow a gid that another group already has (-o).' },
    },
  },
  async plan(host, params) {
    // Looked up by name only: a numeric name must not be taken for a gid.
    // (awk reads the name from the environment: -v would interpret backslashes in it.)
    const out = await host.check(sh`getent group -- ${params.name} | N=${params.name} awk -F: '$1 == ENVIRON["N"] { print "group\\t" $1 ":" $3 }'`);
    const current = parseAccountQuery(out.stdout).groups[0] ?? null;
    const result = { name: params.name, state: params.state, ...(current ? { gid: current.gid } : {}), system: params.system };
    let command: Command | null = null;
    let change = '';
    if (params.state === 'absent') {
      if (current) [command, change] = [sh`groupdel -- ${params.name}`, `remove group ${params.name}`];
    } else if (!current) {
      const gid = params.gid !== undefined ? ['-g', String(params.gid), ...(params.non_unique ? ['-o'] : [])] : [];
      [command, change] = [sh`groupadd ${gid} ${params.system ? ['-r'] : []} -- ${params.name}`, `create group ${params.name}`];
    } else if (params.gid !== undefined && Number(params.gid) !== current.gid) {
      command = sh`groupmod -g ${String(params.gid)} ${params.non_unique ? ['-o'] : []} -- ${params.name}`;
      change = `gid of group ${params.name}: ${current.gid} -> ${params.gid}`;
    }
    if (!command) return { changes: [], result };
    return { changes: [change], state: command, result };
  },
  async apply(host, params, plan) {
    await host.check(plan.state as Command);
    const out = await host.check(sh`getent group -- ${params.name} | cut -d: -f3`);
    return { result: { ...plan.result, ...(out.stdout.trim() ? { gid: Number(out.stdout.trim()) } : {}) } };
  },
});
