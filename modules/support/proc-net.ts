// TCP sockets of a Linux host read from /proc/net/tcp and tcp6, and its local
// addresses from /proc/net/fib_trie and if_inet6: no ss, netstat or nc needed,
// every Linux has them. Pure parsers, so wait_for's decisions are testable
// from captured text.
import { sh, type Command } from '../../runner/quote.js';

/** Socket states as /proc numbers them. */
const STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2', '06': 'TIME_WAIT',
  '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
};

export interface TcpSocket {
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  state: string;
}

export interface NetSnapshot {
  sockets: TcpSocket[];
  /** Addresses configured on the host (IPv4 dotted, IPv6 compressed lower-case). */
  localAddresses: Set<string>;
}

/** One round trip: sockets, then local IPv4 addresses (LOCAL routes), then IPv6 ones. */
export function netSnapshotCommand(): Command {
  return sh`cat /proc/net/tcp /proc/net/tcp6 2>/dev/null
echo '--local4'
awk '/\\/32 host LOCAL/ { print prev } { prev = $2 }' /proc/net/fib_trie 2>/dev/null | sort -u
echo '--local6'
awk '{ print $1 }' /proc/net/if_inet6 2>/dev/null`;
}

/** /proc's hex address: IPv4 is one little-endian word, IPv6 four of them. */
export function decodeAddress(hex: string): string {
  if (hex.length === 8) {
    return [6, 4, 2, 0].map((i) => parseInt(hex.slice(i, i + 2), 16)).join('.');
  }
  const bytes: number[] = [];
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    for (const i of [6, 4, 2, 0]) bytes.push(parseInt(word.slice(i, i + 2), 16));
  }
  return ipv6FromBytes(bytes);
}

function ipv6FromBytes(bytes: number[]): string {
  // IPv4-mapped (::ffff:a.b.c.d) reads as the IPv4 address: that is what it serves.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return compressIpv6(groups);
}

/** Longest run of zero groups becomes '::'. */
export function compressIpv6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Normalise an address the way decodeAddress prints it, so they compare as strings. */
export function normaliseAddress(address: string): string {
  if (!address.includes(':')) return address;
  // A trailing dotted quad (::ffff:10.0.0.1) is the last two groups.
  const quad = /^(.*:)(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  if (quad) {
    const [a, b, c, d] = quad.slice(2).map(Number) as [number, number, number, number];
    address = `${quad[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const h = head ? head.split(':') : [];
  const t = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t].map((g) => parseInt(g, 16).toString(16));
  if (groups.length !== 8 || groups.some((g) => g === 'NaN')) return address.toLowerCase();
  const bytes = groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
  return ipv6FromBytes(bytes);
}

export function parseNetSnapshot(text: string): NetSnapshot {
  const sockets: TcpSocket[] = [];
  const localAddresses = new Set<string>();
  let section: 'sockets' | 'local4' | 'local6' = 'sockets';
  for (const line of text.split('\n')) {
    if (line === '--local4' || line === '--local6') {
      section = line === '--local4' ? 'local4' : 'local6';
      continue;
    }
    if (section === 'local4') {
      if (/^\d+\.\d+\.\d+\.\d+$/.test(line.trim())) localAddresses.add(line.trim());
      continue;
    }
    if (section === 'local6') {
      if (/^[0-9a-f]{32}$/i.test(line.trim())) localAddresses.add(decodeAddress(toProcOrder(line.trim())));
      continue;
    }
    const m = /^\s*\d+:\s+([0-9A-F]+):([0-9A-F]{4})\s+([0-9A-F]+):([0-9A-F]{4})\s+([0-9A-F]{2})\s/i.exec(line);
    if (!m) continue;
    sockets.push({
      localAddress: decodeAddress(m[1]!),
      localPort: parseInt(m[2]!, 16),
      remoteAddress: decodeAddress(m[3]!),
      remotePort: parseInt(m[4]!, 16),
      state: STATES[m[5]!.toUpperCase()] ?? m[5]!,
    });
  }
  return { sockets, localAddresses };
}

/** if_inet6 prints the address in network order; /proc/net/tcp6 in host words. Convert the first to the second. */
function toProcOrder(hex: string): string {
  let out = '';
  for (let w = 0; w < 4; w++) {
    const word = hex.slice(w * 8, w * 8 + 8);
    out += word.slice(6, 8) + word.slice(4, 6) + word.slice(2, 4) + word.slice(0, 2);
  }
  return out;
}

export const WILDCARDS = new Set(['0.0.0.0', '::']);
