// `drover vars HOST [VAR]`: the same layers the engine uses, printed either
// whole (merged) or, for one variable, every layer that sets it, lowest first.
import { InputError } from '../errors.js';
import { loadInventory } from '../inventory/index.js';
import { loadPlaybook } from '../playbook/load.js';
import { defaultRegistry } from '../../modules/registry.js';
import type { Invocation } from '../cli-args.js';
import { newHostState } from './state.js';
import { hostLayers } from './variables.js';
import { createScope } from './templating.js';
import { stringify } from 'yaml';

export async function explainVars(invocation: Invocation, host: string, variable?: string): Promise<string> {
  const playbook = invocation.playbook ? await loadPlaybook(invocation.playbook, { registry: defaultRegistry }) : undefined;
  const inventory = await loadInventory(invocation.inventory, { playbookDirs: playbook ? [playbook.plays[0]?.baseDir ?? '.'] : [] });
  if (!inventory.hasHost(host)) throw new InputError([{ message: `host '${host}' is not in the inventory (${invocation.inventory.join(', ') || 'none given: use ENV=NAME or -i'})` }]);
  const layers = hostLayers({
    play: playbook?.plays[0],
    inventoryLayers: inventory.hostVarLayers(host),
    varsFiles: [],
    state: newHostState(host),
    extraVars: invocation.extraVars,
    magic: { inventory_hostname: host, group_names: inventory.groupNames(host) },
  });
  const all = [...layers.base, ...layers.top];
  const scope = createScope(all);
  if (!variable) {
    const merged = Object.assign({}, ...all.map((l) => l.vars)) as Record<string, unknown>;
    return stringify(Object.fromEntries(Object.keys(merged).sort().map((k) => [k, scope.lookup(k)])));
  }
  const defining = all.filter((l) => Object.prototype.hasOwnProperty.call(l.vars, variable));
  if (defining.length === 0) return `${variable} is not defined for ${host}\n`;
  const lines = defining.map((l, i) => `${i === defining.length - 1 ? '=>' : '  '} ${l.source}: ${JSON.stringify(l.vars[variable])}`);
  return `${variable} = ${JSON.stringify(scope.lookup(variable))}\n${lines.join('\n')}\n`;
}
