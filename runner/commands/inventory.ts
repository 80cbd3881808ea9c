// `drover inventory`: ansible-inventory's --list, --graph and --host, with the
// same output byte for byte (JSON sorted with 4 spaces, PyYAML block style,
// the `  |--@group:` tree), so scripts written against ansible-inventory keep
// working. A host's variables are its inventory variables merged, as Ansible
// shows them (no magic variables). Vault values were decrypted on load:
// they print masked, where Ansible prints the ciphertext.
import { writeFile } from 'node:fs/promises';
import { Command } from 'commander';
import { InputError } from '../errors.js';
import { loadInventory, type Inventory } from '../inventory/index.js';
import { pyJson } from '../template/python-json.js';
import { pyYaml } from '../template/python-yaml.js';
import { pyStr } from '../template/python-text.js';
import { resolveInvocation } from '../cli-args.js';
import { collect } from './options.js';
import { maskVaultSecrets } from './vault.js';

interface InventoryFlags {
  inventory: string[];
  list?: boolean;
  graph?: boolean;
  host?: string;
  yaml?: boolean;
  vars?: boolean;
  output?: string;
}

export function inventoryCommand(): Command {
  return new Command('inventory')
    .description("Show the inventory as ansible-inventory does: --list (JSON, or YAML with --yaml), --graph [GROUP], --host HOST")
    .argument('[group]', 'with --graph: the group to start at (default all)')
    .argument('[words...]', 'ENV=NAME picks inventories/NAME/')
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable)', collect, [])
    .option('--list', 'every group and host with its variables')
    .option('--graph', 'the group tree')
    .option('--host <host>', "one host's variables")
    .option('-y, --yaml', 'with --list: YAML instead of JSON')
    .option('--vars', 'with --graph: show variables too')
    .option('--output <file>', 'write to this file instead of standard output')
    .action(async (group: string | undefined, words: string[], flags: InventoryFlags) => {
      // `drover inventory --list ENV=dev`: a KEY=VALUE word in the group slot is a word.
      if (group?.includes('=')) [group, words] = [undefined, [group, ...words]];
      const asked = [flags.list, flags.graph, flags.host !== undefined].filter(Boolean).length;
      if (asked !== 1) throw new InputError([{ message: 'drover inventory: give exactly one of --list, --graph or --host HOST' }]);
      if (flags.yaml && !flags.list) throw new InputError([{ message: 'drover inventory: --yaml goes with --list' }]);
      if (flags.vars && !flags.graph) throw new InputError([{ message: 'drover inventory: --vars goes with --graph' }]);
      if (group !== undefined && !flags.graph) throw new InputError([{ message: `drover inventory: a group name (${group}) goes with --graph` }]);
      const invocation = resolveInvocation('', words, { inventory: flags.inventory, extraVars: [], tags: [], skipTags: [] });
      const inventory = await loadInventory(invocation.inventory, { playbookDirs: [] });
      const text = flags.list
        ? flags.yaml
          ? pyYaml(yamlInventory(inventory), { indent: 2, width: 80, flow: false })
          : pyJson(jsonInventory(inventory), { indent: 4, sortKeys: true, ensureAscii: false })
        : flags.graph
          ? graph(inventory, group ?? 'all', Boolean(flags.vars))
          : pyJson(hostVariables(inventory, flags.host!), { indent: 4, sortKeys: true, ensureAscii: false });
      // ansible-inventory ends what it prints with a newline, and writes a file without one.
      const shown = maskVaultSecrets(text);
      if (flags.output === undefined) process.stdout.write(`${shown}${shown.endsWith('\n') ? '' : '\n'}`);
      else await writeFile(flags.output, shown);
    });
}

