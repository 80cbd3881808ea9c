// Variable layers for one host in one play, lowest precedence first:
//   role defaults < inventory (all < parent groups < child groups < host) <
//   facts < play vars < vars_files < role vars < block/task vars <
//   include_vars < registered / set_fact < extra vars < magic variables.
// `drover vars HOST VAR` prints these same layers.
import type { Play, RoleContext } from '../playbook/types.js';
import type { HostState } from './state.js';
import type { VarLayer } from './templating.js';
import { namespacedFacts } from './fact-cache.js';

export interface HostLayers {
  /** Below task layers. */
  base: VarLayer[];
  /** Above task layers. */
  top: VarLayer[];
}

export interface LayerInputs {
  play?: Play;
  /** The roles whose defaults and vars are visible (the play's, else play.roles). */
  roles?: readonly RoleContext[];
  inventoryLayers: VarLayer[];
  varsFiles: VarLayer[];
  state: HostState;
  extraVars: Record<string, unknown>;
  magic: Record<string, unknown>;
  /** inject_facts_as_vars (default true): each fact also as an ansible_* variable of its own. */
  injectFactsAsVars?: boolean;
}

export function hostLayers(input: LayerInputs): HostLayers {
  const play = input.play;
  const roles = input.roles ?? play?.roles ?? [];
  const facts = input.state.facts;
  const base: VarLayer[] = [
    ...roles.map((r) => ({ source: `role ${r.name} defaults`, vars: r.defaults })),
    ...input.inventoryLayers,
    // Text that came from a host is data, never a template: these layers are verbatim.
    { source: 'facts', vars: factVariables(facts, input.injectFactsAsVars ?? true), verbatim: true },
    ...(play ? [{ source: `play '${play.name}' vars`, vars: play.vars }] : []),
    ...input.varsFiles,
    ...roles.map((r) => ({ source: `role ${r.name} vars`, vars: r.vars })),
  ];
  const top: VarLayer[] = [
    // Read from controller files, so templates in them are rendered when used (Ansible's vars cache).
    { source: 'include_vars', vars: input.state.includedVars },
    { source: 'registered and set_fact', vars: input.state.hostVars, verbatim: true },
    { source: 'extra vars (-e, KEY=VALUE)', vars: input.extraVars },
    // Computed by the engine, never templates; hostvars renders each host's values in its own scope.
    { source: 'magic variables', vars: input.magic, verbatim: true },
  ];
  return { base, top };
}

/**
 * ansible_facts (the facts without their ansible_ prefix), and each fact as a variable of its own under its own name:
 * ansible_os_family and so on (Ansible's inject_facts_as_vars). Without injection only ansible_local is promoted,
 * as Ansible's VariableManager always does.
 */
function factVariables(facts: Record<string, unknown>, inject: boolean): Record<string, unknown> {
  if (!inject) return { ansible_facts: namespacedFacts(facts), ansible_local: facts.ansible_local ?? {} };
  if (Object.keys(facts).length === 0) return {};
  return { ansible_facts: namespacedFacts(facts), ...facts };
}
