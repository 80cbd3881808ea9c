// Ansible's magic variables, built in one place for a task's scope, for
// `hostvars[other]` and for `drover vars`, so the three show the same names
// and values. What every host shares (groups, hostvars, the play's host
// lists) is built once per run or play, and only when a template reads it: a
// host costs a few properties, not a copy of the inventory (10,000 hosts each
// building every other host's view made a run quadratic).
//
// Not provided, so a template using them fails as undefined instead of seeing
// a made-up value: ansible_playbook_python (drover runs no Python),
// ansible_config_file (drover reads no ansible.cfg), ansible_play_role_names
// and ansible_dependent_role_names (the play keeps no record of which roles
// came in as dependencies), ansible_search_path.
import { resolve } from 'node:path';
import type { Inventory } from '../inventory/index.js';
import type { Play } from '../playbook/types.js';
import type { RunSettings } from './runtime.js';
import { newHostState, type HostState } from './state.js';
import { createScope, OMIT } from './templating.js';
import { hostLayers } from './variables.js';

/**
 * drover is not Ansible, but it does what ansible-core 2.14 does: roles that
 * test `ansible_version.full is version('2.9', '>=')` must take the 2.14 path.
 * The dict has ansible-core's shape.
 */
export const ANSIBLE_VERSION = Object.freeze({ string: '2.14.0', full: '2.14.0', major: 2, minor: 14, revision: 0 });

export interface MagicRunInputs {
  inventory: Inventory;
  settings: Pick<RunSettings, 'check' | 'diff' | 'forks' | 'tags' | 'extraVars' | 'verbosity' | 'injectFactsAsVars'>;
  /** The inventory sources as given (-i). */
  inventorySources: readonly string[];
  limit?: string;
  /** The playbook's directory (the working directory without a playbook, as Ansible's ad hoc commands). */
  playbookDir: string;
  /** Per-host state of the run (facts, set_fact): hostvars[other] reads it when asked. */
  states: ReadonlyMap<string, HostState>;
  /** The facts the fact cache holds for a host no play has reached yet (Ansible's hostvars show them). */
  cachedFacts?(host: string): Record<string, unknown>;
}

export interface MagicPlayInputs {
  play: Play;
  /** The play's hosts, in inventory order. */
  hosts: readonly string[];
}

type Descriptors = Record<string, PropertyDescriptor>;

const fixed = (value: unknown): PropertyDescriptor => ({ value, enumerable: true });
const lazy = (make: () => unknown): PropertyDescriptor => ({ get: once(make), enumerable: true });

function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

export class MagicVariables {
  private readonly run: Descriptors;
  private readonly hostvars: () => Record<string, unknown>;

  constructor(private readonly inputs: MagicRunInputs) {
    const { settings } = inputs;
    const groups = once(() => deepFreeze(inputs.inventory.groupsMap()));
    this.hostvars = once(() => this.hostvarsView());
    this.run = {
      groups: { get: groups, enumerable: true },
      omit: fixed(OMIT),
      playbook_dir: fixed(inputs.playbookDir),
      ansible_check_mode: fixed(settings.check),
      ansible_diff_mode: fixed(settings.diff),
      ansible_forks: fixed(settings.forks),
      ansible_run_tags: fixed(Object.freeze(settings.tags.only.length > 0 ? [...settings.tags.only] : ['all'])),
      ansible_skip_tags: fixed(Object.freeze([...settings.tags.skip])),
      ansible_verbosity: fixed(settings.verbosity),
      ansible_inventory_sources: fixed(Object.freeze(inputs.inventorySources.map((s) => resolve(s)))),
      ansible_version: fixed(ANSIBLE_VERSION),
      ...(inputs.limit ? { ansible_limit: fixed(inputs.limit) } : {}),
    };
  }

  /** What hostvars[HOST] holds besides the host's variables: the run's magic and the host's own names. */
  host(name: string): Record<string, unknown> {
    const vars: Record<string, unknown> = {};
    Object.defineProperties(vars, this.run);
    Object.defineProperties(vars, {
      inventory_hostname: fixed(name),
      inventory_hostname_short: fixed(name.split('.')[0]),
      group_names: lazy(() => Object.freeze(this.inputs.inventory.groupNames(name))),
    });
    return vars;
  }

  /** The play's shared part, built once; then `(host, batch)` gives what a task on that host sees. */
  play(play: MagicPlayInputs): (host: string, batch: readonly string[]) => Record<string, unknown> {
    const all = Object.freeze([...play.hosts]);
    const roleNames = Object.freeze([...new Set(play.play.roles.map((r) => r.name))]);
    const shared: Descriptors = {
      hostvars: { get: this.hostvars, enumerable: true },
      ansible_play_name: fixed(play.play.name),
      ansible_play_hosts_all: fixed(all),
      // Hosts that have not failed: read when asked, since hosts run independently.
      ansible_play_hosts: { get: () => this.live(all), enumerable: true },
      ansible_role_names: fixed(roleNames),
      role_names: fixed(roleNames),
    };
    return (host, batch) => {
      const vars = this.host(host);
      Object.defineProperties(vars, shared);
      const current = { get: () => this.live(batch), enumerable: true };
      Object.defineProperties(vars, { ansible_play_batch: current, play_hosts: current });
      return vars;
    };
  }

  private live(hosts: readonly string[]): string[] {
    return hosts.filter((h) => {
      const state = this.inputs.states.get(h);
      return !state?.failed && !state?.unreachable;
    });
  }

  /** One object for the run: a getter per inventory host, each building that host's view when read. */
  private hostvarsView(): Record<string, unknown> {
    const hostvars: Record<string, unknown> = {};
    for (const other of this.inputs.inventory.hosts) {
      Object.defineProperty(hostvars, other, { enumerable: true, get: () => this.hostVarsOf(other) });
    }
    return hostvars;
  }

  /**
   * `hostvars[other]`: that host's inventory variables, facts, registered
   * results and set_facts (its layers as hostLayers orders them, without any
   * play's vars), each rendered in that host's own scope when read
   * (`{{ inventory_hostname }}` in a group_vars value is the other host's
   * name, as in Ansible), never in the scope of the host whose task asks;
   * a string that uses a variable undefined there is kept as written, as
   * Ansible's HostVarsVars renders with fail_on_undefined=False.
   * Built on every read, so a later set_fact or fact gathering on that host shows.
   */
  private hostVarsOf(other: string): Record<string, unknown> {
    const { inventory, states, settings } = this.inputs;
    const state = states.get(other) ?? { ...newHostState(other), facts: this.inputs.cachedFacts?.(other) ?? {} };
    const { base, top } = hostLayers({ inventoryLayers: inventory.hostVarLayers(other), varsFiles: [], state, extraVars: settings.extraVars, magic: this.host(other), injectFactsAsVars: settings.injectFactsAsVars });
    const layers = [...base, ...top];
    const scope = createScope(layers);
    const vars: Record<string, unknown> = {};
    for (const name of new Set(layers.flatMap((l) => Object.keys(l.vars)))) Object.defineProperty(vars, name, { enumerable: true, get: () => scope.resolveLeniently(name) });
    return vars;
  }
}

/** Shared by every host: nobody may change it in place. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
