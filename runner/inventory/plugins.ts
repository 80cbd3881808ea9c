// Inventory plugin configs: a YAML source whose top-level mapping names a
// `plugin:` (Ansible's `auto` plugin reads the same key). drover has
// `constructed` (Ansible's own, same options and meaning) and two of its own
// for our users' sites, named drover.* because they are not the community
// plugins: `drover.libvirt` (domains as hosts) and `drover.terraform_state`
// (instances from a terraform.tfstate). Any other plugin name is refused
// with what exists, never read as a group called "plugin".
import { isMapping } from '../template/values.js';
import { construct, CONSTRUCTABLE_KEYS, constructableOptions } from './constructable.js';
import type { InventoryData } from './data.js';
import { InventoryError } from './errors.js';
import type { HostReader } from './host-reader.js';
import type { SourceFile } from './ini.js';
import { readLibvirtHosts } from './plugin-libvirt.js';
import { readTerraformHosts } from './plugin-terraform-state.js';

interface PluginSpec {
  /** Options besides `plugin` and the constructable ones. */
  options: readonly string[];
  /** Adds hosts; undefined for constructed, which works on the hosts already read. */
  readHosts?: HostReader;
}

const PLUGINS: Record<string, PluginSpec> = {
  constructed: { options: [] },
  'drover.libvirt': { options: ['uri'], readHosts: readLibvirtHosts },
  'drover.terraform_state': { options: ['path', 'resource_types', 'hostname_attribute', 'address_attributes'], readHosts: readTerraformHosts },
};
const ALIASES: Record<string, string> = { 'ansible.builtin.constructed': 'constructed', 'ansible.legacy.constructed': 'constructed' };

/** The plugin a parsed YAML document names, or undefined for an ordinary YAML inventory. */
export function pluginName(doc: unknown): string | undefined {
  return isMapping(doc) && typeof doc.plugin === 'string' ? doc.plugin : undefined;
}

export async function readPluginSource(config: Record<string, unknown>, ctx: { file: SourceFile; data: InventoryData; text: string }): Promise<void> {
  const asked = String(config.plugin);
  const name = ALIASES[asked] ?? asked;
  const spec = PLUGINS[name];
  const file = ctx.file.rel;
  if (spec === undefined) {
    const at = /^plugin\s*:.*$/m.exec(ctx.text);
    const line = at === null ? undefined : ctx.text.slice(0, at.index).split('\n').length;
    throw new InventoryError(
      `inventory plugin '${asked}' is not available in drover; it has ${Object.keys(PLUGINS).join(', ')} (docs/inventory.md), or export the inventory to YAML`,
      { file, line, col: line === undefined ? undefined : 1 },
      at?.[0],
    );
  }
  const known = new Set<string>(['plugin', ...CONSTRUCTABLE_KEYS, ...spec.options]);
  const unknown = Object.keys(config).filter((k) => !known.has(k));
  if (unknown.length > 0) throw new InventoryError(`${name}: unsupported option(s) ${unknown.join(', ')}; it takes ${[...known].filter((k) => k !== 'plugin').join(', ')}`, { file });
  const options = constructableOptions(config, file);
  const hosts = spec.readHosts === undefined ? [...ctx.data.hosts.keys()] : await spec.readHosts(config, ctx);
  construct(ctx.data, hosts, { ...options, file });
}
