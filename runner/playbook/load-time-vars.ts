// The names an import's templated file or role name may use. Imports are read
// when the playbook loads, before any host exists, so Ansible templates them
// with what it knows then (helpers.py: variable_manager.get_vars(play, task),
// playbook_include.py: the import's vars and the extra vars): role defaults,
// the play's vars (an imported play without vars of its own sees its
// import_playbook's), role vars, the task's vars and the extra vars. Inventory
// variables and facts are not there, and a name using one is refused at load.
import { Scope, renderValue, type Layer } from '../template/index.js';
import type { RoleContext } from './types.js';

/** What is known of the variables when the playbook loads. */
export interface LoadTimeVars {
  play: Record<string, unknown>;
  extra: Record<string, unknown>;
}

export const NO_LOAD_TIME_VARS: LoadTimeVars = { play: {}, extra: {} };

/** `text` rendered with the load-time variables (lowest precedence first, as Ansible's); throws on an undefined name. */
export function renderAtLoad(text: string, vars: LoadTimeVars, where: { role?: RoleContext; taskVars?: unknown } = {}): string {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  const layers: Layer[] = [];
  if (where.role) layers.push({ source: `role '${where.role.name}' defaults`, vars: where.role.defaults });
  layers.push({ source: 'play vars', vars: vars.play });
  if (where.role) layers.push({ source: `role '${where.role.name}' vars`, vars: where.role.vars });
  if (isMapping(where.taskVars)) layers.push({ source: 'task vars', vars: where.taskVars });
  layers.push({ source: 'extra vars (-e)', vars: vars.extra });
  return String(renderValue(text, new Scope(layers)));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
