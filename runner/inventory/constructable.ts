// Ansible's Constructable options, shared by the inventory plugins
// (constructed, and drover.libvirt / drover.terraform_state for the hosts
// they add): `compose` sets host vars from expressions, `groups` adds a host
// to a group when a condition holds, `keyed_groups` makes groups from a
// variable's value (prefix, separator, default_value, trailing_separator,
// parent_group, leading_separator). With `strict: false` (the default) an
// expression that fails (a fact not there yet) is skipped, as in Ansible.
import { evaluateExpression, renderValue, Scope } from '../template/index.js';
import { WithoutLookups } from '../template/registry.js';
import { isMapping, truthy } from '../template/values.js';
import { sortGroups, type InventoryData } from './data.js';
import { InventoryError } from './errors.js';

export interface ConstructableOptions {
  strict: boolean;
  compose: Record<string, string>;
  groups: Record<string, string>;
  keyed_groups: KeyedGroup[];
  leading_separator: boolean;
}

interface KeyedGroup {
  key: string;
  prefix?: string;
  separator?: string;
  default_value?: string;
  trailing_separator?: boolean;
  parent_group?: string;
}

export const CONSTRUCTABLE_KEYS = ['strict', 'compose', 'groups', 'keyed_groups', 'leading_separator'] as const;

/** Ansible's C.INVALID_VARIABLE_NAMES with force=True: group names made of word characters, not starting with a digit. */
export function safeGroupName(name: string): string {
  return name.replace(/^[\p{Nd}]|^[^\p{L}\p{N}_]|[^\p{L}\p{N}_]/gu, '_');
}

export function constructableOptions(config: Record<string, unknown>, file: string): ConstructableOptions {
  const fail = (why: string) => new InventoryError(why, { file });
  const mapping = (key: string): Record<string, string> => {
    const v = config[key] ?? {};
    if (!isMapping(v)) throw fail(`${key} must be a mapping of names to expressions`);
    return v as Record<string, string>;
  };
  const keyed = config.keyed_groups ?? [];
  if (!Array.isArray(keyed)) throw fail('keyed_groups must be a list');
  for (const entry of keyed) {
    if (!isMapping(entry)) throw fail(`Invalid keyed group entry, it must be a dictionary: ${JSON.stringify(entry)}`);
    if (entry.default_value !== undefined && entry.trailing_separator !== undefined) throw fail('parameters are mutually exclusive for keyed groups: default_value|trailing_separator');
  }
  return {
    strict: config.strict === true,
    compose: mapping('compose'),
    groups: mapping('groups'),
    keyed_groups: keyed as KeyedGroup[],
    leading_separator: config.leading_separator !== false,
  };
}

/** Ansible's get_all_host_vars without vars plugins: the host's groups' vars by depth, its own vars, its magic names. */
function hostScope(data: InventoryData, host: string): WithoutLookups {
  const h = data.hosts.get(host)!;
  const groups = sortGroups(data.hostGroups(host));
  const names = groups.map((g) => g.name).filter((n) => n !== 'all' && n !== 'ungrouped').sort();
  const magic = { inventory_hostname: host, inventory_hostname_short: host.split('.')[0], group_names: names };
  // Ansible's _compose disables lookups: an inventory file never runs commands on the controller.
  return new WithoutLookups(Scope.of([...groups.flatMap((g) => g.layers), ...h.layers, { source: 'magic', vars: magic }]), 'inventory plugin expressions run without lookups, as in Ansible');
}

/** Applies compose, groups and keyed_groups to each of `hosts`, in order. */
export function construct(data: InventoryData, hosts: readonly string[], options: ConstructableOptions & { file: string }): void {
  data.reconcile();
  const label = `${options.file} (constructed)`;
  for (const host of hosts) {
    const attempt = <T>(what: string, compute: () => T): T | undefined => {
      try {
        return compute();
      } catch (error) {
        if (options.strict) throw new InventoryError(`${what} for host ${host}: ${(error as Error).message}`, { file: options.file });
        return undefined;
      }
    };
    // Every compose entry sees the variables as they were before compose, as in Ansible.
    const before = hostScope(data, host);
    for (const [name, expression] of Object.entries(options.compose)) {
      const value = attempt(`Could not set ${name}`, () => evaluateExpression(String(expression), before));
      if (value !== undefined) data.setHostVar(host, name, value, label);
    }
    const scope = hostScope(data, host);
    for (const [group, condition] of Object.entries(options.groups)) {
      const holds = attempt(`Could not add host to group ${group}`, () => truthy(evaluateExpression(String(condition), scope)));
      if (holds === true) {
        data.addGroup(safeGroupName(group));
        data.addHost(host, safeGroupName(group), undefined, '', label);
      }
    }
    for (const keyed of options.keyed_groups) addKeyedGroups({ data, host, scope, keyed, options, label, attempt });
  }
  data.reconcile();
}

interface KeyedContext {
  data: InventoryData;
  host: string;
  scope: WithoutLookups;
  keyed: KeyedGroup;
  options: ConstructableOptions & { file: string };
  label: string;
  attempt: <T>(what: string, compute: () => T) => T | undefined;
}

function addKeyedGroups(ctx: KeyedContext): void {
  const { data, host, keyed, options } = ctx;
  const key = ctx.attempt(`Could not generate group from ${keyed.key} entry`, () => evaluateExpression(String(keyed.key), ctx.scope));
  if (key === undefined) return;
  const fallback = keyed.default_value;
  if (!truthy(key) && !(key === '' && fallback !== undefined)) {
    if (options.strict && !(Array.isArray(key) && key.length === 0) && !(isMapping(key) && Object.keys(key).length === 0)) {
      throw new InventoryError(`No key or key resulted empty for ${keyed.key} in host ${host}, invalid entry`, { file: options.file });
    }
    return;
  }
  const sep = keyed.separator ?? '_';
  const bare: string[] = [];
  if (typeof key === 'string') bare.push(key === '' && fallback !== undefined ? fallback : key);
  else if (Array.isArray(key)) bare.push(...key.map((k) => (k === '' && fallback !== undefined ? fallback : String(k))));
  else if (isMapping(key)) {
    for (const [name, value] of Object.entries(key)) {
      if (value === '' && fallback !== undefined) bare.push(`${name}${sep}${fallback}`);
      else if (value === '' && keyed.trailing_separator === false) bare.push(name);
      else bare.push(`${name}${sep}${String(value)}`);
    }
  } else {
    throw new InventoryError(`Invalid group name format, expected a string or a list of them or dictionary, got: ${typeof key}`, { file: options.file });
  }
  const prefix = keyed.prefix ?? '';
  const joiner = prefix === '' && !options.leading_separator ? '' : sep;
  const parentName = keyed.parent_group === undefined ? undefined : ctx.attempt(`Could not generate parent group ${keyed.parent_group}`, () => String(renderValue(keyed.parent_group, ctx.scope)));
  if (keyed.parent_group !== undefined && parentName === undefined) return;
  const parent = parentName === undefined ? undefined : safeGroupName(parentName);
  for (const name of bare) {
    const group = safeGroupName(`${prefix}${joiner}${name}`);
    data.addGroup(group);
    data.addHost(host, group, undefined, '', ctx.label);
    if (parent !== undefined) {
      data.addGroup(parent);
      data.addChild(parent, group);
    }
  }
}
