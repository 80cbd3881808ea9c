// bridge: a Linux bridge in the running kernel (iproute2): its ports, STP,
// addresses and administrative state. Runtime state only: nothing is written
// to /etc/network/interfaces or systemd-networkd, so a reboot forgets it (pair
// it with your network configuration's template for persistence).
// `ports` and `addresses`, when given, are the complete lists: interfaces
// enslaved to the bridge but not listed are released, addresses not listed
// are removed (except IPv6 link-local ones, which the kernel manages).
import { defineModule, ModuleFailure, type Plan } from '../runner/module-api.js';
import { sh, type Command } from '../runner/quote.js';
import { addressChanges, interfaceNameSchema, linksCommand, normaliseCidr, parseLinks, type Link } from './support/ip-link.js';

/** The bridge as one readable block for --diff. */
function describe(link: Link | undefined, ports: string[]): string {
  if (!link) return '';
  return [`state: ${link.up ? 'up' : 'down'}`, `stp: ${link.data.stp_state ? 'on' : 'off'}`, `ports: ${[...ports].sort().join(' ')}`, `addresses: ${link.addresses.join(' ')}`].join('\n') + '\n';
}

export default defineModule({
  name: 'bridge',
  summary: 'Manage a Linux bridge in the running kernel: ports, STP, addresses, up/down, absent.',
  changedWhen: 'the bridge is created or deleted, or its STP, ports, addresses or up/down state differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { ...interfaceNameSchema, description: 'The bridge interface name (at most 15 characters).' },
      state: { enum: ['up', 'down', 'present', 'absent'], default: 'up', description: "up (alias present): exists and is up; down: exists and is down; absent: deleted (its ports are released)." },
      ports: { type: 'array', items: interfaceNameSchema, description: 'The complete list of interfaces enslaved to the bridge (they must exist). With state up they are set up too. Omitted: ports are left alone.' },
      stp: { type: 'boolean', description: 'Spanning tree protocol on or off. Omitted: left as it is (a new bridge: off).' },
      addresses: { type: 'array', items: { type: 'string' }, description: "The complete list of addresses in CIDR form ('10.0.0.1/24', 'fd00::1/64'). Omitted: left alone." },
    },
  },
  async plan(host, params): Promise<Plan<Command[]>> {
    const links = parseLinks((await host.check(linksCommand())).stdout);
    const { name } = params;
    const bridge = links.get(name);
    if (bridge && bridge.kind !== 'bridge') throw new ModuleFailure(`${name} exists and is a ${bridge.kind ?? 'plain'} interface, not a bridge`);
    const currentPorts = [...links.values()].filter((l) => l.master === name).map((l) => l.name);
    const commands: Command[] = [];
    const changes: string[] = [];
    const step = (change: string, command: Command) => (changes.push(change), commands.push(command));

    if (params.state === 'absent') {
      if (bridge) step(`delete bridge ${name}`, sh`ip link del dev ${name}`);
      return { changes, diff: changes.length ? [{ label: `bridge ${name}`, before: describe(bridge, currentPorts), after: '' }] : [], state: commands };
    }
    const up = params.state !== 'down';
    if (!bridge) step(`create bridge ${name}`, sh`ip link add name ${name} type bridge`);
    const stpOn = Boolean(bridge?.data.stp_state);
    if (params.stp !== undefined && params.stp !== stpOn) step(`turn STP ${params.stp ? 'on' : 'off'} on ${name}`, sh`ip link set dev ${name} type bridge stp_state ${params.stp ? 1 : 0}`);

    const ports = params.ports ?? currentPorts;
    for (const port of ports) {
      const link = links.get(port);
      if (!link) throw new ModuleFailure(`port ${port} of bridge ${name} does not exist`);
      if (link.master !== name) step(`add port ${port} to ${name}`, sh`ip link set dev ${port} master ${name}`);
      if (up && !link.up) step(`set port ${port} up`, sh`ip link set dev ${port} up`);
    }
    for (const port of currentPorts.filter((p) => !ports.includes(p))) step(`release port ${port} from ${name}`, sh`ip link set dev ${port} nomaster`);

    const currentAddresses = bridge?.addresses ?? [];
    const wanted = params.addresses === undefined ? currentAddresses : [...new Set(params.addresses.map(normaliseCidr))];
    const addrs = addressChanges(name, currentAddresses, wanted);
    changes.push(...addrs.changes);
    commands.push(...addrs.commands);
    if ((bridge?.up ?? false) !== up) step(`set ${name} ${up ? 'up' : 'down'}`, sh`ip link set dev ${name} ${up ? 'up' : 'down'}`);

    const after: Link = { name, kind: 'bridge', up, data: { stp_state: params.stp ?? stpOn }, addresses: wanted };
    const diff = changes.length ? [{ label: `bridge ${name}`, before: describe(bridge, currentPorts), after: describe(after, [...ports]) }] : [];
    return { changes, diff, state: commands };
  },
  async apply(host, _params, plan) {
    for (const command of plan.state!) await host.check(command);
    return {};
  },
});
