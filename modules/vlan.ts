// vlan: an 802.1Q sub-interface of a trunk NIC in the running kernel
// (iproute2), its addresses, up/down, and optionally the bridge it is a port
// of: the "one bridge per VLAN on the trunk NIC" pattern (eth1.100 ->
// br-vlan100), where the bridge is created if missing and its own addresses
// are the bridge module's business. Runtime state only, like bridge: nothing
// is written to the network configuration files.
// The kernel's 8021q module need not be loaded first: `ip link add ... type
// vlan` makes the kernel load it by its alias rtnl-link-vlan.
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh, type Command } from '../runner/quote.js';
import { addressChanges, interfaceNameSchema, linksCommand, normaliseCidr, parseLinks, type Link } from './support/ip-link.js';

interface VlanView {
  parent: string;
  id: number;
  up: boolean;
  bridge?: string;
  addresses: readonly string[];
}

/** The vlan as one readable block for --diff. */
function describe(v: VlanView | undefined): string {
  if (!v) return '';
  return [`parent: ${v.parent}`, `id: ${v.id}`, `state: ${v.up ? 'up' : 'down'}`, `bridge: ${v.bridge ?? ''}`, `addresses: ${v.addresses.join(' ')}`].join('\n') + '\n';
}

function viewOf(link: Link | undefined): VlanView | undefined {
  if (!link) return undefined;
  return { parent: link.parent ?? '', id: Number(link.data.id), up: link.up, ...(link.master ? { bridge: link.master } : {}), addresses: link.addresses };
}

export default defineModule({
  name: 'vlan',
  summary: 'Manage an 802.1Q VLAN sub-interface of a trunk NIC: id, addresses, up/down, the bridge it belongs to, absent.',
  changedWhen: 'the vlan is created, deleted or recreated (its id or parent differ), or its addresses, bridge or up/down state differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['parent', 'id'],
    properties: {
      parent: { ...interfaceNameSchema, description: 'The trunk interface the tagged frames go out of (e.g. eth1). It must exist; with state up it is set up too.' },
      id: { type: 'integer', minimum: 1, maximum: 4094, description: 'The 802.1Q VLAN id (1 to 4094).' },
      name: { ...interfaceNameSchema, description: 'The vlan interface name (at most 15 characters). Default: PARENT.ID, e.g. eth1.100.' },
      state: { enum: ['up', 'down', 'present', 'absent'], default: 'up', description: 'up (alias present): exists and is up; down: exists and is down; absent: deleted.' },
      addresses: { type: 'array', items: { type: 'string' }, description: "The complete list of addresses in CIDR form ('10.0.0.1/24', 'fd00::1/64'). Omitted: left alone." },
      bridge: {
        ...interfaceNameSchema,
        description: "A bridge to make the vlan a port of (created, and with state up set up, if missing: one bridge per VLAN, e.g. br-vlan100). Empty string: released from any bridge. Omitted: left alone.",
        pattern: `${interfaceNameSchema.pattern}|^$`,
      },
    },
  },
  async plan(host, params): Promise<Plan<Command[]>> {
    const links = parseLinks((await host.check(linksCommand())).stdout);
    const { parent, id } = params;
    const name = params.name ?? `${parent}.${id}`;
    if (name.length > 15) throw new ModuleFailure(`the default name ${name} is longer than 15 characters: give the vlan a name`);
    const existing = links.get(name);
    if (existing && existing.kind !== 'vlan') throw new ModuleFailure(`${name} exists and is a ${existing.kind ?? 'plain'} interface, not a vlan`);
    const commands: Command[] = [];
    const changes: string[] = [];
    const step = (change: string, command: Command) => (changes.push(change), commands.push(command));
    const before = viewOf(existing);
    const diffOf = (after: VlanView | undefined) => (changes.length ? [{ label: `vlan ${name}`, before: describe(before), after: describe(after) }] : []);

    if (params.state === 'absent') {
      if (existing) step(`delete vlan ${name}`, sh`ip link del dev ${name}`);
      return { changes, diff: diffOf(undefined), state: commands };
    }
    const up = params.state !== 'down';
    const trunk = links.get(parent);
    if (!trunk) throw new ModuleFailure(`parent ${parent} of vlan ${name} does not exist`);

    // The kernel cannot change a vlan's id or parent in place: delete and add it again.
    let current = existing;
    const add = sh`ip link add link ${parent} name ${name} type vlan id ${id}`;
    if (before && (before.id !== id || before.parent !== parent)) {
      step(`recreate vlan ${name}: ${before.parent} id ${before.id} -> ${parent} id ${id}`, sh`ip link del dev ${name}`);
      commands.push(add);
      current = undefined;
    } else if (!existing) step(`create vlan ${name} (id ${id} on ${parent})`, add);
    if (up && !trunk.up) step(`set parent ${parent} up`, sh`ip link set dev ${parent} up`);

    const currentAddresses = current?.addresses ?? [];
    // Omitted addresses and bridge are left as they were, across a recreate too.
    const wanted = params.addresses === undefined ? (existing?.addresses ?? []) : [...new Set(params.addresses.map(normaliseCidr))];
    const addrs = addressChanges(name, currentAddresses, wanted);
    changes.push(...addrs.changes);
    commands.push(...addrs.commands);

    const bridge = params.bridge === undefined ? existing?.master : params.bridge || undefined;
    if (bridge) {
      const br = links.get(bridge);
      if (br && br.kind !== 'bridge') throw new ModuleFailure(`${bridge} exists and is a ${br.kind ?? 'plain'} interface, not a bridge`);
      if (!br) step(`create bridge ${bridge}`, sh`ip link add name ${bridge} type bridge`);
      if (current?.master !== bridge) step(`add ${name} to bridge ${bridge}`, sh`ip link set dev ${name} master ${bridge}`);
      if (up && !br?.up) step(`set bridge ${bridge} up`, sh`ip link set dev ${bridge} up`);
    } else if (current?.master) step(`release ${name} from ${current.master}`, sh`ip link set dev ${name} nomaster`);
    if ((current?.up ?? false) !== up) step(`set ${name} ${up ? 'up' : 'down'}`, sh`ip link set dev ${name} ${up ? 'up' : 'down'}`);

    return { changes, diff: diffOf({ parent, id, up, ...(bridge ? { bridge } : {}), addresses: wanted }), state: commands };
  },
  async apply(host, _params, plan) {
    for (const command of plan.state!) await host.check(command);
    return {};
  },
});
