// The inventory graph the parsers fill in, with Ansible's rules
// (inventory/data.py, group.py): implicit 'all' and 'ungrouped', depth as the
// longest path from 'all', cycles refused, `ansible_group_priority` taken out
// of the vars, and a group's hosts listed in Ansible's order (its own, then
// its descendants breadth first), which is the order plays run hosts in.
// Vars are kept as labelled layers, one per place they were written, so that
// `drover vars` can say where a value came from.

import path from 'node:path';
import { InventoryError, type SourcePos } from './errors.js';

/** Variables written in one place, and a human-readable name for that place. */
export interface VarLayer {
  source: string;
  vars: Record<string, unknown>;
}

export class GroupData {
  /** Hosts added to this group directly, in the order they were added. */
  readonly hosts: string[] = [];
  /** The same names, for constant-time membership tests on big groups. */
  readonly hostSet = new Set<string>();
  readonly children: GroupData[] = [];
  readonly parents: GroupData[] = [];
  /** Longest path from 'all' (0 for 'all'); set by `reconcile`. */
  depth = 0;
  /** `ansible_group_priority`: orders groups of equal depth (default 1). */
  priority = 1;
  readonly layers: VarLayer[] = [];
  constructor(readonly name: string) {}
}

export class HostData {
  /** Groups the host was added to directly (not their ancestors). */
  readonly groups: string[] = [];
  readonly layers: VarLayer[] = [];
  constructor(readonly name: string) {}
}

export class InventoryData {
  /** In creation order, which is the order Ansible matches group patterns in. */
  readonly groups = new Map<string, GroupData>();
  /** In first-definition order. */
  readonly hosts = new Map<string, HostData>();
  readonly warnings: string[] = [];
  private hostsCache = new Map<string, string[]>();

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string): GroupData {
    let g = this.groups.get(name);
    if (!g) {
      g = new GroupData(name);
      this.groups.set(name, g);
    }
    return g;
  }

  /**
   * Adds the host (first time: with inventory_file/inventory_dir and the port of a
   * `host:port` entry, as Ansible does only then) and puts it in `group`.
   */
  addHost(name: string, group: string | undefined, port: number | undefined, sourceFile: string, label: string): HostData {
    let h = this.hosts.get(name);
    if (!h) {
      h = new HostData(name);
      this.hosts.set(name, h);
      const vars: Record<string, unknown> = { inventory_file: sourceFile, inventory_dir: path.dirname(sourceFile) };
      if (port !== undefined) vars.ansible_port = port;
      h.layers.push({ source: label, vars });
    } else if (port !== undefined) {
      this.warnings.push(`${label}: the port of ${name} is ignored, the host was defined before (Ansible does the same)`);
    }
    if (group !== undefined) {
      const g = this.groups.get(group)!;
      if (!g.hostSet.has(name)) {
        g.hosts.push(name);
        g.hostSet.add(name);
        h.groups.push(group);
      }
    }
    this.hostsCache.clear();
    return h;
  }

  /** Makes `child` (an existing group) a child of `parent`; refuses loops. */
  addChild(parent: string, child: string, pos?: SourcePos): void {
    const p = this.groups.get(parent)!;
    const c = this.groups.get(child)!;
    if (p.children.includes(c)) return;
    if (p === c || this.ancestors(p).has(c)) {
      throw new InventoryError(`adding group '${child}' as a child of '${parent}' creates a dependency loop`, pos);
    }
    p.children.push(c);
    c.parents.push(p);
    this.hostsCache.clear();
  }

  /** One variable of a group; consecutive calls with the same label fill one layer. */
  setGroupVar(group: string, key: string, value: unknown, label: string, pos?: SourcePos): void {
    const g = this.groups.get(group)!;
    if (key === 'ansible_group_priority') {
      // Ansible keeps it out of the vars: it only orders the groups.
      g.priority = toPythonInt(value, pos);
      return;
    }
    layerFor(g.layers, label)[key] = value;
  }

  setHostVar(host: string, key: string, value: unknown, label: string): void {
    layerFor(this.hosts.get(host)!.layers, label)[key] = value;
  }

  /** After all sources: roots become children of 'all', 'ungrouped' is made exact, depths computed. */
  reconcile(): void {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const h of this.hosts.values()) {
      const names = this.hostGroups(h.name).map((g) => g.name);
      const others = names.filter((n) => n !== 'all' && n !== 'ungrouped');
      if (names.includes('ungrouped') && others.length > 0) {
        ungrouped.hosts.splice(ungrouped.hosts.indexOf(h.name), 1);
        ungrouped.hostSet.delete(h.name);
        h.groups.splice(h.groups.indexOf('ungrouped'), 1);
      } else if (!names.includes('ungrouped') && others.length === 0) {
        ungrouped.hosts.push(h.name);
        ungrouped.hostSet.add(h.name);
        h.groups.push('ungrouped');
      }
      if (this.groups.has(h.name)) this.warnings.push(`found both a group and a host named ${h.name}`);
    }
    const depths = new Map<GroupData, number>();
    const depth = (g: GroupData): number => {
      let d = depths.get(g);
      if (d === undefined) {
        d = g.parents.length === 0 ? 0 : Math.max(...g.parents.map((p) => depth(p) + 1));
        depths.set(g, d);
      }
      return d;
    };
    for (const g of this.groups.values()) g.depth = depth(g);
    this.hostsCache.clear();
  }

  ancestors(g: GroupData): Set<GroupData> {
    const seen = new Set<GroupData>();
    const stack = [...g.parents];
    while (stack.length) {
      const p = stack.pop()!;
      if (!seen.has(p)) {
        seen.add(p);
        stack.push(...p.parents);
      }
    }
    return seen;
  }

  /** The host's groups, direct and inherited, 'all' included, unordered. */
  hostGroups(host: string): GroupData[] {
    const h = this.hosts.get(host);
    if (!h) return [];
    const out = new Set<GroupData>();
    for (const name of h.groups) {
      const g = this.groups.get(name)!;
      out.add(g);
      for (const a of this.ancestors(g)) out.add(a);
    }
    return [...out];
  }

  /** Ansible's Group.get_hosts order: the group's own hosts, then each level of descendants. */
  groupHosts(name: string): string[] {
    const cached = this.hostsCache.get(name);
    if (cached) return cached;
    const g = this.groups.get(name);
    if (!g) return [];
    const ordered = [g];
    const seen = new Set(ordered);
    let level = [g];
    while (level.length) {
      const next: GroupData[] = [];
      for (const parent of level) {
        for (const c of parent.children) {
          if (!seen.has(c)) {
            seen.add(c);
            ordered.push(c);
            next.push(c);
          }
        }
      }
      level = next;
    }
    const hosts = new Set<string>();
    for (const member of ordered) for (const h of member.hosts) hosts.add(h);
    const list = [...hosts];
    this.hostsCache.set(name, list);
    return list;
  }
}

/** Ansible's sort_groups: by depth, then priority, then name. */
export function sortGroups(groups: GroupData[]): GroupData[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function layerFor(layers: VarLayer[], label: string): Record<string, unknown> {
  const last = layers[layers.length - 1];
  if (last && last.source === label) return last.vars;
  const vars: Record<string, unknown> = {};
  layers.push({ source: label, vars });
  return vars;
}

/** Python's int() on what an inventory can hold. */
function toPythonInt(value: unknown, pos?: SourcePos): number {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^\s*[-+]?[0-9](?:_?[0-9])*\s*$/.test(value)) return Number(value.replace(/_/g, ''));
  throw new InventoryError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`, pos);
}
