// Host names as Ansible reads them (parsing/utils/addresses.py and the
// range expansion of plugins/inventory/__init__.py): an optional `:port`,
// then [x:y] / [x:y:step] / [a:f] ranges, expanded left to right. The host
// pattern splitter in patterns.ts uses the same address grammar to tell an
// IPv6 address or a `host:port` from a `a:b` union.

import { InventoryError } from './errors.js';

const NUMERIC_RANGE = String.raw`\[(?:[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const IPV6_C = String.raw`(?:[0-9a-f]{1,4}|${NUMERIC_RANGE})`;
const IPV4_C = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUMERIC_RANGE})`;
// Python's \w under re.UNICODE: letters, digits, marks and '_'.
const W = String.raw`[\p{L}\p{N}\p{M}_]`;
const LABEL = String.raw`(?:${W}|${ALNUM_RANGE})(?:${W}|-|${ALNUM_RANGE})*(?<![_-])`;

const BRACKETED_HOSTPORT = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;
const IPV4 = new RegExp(String.raw`^(?:${IPV4_C}\.){3}${IPV4_C}$`, 'i');
const IPV6 = new RegExp(
  '^(?:' +
    [
      `(?:${IPV6_C}:){7}${IPV6_C}`,
      `(?:${IPV6_C}:){1,6}:`,
      `(?:${IPV6_C}:)(?::${IPV6_C}){1,6}`,
      `(?:${IPV6_C}:){2}(?::${IPV6_C}){1,5}`,
      `(?:${IPV6_C}:){3}(?::${IPV6_C}){1,4}`,
      `(?:${IPV6_C}:){4}(?::${IPV6_C}){1,3}`,
      `(?:${IPV6_C}:){5}(?::${IPV6_C}){1,2}`,
      `(?:${IPV6_C}:){6}(?::${IPV6_C})`,
      `:(?::${IPV6_C}){1,6}`,
      `${IPV6_C}?::`,
      `(?:0:){6}(?:${IPV6_C}\\.){3}${IPV6_C}`,
      `::(?:ffff:)?(?:${IPV6_C}\\.){3}${IPV6_C}`,
      `(?:0:){5}ffff:(?:${IPV6_C}\\.){3}${IPV6_C}`,
    ].join('|') +
    ')$',
  'i',
);
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`, 'iu');

export interface Address {
  host: string;
  port: number | undefined;
}

/** Ansible's parse_address: the host (ranges allowed if asked) and an optional port, or undefined. */
export function parseAddress(address: string, allowRanges: boolean): Address | undefined {
  let rest = address;
  let port: number | undefined;
  // Both forms are tried in turn, as in Ansible's loop (it does not stop at the first).
  for (const re of [BRACKETED_HOSTPORT, HOSTPORT]) {
    const m = re.exec(rest);
    if (m) {
      rest = m[1]!;
      port = Number(m[2]);
    }
  }
  if (!IPV4.test(rest) && !IPV6.test(rest) && !HOSTNAME.test(rest)) return undefined;
  if (!allowRanges && rest.includes('[')) return undefined;
  return { host: rest, port };
}

/**
 * An inventory host entry -> host names and the port they share. Entries that are
 * not valid addresses are kept whole (Ansible accepts any word as a host name).
 */
export function expandHostPattern(entry: string): { hosts: string[]; port: number | undefined } {
  const parsed = parseAddress(entry, true);
  const pattern = parsed ? parsed.host : entry;
  const port = parsed ? parsed.port : undefined;
  return { hosts: pattern.includes('[') ? expandHostnameRange(pattern) : [pattern], port };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `db[01:03]-[a:b]` -> db01-a, db01-b, db02-a, ... (the first range varies slowest). */
export function expandHostnameRange(line: string): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']');
  if (open < 0 || close < 0 || close < open) {
    throw new InventoryError(`host range in '${line}' must be written [begin:end] or [begin:end:step]`);
  }
  const head = line.slice(0, open);
  const tail = line.slice(close + 1);
  const bounds = line.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new InventoryError(`host range in '${line}' must be begin:end or begin:end:step`);
  }
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new InventoryError(`host range in '${line}' must specify an end value`);
  const step = toInt(stepText, line);
  if (step <= 0) throw new InventoryError(`host range step in '${line}' must be a positive number`);
  // A leading zero asks for zero padding to the width of both bounds.
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) {
      throw new InventoryError(`host range in '${line}' must specify equal-length begin and end formats`);
    }
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  const seq: Array<string | number> = [];
  const iBeg = LETTERS.indexOf(beg);
  const iEnd = LETTERS.indexOf(end);
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new InventoryError(`host range in '${line}' must have begin <= end`);
    for (let i = iBeg; i <= iEnd; i += step) seq.push(LETTERS[i]!);
  } else {
    const from = toInt(beg, line);
    const to = toInt(end, line);
    for (let i = from; i <= to; i += step) seq.push(i);
  }
  const out: string[] = [];
  for (const part of seq) {
    const name = head + fill(part) + tail;
    if (name.includes('[')) out.push(...expandHostnameRange(name));
    else out.push(name);
  }
  return out;
}

function toInt(text: string, line: string): number {
  if (!/^[0-9]+$/.test(text)) {
    throw new InventoryError(`host range in '${line}' has '${text}', which is neither a number nor a single letter`);
  }
  return Number(text);
}
