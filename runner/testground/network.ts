// The ground's network: one Linux bridge in the controller's namespace with a
// private 10.x /24, and one veth per host whose far end is the host's eth0.
// The controller reaches hosts directly by IP through the bridge; hosts get no
// default route, so nothing they send can leave the machine.
//
// Two grounds (two test files running in parallel, or two grounds in one
// process) must never share a bridge or a subnet. The bridge name encodes the
// slot, and `ip link add` of an existing name fails atomically, so creating the
// bridge is the reservation. The slot search starts at a pid-derived offset so
// parallel processes rarely even contend.
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { mustRun, runCommand } from './run-command.js';

export const BRIDGE_PREFIX = 'drvg';
const ALIAS_PREFIX = 'drover-testground owner=';
/** 10.100.0.0/24 .. 10.199.255.0/24: 25,600 slots of 250 hosts each. */
const SLOTS = 100 * 256;
export const MAX_HOSTS_PER_GROUND = 250;

export interface GroundNetwork {
  bridge: string;
  /** e.g. '10.123.45' */
  prefix: string;
  /** The bridge's own address, the controller's side. */
  gateway: string;
  cidr: string;
}

let groundsInProcess = 0;

function slotPrefix(slot: number): string {
  return `10.${100 + (slot >> 8)}.${slot & 255}`;
}

function ipv4ToInt(a: string): number {
  return a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

/** Every IPv4 network already present on the machine (addresses and routes), as [start, end] ranges. */
async function usedRanges(): Promise<Array<[number, number]>> {
  const ranges: Array<[number, number]> = [];
  const add = (cidr: string): void => {
    const [addr, bits = '32'] = cidr.split('/');
    if (!addr || !/^\d+\.\d+\.\d+\.\d+$/.test(addr)) return;
    const size = 2 ** (32 - Number(bits));
    const start = Math.floor(ipv4ToInt(addr) / size) * size;
    ranges.push([start, start + size - 1]);
  };
  const addrs = JSON.parse(await mustRun(['ip', '-j', '-4', 'addr', 'show'])) as Array<{ addr_info?: Array<{ local: string; prefixlen: number }> }>;
  for (const link of addrs) for (const a of link.addr_info ?? []) add(`${a.local}/${a.prefixlen}`);
  const routes = JSON.parse(await mustRun(['ip', '-j', '-4', 'route', 'show', 'table', 'all'])) as Array<{ dst: string }>;
  for (const r of routes) if (r.dst !== 'default') add(r.dst);
  return ranges;
}

function ownerAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Remove what a ground left behind when its process died by SIGKILL (its hosts
 * died with it through the parent-death signal; the bridge and its temp dir
 * did not). Only things whose recorded owner pid is gone are touched.
 */
export async function sweepStale(tmpRoot: string, dirPrefix: string): Promise<void> {
  const links = JSON.parse(await mustRun(['ip', '-j', 'link', 'show'])) as Array<{ ifname: string; ifalias?: string }>;
  for (const l of links) {
    if (!l.ifname.startsWith(BRIDGE_PREFIX) || !l.ifalias?.startsWith(ALIAS_PREFIX)) continue;
    const owner = Number(l.ifalias.slice(ALIAS_PREFIX.length));
    if (Number.isInteger(owner) && owner > 0 && !ownerAlive(owner)) await runCommand(['ip', 'link', 'del', l.ifname]);
  }
  for (const entry of existsSync(tmpRoot) ? readdirSync(tmpRoot) : []) {
    const m = entry.startsWith(dirPrefix) ? /^(\d+)-/.exec(entry.slice(dirPrefix.length)) : null;
    if (m && !ownerAlive(Number(m[1]))) rmSync(join(tmpRoot, entry), { recursive: true, force: true });
  }
}

/**
 * Reserve a bridge and a /24 no other interface, route or ground uses, and bring the bridge up.
 * `inner`: the controller gets no address on it, so it has no route to the hosts there
 * (a network only a jump host reaches).
 */
export async function createNetwork(options: { inner?: boolean } = {}): Promise<GroundNetwork> {
  const used = await usedRanges();
  const start = (process.pid * 131 + groundsInProcess++ * 977) % SLOTS;
  for (let k = 0; k < SLOTS; k++) {
    const slot = (start + k) % SLOTS;
    const prefix = slotPrefix(slot);
    const lo = ipv4ToInt(`${prefix}.0`);
    if (used.some(([a, b]) => a <= lo + 255 && lo <= b)) continue;
    const bridge = `${BRIDGE_PREFIX}${slot}`;
    const created = await runCommand(['ip', 'link', 'add', 'name', bridge, 'type', 'bridge']);
    if (created.rc !== 0) {
      if (/exists/i.test(created.stderr)) continue;
      throw new Error(`cannot create bridge ${bridge}: ${created.stderr.trim()}`);
    }
    const gateway = `${prefix}.1`;
    const setup = [
      `link set dev ${bridge} alias "${ALIAS_PREFIX}${process.pid}"`,
      ...(options.inner ? [] : [`addr add ${gateway}/24 dev ${bridge}`]),
      `link set dev ${bridge} up`,
    ];
    const r = await runCommand(['ip', '-batch', '-'], setup.join('\n') + '\n');
    if (r.rc !== 0) {
      await runCommand(['ip', 'link', 'del', bridge]);
      throw new Error(`cannot set up bridge ${bridge}: ${r.stderr.trim()}`);
    }
    return { bridge, prefix, gateway, cidr: `${prefix}.0/24` };
  }
  throw new Error('no free 10.100-199.x.0/24 subnet left for a test ground');
}

/** The host-side veth name for host number `index` (IFNAMSIZ allows 15 characters). */
export function vethName(net: GroundNetwork, index: number): string {
  return `${net.bridge}h${index}`;
}

/** Plug one veth per host into the bridge, the far end named eth0 inside the host's namespace (by pid). */
export async function plugHosts(net: GroundNetwork, hosts: ReadonlyArray<{ index: number; pid: number }>): Promise<void> {
  if (hosts.length === 0) return;
  const lines = hosts.flatMap(({ index, pid }) => [
    `link add ${vethName(net, index)} type veth peer name eth0 netns ${pid}`,
    `link set dev ${vethName(net, index)} master ${net.bridge} up`,
  ]);
  await mustRun(['ip', '-batch', '-'], lines.join('\n') + '\n');
}

/** Links of this ground still present (veths vanish shortly after their namespace dies). */
export async function remainingLinks(net: GroundNetwork): Promise<string[]> {
  const links = JSON.parse(await mustRun(['ip', '-j', 'link', 'show'])) as Array<{ ifname: string }>;
  return links.map((l) => l.ifname).filter((n) => n === net.bridge || n.startsWith(`${net.bridge}h`) || n.startsWith(`${net.bridge}g`));
}

/** Give a running host (by the pid of a process in its namespace) a second interface `ifname` on `net`, addressed `address`. */
export async function plugGateway(net: GroundNetwork, host: { index: number; pid: number; ifname: string; address: string }): Promise<void> {
  const outside = `${net.bridge}g${host.index}`;
  await mustRun(['ip', '-batch', '-'], [`link add ${outside} type veth peer name ${host.ifname} netns ${host.pid}`, `link set dev ${outside} master ${net.bridge} up`].join('\n') + '\n');
  await mustRun(['nsenter', '-t', String(host.pid), '-n', 'ip', '-batch', '-'], [`addr add ${host.address}/24 dev ${host.ifname}`, `link set ${host.ifname} up`].join('\n') + '\n');
}
