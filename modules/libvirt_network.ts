// libvirt_network: a NAT, routed, isolated or host-bridge network from typed
// fields or inline XML, active and autostart. A changed definition is
// redefined and the network restarted (Ansible's virt_net leaves an existing
// network as it is).
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { planLifecycle } from './support/libvirt-lifecycle.js';
import { infoFlag, MAC_PATTERN, parseDesired, readObject, runSteps, uriParam, withName, type VirshStep } from './support/libvirt-virsh.js';
import { el, type XmlElement } from './support/libvirt-xml.js';

const IPV4 = '^[0-9]{1,3}(\\.[0-9]{1,3}){3}$';

const fieldsSchema = {
  forward: {
    enum: ['nat', 'route', 'open', 'isolated', 'bridge'],
    description: "nat (default): guests reach out through the host's address; route/open: routed without NAT; isolated: guests and host only; bridge: guests join the existing host bridge named by `bridge`.",
  },
  bridge: { type: 'string', minLength: 1, maxLength: 15, description: 'Bridge device: the one libvirt creates (e.g. virbr10), or with forward: bridge the existing host bridge.' },
  address: { type: 'string', pattern: IPV4, description: "The host's address on the network (the guests' gateway and DHCP server)." },
  netmask: { type: 'string', pattern: IPV4, description: 'Netmask of address. Default 255.255.255.0.' },
  dhcp_range: {
    type: 'object',
    additionalProperties: false,
    required: ['start', 'end'],
    description: 'Addresses the DHCP server hands out.',
    properties: {
      start: { type: 'string', pattern: IPV4, description: 'First address.' },
      end: { type: 'string', pattern: IPV4, description: 'Last address.' },
    },
  },
  dhcp_hosts: {
    type: 'array',
    description: 'Fixed DHCP leases by MAC address.',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['mac', 'ip'],
      properties: {
        mac: { type: 'string', pattern: MAC_PATTERN, description: "The guest NIC's MAC address." },
        ip: { type: 'string', pattern: IPV4, description: 'The address it always gets.' },
        name: { type: 'string', minLength: 1, description: 'Host name handed out with the lease.' },
      },
    },
  },
} as const;

interface NetworkFields {
  forward?: 'nat' | 'route' | 'open' | 'isolated' | 'bridge';
  bridge?: string;
  address?: string;
  netmask?: string;
  dhcp_range?: { start: string; end: string };
  dhcp_hosts?: readonly { mac: string; ip: string; name?: string }[];
}

const FIELD_NAMES = Object.keys(fieldsSchema) as (keyof NetworkFields)[];

export default defineModule({
  name: 'libvirt_network',
  summary: 'Manage a libvirt virtual network: definition, active, autostart.',
  changedWhen: 'the network was defined, redefined (and then restarted if it was active), started, stopped, undefined, or its autostart flag changed.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, description: 'Network name.' },
      uri: uriParam,
      state: { enum: ['present', 'absent'], default: 'present', description: 'Whether the network is defined; absent stops and undefines it.' },
      active: { type: 'boolean', default: true, description: 'Whether the network runs (its bridge, DHCP and NAT rules are up).' },
      autostart: { type: 'boolean', description: 'Start the network when libvirtd starts. Unset: left as it is.' },
      xml: { type: 'string', minLength: 1, description: 'The whole <network> definition, instead of the typed fields. Only the elements and attributes it states are compared.' },
      ...fieldsSchema,
    },
  },
  async plan(host, params) {
    const current = await readObject(host, 'network', params.uri, params.name);
    const desired = params.state === 'absent' ? el('network') : desiredDefinition(params.name, params);
    const currentActive = current !== null && infoFlag(current.info.Active);
    const planned = planLifecycle({ kind: 'network', uri: params.uri, name: params.name, current, currentActive, state: params.state, desired, active: params.active, autostart: params.autostart });
    return { ...planned, result: { name: params.name, state: current ? 'present' : 'absent', active: currentActive } };
  },
  async apply(host, params, plan) {
    await runSteps(host, plan.state as VirshStep[]);
    return { result: { name: params.name, state: params.state, active: params.state === 'present' && params.active } };
  },
});

function desiredDefinition(name: string, params: NetworkFields & { xml?: string }): XmlElement {
  const fields = FIELD_NAMES.filter((k) => params[k] !== undefined);
  if (params.xml !== undefined) {
    if (fields.length > 0) throw new ModuleFailure(`give the network as xml or as fields, not both (also given: ${fields.join(', ')})`);
    return withName(parseDesired(params.xml, 'network'), name, 'network');
  }
  return networkXml(name, params);
}

/** The <network> the typed fields describe. */
export function networkXml(name: string, f: NetworkFields): XmlElement {
  const forward = f.forward ?? 'nat';
  if (forward === 'bridge') {
    if (f.bridge === undefined) throw new ModuleFailure('forward: bridge needs bridge (the existing host bridge)');
    if (f.address !== undefined || f.dhcp_range !== undefined || f.dhcp_hosts !== undefined) throw new ModuleFailure('forward: bridge takes no address or DHCP settings (the bridge\'s own network provides them)');
  }
  if (f.address === undefined && (f.dhcp_range !== undefined || f.dhcp_hosts !== undefined || f.netmask !== undefined)) throw new ModuleFailure('netmask and DHCP settings need address');
  const dhcp = (f.dhcp_range !== undefined || f.dhcp_hosts !== undefined) && el('dhcp', {}, [
    f.dhcp_range && el('range', { start: f.dhcp_range.start, end: f.dhcp_range.end }),
    ...(f.dhcp_hosts ?? []).map((h) => el('host', { mac: h.mac.toLowerCase(), name: h.name, ip: h.ip })),
  ]);
  return el('network', {}, [
    el('name', {}, name),
    forward !== 'isolated' && el('forward', { mode: forward }),
    f.bridge !== undefined && el('bridge', { name: f.bridge }),
    f.address !== undefined && el('ip', { address: f.address, netmask: f.netmask ?? '255.255.255.0' }, [dhcp]),
  ]);
}
