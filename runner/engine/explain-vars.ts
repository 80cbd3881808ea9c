// `drover vars HOST [VAR]`: the same layers the engine uses, printed either
// whole (merged) or, for one variable, every layer that sets it, lowest first.
// The magic variables come from the engine's one builder (magic-variables.ts):
// with -p, those a task of the first play that targets HOST sees; without, those
// every template about HOST sees (groups, hostvars, ...), as Ansible's ad hoc commands.
import { resolve } from 'node:path';
import { InputError } from '../errors.js';
import { loadInventory, selectHosts } from '../inventory/index.js';
import { loadPlaybook } from '../playbook/load.js';
import type { Invocation } from './invocation.js';
import type { ModuleRegistry } from '../module-api.js';
import { MagicVariables } from './magic-variables.js';
import { batches } from './play.js';
import { newHostState } from './state.js';
import { hostLayers } from './variables.js';
import { playHostPattern } from './play-hosts.js';
import { createScope } from './templating.js';
import { stringify } from 'yaml';

export async function explainVars(invocation: Invocation & { registry: ModuleRegistry }, host: string, variable?: string): Promise<string> {
  const playbook = invocation.playbook ? await loadPlaybook(invocation.playbook, { registry: invocation.registry }) : undefined;
  const inventory = await loadInventory(invocation.inventory, { playbookDirs: playbook ? [playbook.plays[0]?.baseDir ?? '.'] : [] });
  if (!inventory.hasHost(host)) throw new InputError([{ message: `host '${host}' is not in the inventory (${invocation.inventory.join(', ') || 'none given: use ENV=NAME or -i'})` }]);
  const settings = { check: false, diff: false, forks: 50, verbosity: 0, tags: invocation.tags, extraVars: invocation.extraVars };
  const magic = new MagicVariables({ inventory, settings, inventorySources: invocation.inventory, limit: invocation.limit, playbookDir: playbook?.plays[0]?.baseDir ?? resolve('.'), states: new Map() });
  const targeting = playbook?.plays
    .map((play) => ({ play, hosts: selectHosts(inventory, playHostPattern(play, invocation.extraVars), { limit: invocation.limit }).hosts }))
    .find(({ hosts }) => hosts.includes(host));
  const play = targeting?.play ?? playbook?.plays[0];
  const hostMagic = targeting
    ? magic.play(targeting)(host, batches(targeting.hosts, targeting.play.serial).find((b) => b.includes(host))!)
    : magic.host(host);
  const layers = hostLayers({
    play,
    inventoryLayers: inventory.hostVarLayers(host),
    varsFiles: [],
    state: newHostState(host),
    extraVars: invocation.extraVars,
    magic: hostMagic,
  });
  const all = [...layers.base, ...layers.top];
  const scope = createScope(all);
  if (!variable) {
    const names = [...new Set(all.flatMap((l) => Object.keys(l.vars)))].sort();
    return stringify(Object.fromEntries(names.map((k) => [k, scope.lookup(k)])), { aliasDuplicateObjects: false });
  }
  const defining = all.filter((l) => Object.prototype.hasOwnProperty.call(l.vars, variable));
  if (defining.length === 0) return `${variable} is not defined for ${host}\n`;
  const lines = defining.map((l, i) => `${i === defining.length - 1 ? '=>' : '  '} ${l.source}: ${JSON.stringify(l.vars[variable])}`);
  return `${variable} = ${JSON.stringify(scope.lookup(variable))}\n${lines.join('\n')}\n`;
}
