// Ansible's host_list inventory plugin: `-i 'web1,web2:2222,'`, a source that
// is no existing path and holds a comma, is a list of hosts, each put in
// `ungrouped` with its optional port. As in Ansible, inventory_file is the
// list itself and inventory_dir the text 'None' (its basedir() of a source
// that is no path is None, made text); no group_vars/ are read beside it.
import { parseAddress } from './addresses.js';
import type { InventoryData } from './data.js';

/** Whether a source that names no file is a host list (Ansible's verify_file). */
export function isHostList(source: string): boolean {
  return source.includes(',');
}

export function readHostList(source: string, data: InventoryData): void {
  for (const entry of source.split(',')) {
    const written = entry.trim();
    if (written === '') continue;
    // An entry that is no address is kept as written, as Ansible does.
    const { host, port } = parseAddress(written, false) ?? { host: written, port: undefined };
    if (data.hosts.has(host)) continue;
    const added = data.addHost(host, 'ungrouped', port, source, source);
    const own = added.layers[added.layers.length - 1]!.vars;
    own.inventory_file = source;
    own.inventory_dir = 'None';
  }
}
