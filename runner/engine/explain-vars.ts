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
import { Document, type Scalar, type YAMLMap } from 'yaml';
import { TemplateError } from '../template/index.js';
import { maskVaultSecrets } from '../vault/secrets.js';

export async function explainVars(invocation: Invocation & { registry: ModuleRegistry }, host: string, variable?: string): Promise<string> {
  const playbook = invocation.playbook ? await loadPlaybook(invocation.playbook, { registry: invocation.registry, extraVars: invocation.extraVars }) : undefined;
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
  // A value that needs what only a run has (facts, a role's defaults, a registered result) cannot be
  // rendered here: it is shown as written, with the reason, never as a crash.
  const render = (name: string): { value: unknown } | { written: unknown; reason: string } => {
    try {
      return { value: masked(scope.lookup(name)) };
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const written = all.findLast((l) => Object.prototype.hasOwnProperty.call(l.vars, name))?.vars[name];
      return { written: masked(written), reason: maskVaultSecrets(error.message.split('\n')[0]!) };
    }
  };
  if (!variable) {
    const names = [...new Set(all.flatMap((l) => Object.keys(l.vars)))].sort();
    const rendered = names.map((k) => [k, render(k)] as const);
    const doc = new Document(Object.fromEntries(rendered.map(([k, r]) => [k, 'value' in r ? r.value : r.written])), { aliasDuplicateObjects: false });
    const pairs = (doc.contents as YAMLMap<Scalar<string>>).items;
    for (const [k, r] of rendered) {
      if ('reason' in r) pairs.find((p) => p.key.value === k)!.key.commentBefore = ` not rendered, shown as written: ${r.reason}`;
    }
    return doc.toString();
  }
  const defining = all.filter((l) => Object.prototype.hasOwnProperty.call(l.vars, variable));
  if (defining.length === 0) return `${variable} is not defined for ${host}\n`;
  const lines = defining.map((l, i) => `${i === defining.length - 1 ? '=>' : '  '} ${l.source}: ${JSON.stringify(masked(l.vars[variable]))}`);
  const result = render(variable);
  const head = 'value' in result ? `${variable} = ${JSON.stringify(result.value)}` : `${variable} cannot be rendered: ${result.reason}`;
  return `${head}\n${lines.join('\n')}\n`;
}

/** Vault values print masked, as everywhere drover prints (ansible-inventory prints their ciphertext); values stay values, so the listing stays YAML. */
function masked(value: unknown): unknown {
  if (typeof value === 'string') return maskVaultSecrets(value);
  if (Array.isArray(value)) return value.map(masked);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, masked(v)]));
  return value;
}
