// `plugin: drover.libvirt`: the domains of a libvirt connection as hosts (the
// OpenCHAMI and Rhyzome case: nodes and instances defined on a hypervisor).
// Each domain becomes a host named after it, in groups
// `libvirt_state_<running|shutoff|paused|other>` and `libvirt_network_<name>`
// for each network it has an interface on, with vars libvirt_uuid,
// libvirt_state, libvirt_macs, libvirt_networks, and ansible_host when a
// network's static DHCP host entry gives one of its MACs an address.
// Read with virsh on the controller (no shell), once per inventory load.
import { execa } from 'execa';
import { InventoryError } from './errors.js';
import type { HostReader } from './host-reader.js';
import { safeGroupName } from './constructable.js';

const STATES = ['running', 'shutoff', 'paused', 'other'] as const;

export const readLibvirtHosts: HostReader = async (config, { file, data }) => {
  const uri = typeof config.uri === 'string' ? config.uri : 'qemu:///system';
  const virsh = async (...args: string[]): Promise<string> => {
    const r = await execa('virsh', ['-q', '-c', uri, ...args], { reject: false, stdin: 'ignore', timeout: 60_000 });
    if (r.exitCode !== 0) throw new InventoryError(`drover.libvirt: virsh ${args.join(' ')} on ${uri} failed: ${String(r.stderr).trim() || r.shortMessage}`, { file: file.rel });
    return String(r.stdout);
  };
  const lines = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const stateOf = new Map<string, string>();
  for (const state of STATES) for (const name of lines(await virsh('list', '--name', `--state-${state}`))) stateOf.set(name, state);
  const staticAddress = new Map<string, string>();
  for (const network of lines(await virsh('net-list', '--all', '--name'))) {
    for (const m of (await virsh('net-dumpxml', network)).matchAll(/<host\b([^>]*)\/?>/g)) {
      const mac = /\bmac=['"]([^'"]+)['"]/.exec(m[1]!)?.[1];
      const ip = /\bip=['"]([^'"]+)['"]/.exec(m[1]!)?.[1];
      if (mac !== undefined && ip !== undefined) staticAddress.set(mac.toLowerCase(), ip);
    }
  }
  const label = `${file.rel} (drover.libvirt ${uri})`;
  const hosts: string[] = [];
  for (const name of lines(await virsh('list', '--all', '--name'))) {
    const xml = await virsh('dumpxml', name);
    const interfaces = [...xml.matchAll(/<interface\b[\s\S]*?<\/interface>/g)].map((m) => m[0]);
    const macs = interfaces.flatMap((i) => /<mac address=['"]([^'"]+)['"]/.exec(i)?.[1]?.toLowerCase() ?? []);
    const networks = interfaces.flatMap((i) => /<source network=['"]([^'"]+)['"]/.exec(i)?.[1] ?? []);
    const state = stateOf.get(name) ?? 'other';
    const groups = [`libvirt_state_${state}`, ...networks.map((n) => safeGroupName(`libvirt_network_${n}`))];
    for (const group of groups) {
      data.addGroup(group);
      data.addHost(name, group, undefined, file.abs, label);
    }
    const vars: Record<string, unknown> = { libvirt_uuid: /<uuid>([^<]+)<\/uuid>/.exec(xml)?.[1], libvirt_state: state, libvirt_macs: macs, libvirt_networks: networks };
    const address = macs.map((m) => staticAddress.get(m)).find((a) => a !== undefined);
    if (address !== undefined) vars.ansible_host = address;
    for (const [key, value] of Object.entries(vars)) data.setHostVar(name, key, value, label);
    hosts.push(name);
  }
  return hosts;
};