/** What ansible-inventory leaves out of a host's variables (its INTERNAL_VARS); of these, drover's inventory sets the inventory_* ones. */
const INTERNAL_VARS = new Set(['ansible_diff_mode', 'ansible_config_file', 'ansible_facts', 'ansible_forks', 'ansible_inventory_sources', 'ansible_limit',
  'ansible_playbook_python', 'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version', 'inventory_dir', 'inventory_file',
  'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'omit', 'playbook_dir']);

function shownVars(inventory: Inventory, host: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(inventory.hostVars(host)).filter(([name]) => !INTERNAL_VARS.has(name)));
}

function hostVariables(inventory: Inventory, host: string): Record<string, unknown> {
  if (!inventory.hasHost(host)) throw new InputError([{ message: 'You must pass a single valid host to --host parameter' }]);
  return shownVars(inventory, host);
}

/** The groups a group holds, in the order they were added (Ansible's child_groups). */
function children(inventory: Inventory, name: string): string[] {
  return [...(inventory.groups.get(name)?.children ?? [])];
}

function directHosts(inventory: Inventory, name: string): string[] {
  return name === 'all' ? [] : [...(inventory.groups.get(name)?.hosts ?? [])];
}

/** ansible-inventory --list: each group once (hosts, children; empty keys and groups left out), then _meta.hostvars. */
function jsonInventory(inventory: Inventory): Record<string, unknown> {
  const results: Record<string, Record<string, unknown>> = {};
  const seen = new Set<string>();
  const format = (name: string) => {
    const entry: Record<string, unknown> = {};
    const hosts = directHosts(inventory, name);
    if (hosts.length > 0) entry.hosts = hosts;
    const kids = children(inventory, name);
    if (kids.length > 0) entry.children = kids;
    results[name] = entry;
    for (const kid of kids) {
      if (seen.has(kid)) continue;
      format(kid);
      seen.add(kid);
    }
    if (Object.keys(results[name]!).length === 0) delete results[name];
  };
  format('all');
  const hostvars: Record<string, unknown> = {};
  for (const host of inventory.hostNamesInOrder()) {
    const vars = shownVars(inventory, host);
    if (Object.keys(vars).length > 0) hostvars[host] = vars;
  }
  return { ...results, _meta: { hostvars } };
}

/** ansible-inventory --list --yaml: groups nested under their parents, a host's variables at its first appearance. */
function yamlInventory(inventory: Inventory): Record<string, unknown> {
  const seen = new Set<string>();
  const format = (name: string): Record<string, unknown> => {
    const entry: Record<string, unknown> = {};
    const kids: Record<string, unknown> = {};
    for (const kid of children(inventory, name)) Object.assign(kids, format(kid));
    if (Object.keys(kids).length > 0) entry.children = kids;
    const hosts: Record<string, unknown> = {};
    for (const host of directHosts(inventory, name)) {
      hosts[host] = seen.has(host) ? {} : shownVars(inventory, host);
      seen.add(host);
    }
    if (Object.keys(hosts).length > 0) entry.hosts = hosts;
    return { [name]: entry };
  };
  return format('all');
}

/** ansible-inventory --graph [GROUP] [--vars]: `  |--@group:` lines, hosts under their groups, variables as Python prints them. */
function graph(inventory: Inventory, start: string, withVars: boolean): string {
  if (!inventory.groups.has(start)) throw new InputError([{ message: 'Pattern must be valid group name when using --graph' }]);
  const line = (text: string, depth: number) => (depth > 0 ? `${'  |'.repeat(depth)}--${text}` : text);
  const vars = (values: Record<string, unknown>, depth: number) =>
    Object.keys(values)
      .sort()
      .map((k) => line(`{${k} = ${pyStr(values[k])}}`, depth));
  const walk = (name: string, depth: number): string[] => {
    const out = [line(`@${name}:`, depth)];
    for (const kid of children(inventory, name)) out.push(...walk(kid, depth + 1));
    for (const host of directHosts(inventory, name)) {
      out.push(line(host, depth + 1));
      if (withVars) out.push(...vars(shownVars(inventory, host), depth + 2));
    }
    if (withVars) out.push(...vars(inventory.groupVars(name), depth + 1));
    return out;
  };
  return walk(start, 0).join('\n');
}
