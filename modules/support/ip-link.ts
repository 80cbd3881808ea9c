// Interfaces and addresses as iproute2 reports them in JSON (`ip -j -d link`,
// `ip -j addr`): one command for every link, pure parsers, and the CIDR
// normalisation that lets a wanted address compare with what ip prints.
import { isIP } from 'node:net';
import { ModuleFailure } from '../../runner/module-api.js';
import { sh, type Command } from '../../runner/quote.js';
import { normaliseAddress } from './proc-net.js';

export interface Link {
  name: string;
  /** 'bridge', 'veth', 'vlan', ... ; undefined for plain devices. */
  kind?: string;
  master?: string;
  /** The lower device of a stacked link (a vlan's parent): `link` in ip's JSON. */
  parent?: string;
  up: boolean;
  /** linkinfo.info_data, e.g. stp_state for a bridge, id for a vlan. */
  data: Record<string, unknown>;
  /** Global and site addresses as 'address/prefix' (link-local IPv6 ones, which the kernel adds itself, left out). */
  addresses: string[];
}

/** Every link with details, then every address: two JSON documents, one per line. */
export function linksCommand(): Command {
  return sh`ip -j -d link show && echo && ip -j addr show`;
}

interface RawLink {
  ifname: string;
  master?: string;
  link?: string;
  flags?: string[];
  linkinfo?: { info_kind?: string; info_data?: Record<string, unknown> };
  addr_info?: { family: string; local: string; prefixlen: number; scope?: string }[];
}

export function parseLinks(stdout: string): Map<string, Link> {
  const [linkJson = '[]', addrJson = '[]'] = stdout.split('\n').filter((l) => l.trim() !== '');
  const addresses = new Map<string, string[]>();
  for (const raw of JSON.parse(addrJson) as RawLink[]) {
    const wanted = (raw.addr_info ?? []).filter((a) => !(a.family === 'inet6' && a.scope === 'link'));
    addresses.set(raw.ifname, wanted.map((a) => normaliseCidr(`${a.local}/${a.prefixlen}`)));
  }
  const links = new Map<string, Link>();
  for (const raw of JSON.parse(linkJson) as RawLink[]) {
    links.set(raw.ifname, {
      name: raw.ifname,
      kind: raw.linkinfo?.info_kind,
      master: raw.master,
      parent: raw.link,
      // The administrative state (IFF_UP), not whether a carrier is there.
      up: raw.flags?.includes('UP') ?? false,
      data: raw.linkinfo?.info_data ?? {},
      addresses: addresses.get(raw.ifname) ?? [],
    });
  }
  return links;
}

/** '10.0.0.1/24' as ip prints it; IPv6 compressed. A bad CIDR is the task's error. */
export function normaliseCidr(cidr: string): string {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr.trim());
  const family = m ? isIP(m[1]!) : 0;
  if (!m || family === 0 || Number(m[2]) > (family === 4 ? 32 : 128)) throw new ModuleFailure(`'${cidr}' is not an address with a prefix length (10.0.0.1/24, fd00::1/64)`);
  return `${normaliseAddress(m[1]!)}/${Number(m[2])}`;
}

/** Kernel interface names: 1 to 15 bytes, no blank, '/' or ':'. */
export const interfaceNameSchema = { type: 'string', pattern: '^(?!\\.{1,2}$)[^\\s/:]{1,15}$' } as const;

/** Address changes that make `current` equal `wanted`: ip commands and sentences. */
export function addressChanges(dev: string, current: readonly string[], wanted: readonly string[]): { commands: Command[]; changes: string[] } {
  const commands: Command[] = [];
  const changes: string[] = [];
  for (const cidr of current.filter((c) => !wanted.includes(c))) {
    commands.push(sh`ip addr del ${cidr} dev ${dev}`);
    changes.push(`remove address ${cidr} from ${dev}`);
  }
  for (const cidr of wanted.filter((c) => !current.includes(c))) {
    commands.push(sh`ip addr add ${cidr} dev ${dev}`);
    changes.push(`add address ${cidr} to ${dev}`);
  }
  return { commands, changes };
}
