// The loaded inventory as the engine sees it: hosts, groups, and for each host
// its variables as ordered layers, in Ansible's precedence (vars/manager.py
// get_vars with the default VARIABLE_PRECEDENCE), lowest first:
//   1. inventory vars of group 'all'
//   2. inventory vars of the host's other groups, by depth, priority, name
//   3. group_vars/all next to the inventory, then next to the playbook
//   4. group_vars/GROUP next to the inventory, then next to the playbook (groups ordered as in 2)
//   5. the host's inventory vars
//   6. host_vars/HOST next to the inventory, then next to the playbook
// Later layers replace whole keys (hash_behaviour=replace).

import path from 'node:path';
import { InventoryError } from './errors.js';
import { sortGroups, type GroupData, type InventoryData, type VarLayer } from './data.js';
import { loadVarsDir, type FileContext } from './varsfiles.js';

export type { VarLayer } from './data.js';

/** Names Ansible treats as the controller itself when they are not in the inventory. */
export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

/** A group as read: direct members and relations. */
export interface GroupInfo {
  name: string;
  /** Hosts listed in the group itself, in order (see Inventory.groupHosts for all members). */
  hosts: readonly string[];
  children: readonly string[];
  parents: readonly string[];
  /** Longest path from 'all'. */
  depth: number;
  /** `ansible_group_priority` (default 1). */
  priority: number;
}

/** Where group_vars/ and host_vars/ were read from. */
export type VarsRootKind = 'inventory' | 'playbook';

interface VarsRoot {
  dir: string;
  kind: VarsRootKind;
  groups: Map<string, VarLayer[]>;
  hosts: Map<string, VarLayer[]>;
}

export class Inventory {
  private readonly roots: VarsRoot[] = [];

  /** Built by loadInventory. */
  constructor(
    private readonly data: InventoryData,
    private readonly ctx: FileContext,
    /** The files read, relative to the working directory. */
    readonly sources: readonly string[],
  ) {
    for (const holder of [...data.groups.values(), ...data.hosts.values()]) {
      for (const layer of holder.layers) deepFreeze(layer.vars);
    }
  }

  /** All hosts, in the order Ansible runs `hosts: all` (not including an implicit localhost). */
  get hosts(): string[] {
    return this.data.groupHosts('all');
  }

  /** Non-fatal findings while reading (skipped entries, ignored ports...). */
  get warnings(): readonly string[] {
    return this.data.warnings;
  }

  /** Groups in creation order ('all', 'ungrouped', then as first met). */
  get groups(): ReadonlyMap<string, GroupInfo> {
    const out = new Map<string, GroupInfo>();
    for (const g of this.data.groups.values()) out.set(g.name, groupInfo(g));
    return out;
  }

  hasHost(name: string): boolean {
    return this.data.hosts.has(name);
  }

  /** Ansible's implicit localhost: a localhost name that the inventory does not define. */
  isImplicitLocalhost(name: string): boolean {
    return !this.data.hosts.has(name) && LOCALHOST_NAMES.includes(name);
  }

  /** Every host of the group and its descendants, in Ansible's order. */
  groupHosts(group: string): string[] {
    return [...this.data.groupHosts(group)];
  }

  /** The host's groups, inherited ones and 'all' included, lowest precedence first. */
  groupsOf(host: string): string[] {
    this.check(host);
    return sortGroups(this.data.hostGroups(host)).map((g) => g.name);
  }

  /** Ansible's `group_names`: the host's groups without 'all', sorted by name. */
  groupNames(host: string): string[] {
    return this.groupsOf(host).filter((g) => g !== 'all').sort();
  }

  /** Ansible's `groups` magic variable: every group to its hosts. */
  groupsMap(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const name of this.data.groups.keys()) out[name] = this.groupHosts(name);
    return out;
  }

  /** The host's variable layers from the inventory, lowest precedence first. */
  hostVarLayers(host: string): VarLayer[] {
    this.check(host);
    const known = this.data.hosts.get(host);
    const groups = sortGroups(this.data.hostGroups(host).filter((g) => g.name !== 'all'));
    const byKind = (kind: VarsRootKind) => this.roots.filter((r) => r.kind === kind);
    const fromRoots = (pick: (r: VarsRoot) => VarLayer[] | undefined): VarLayer[] =>
      [...byKind('inventory'), ...byKind('playbook')].flatMap((r) => pick(r) ?? []);
    return [
      ...this.data.groups.get('all')!.layers,
      ...groups.flatMap((g) => g.layers),
      ...fromRoots((r) => r.groups.get('all')),
      ...byKind('inventory').flatMap((r) => groups.flatMap((g) => r.groups.get(g.name) ?? [])),
      ...byKind('playbook').flatMap((r) => groups.flatMap((g) => r.groups.get(g.name) ?? [])),
      ...(known ? known.layers : [{ source: 'implicit localhost', vars: Object.freeze({ ansible_connection: 'local' }) }]),
      ...fromRoots((r) => r.hosts.get(host)),
    ].filter((l) => Object.keys(l.vars).length > 0);
  }

  /** A group's own variables merged: set in the inventory, then its group_vars files (what ansible-inventory --graph --vars shows). */
  groupVars(group: string): Record<string, unknown> {
    const own = this.data.groups.get(group)?.layers ?? [];
    const files = (['inventory', 'playbook'] as const).flatMap((kind) => this.roots.filter((r) => r.kind === kind).flatMap((r) => r.groups.get(group) ?? []));
    return Object.assign({}, ...[...own, ...files].map((l) => l.vars)) as Record<string, unknown>;
  }

  /** The host's inventory variables merged (later layers replace whole keys). */
  hostVars(host: string): Record<string, unknown> {
    return Object.assign({}, ...this.hostVarLayers(host).map((l) => l.vars)) as Record<string, unknown>;
  }

  /**
   * Reads group_vars/ and host_vars/ under `dir`. Inventory roots are added by
   * loadInventory; add the playbook's directory with kind 'playbook'. A root
   * already added is ignored (it would only repeat the same values).
   */
  async addVarsRoot(dir: string, kind: VarsRootKind = 'playbook'): Promise<void> {
    const abs = path.resolve(this.ctx.cwd, dir);
    if (this.roots.some((r) => r.dir === abs)) return;
    const groups = await loadVarsDir(this.ctx, path.join(abs, 'group_vars'), this.data.groups.keys());
    const hostNames = new Set([...this.data.hosts.keys(), ...LOCALHOST_NAMES]);
    const hosts = await loadVarsDir(this.ctx, path.join(abs, 'host_vars'), hostNames);
    for (const layers of [...groups.values(), ...hosts.values()]) for (const l of layers) deepFreeze(l.vars);
    this.roots.push({ dir: abs, kind, groups, hosts });
  }

  /** Host names in definition order (what host patterns are matched against). */
  hostNamesInOrder(): string[] {
    return [...this.data.hosts.keys()];
  }

  /** Group names in creation order (what group patterns are matched against). */
  groupNamesInOrder(): string[] {
    return [...this.data.groups.keys()];
  }

  private check(host: string): void {
    if (!this.data.hosts.has(host) && !LOCALHOST_NAMES.includes(host)) {
      throw new InventoryError(`host '${host}' is not in the inventory`);
    }
  }
}

/** Layers are shared by every host of a group: nobody may change them in place. */
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

function groupInfo(g: GroupData): GroupInfo {
  return {
    name: g.name,
    hosts: [...g.hosts],
    children: g.children.map((c) => c.name),
    parents: g.parents.map((p) => p.name),
    depth: g.depth,
    priority: g.priority,
  };
}
