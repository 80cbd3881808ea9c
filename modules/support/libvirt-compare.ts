// Does libvirt's definition already say what the playbook asks for? libvirt
// fills in many defaults (uuid, controllers, PCI addresses, a bridge MAC, its
// own units), so comparing whole documents would report a change on every run.
// Instead only what the desired XML mentions is compared: the current
// definition is projected onto the desired one's shape (its elements and
// attributes, nothing else), and the two must be equal. Lists whose length is
// meaningful (a domain's disks and NICs, a network's forward and ip) also
// count: an extra disk or a leftover <forward> is a difference, since libvirt
// never adds those by itself.
import { serializeXml, type XmlElement } from './libvirt-xml.js';

/** Children that must match in number: libvirt never invents them, so an extra one was removed from the playbook. */
const COUNTED: Record<string, readonly string[]> = {
  devices: ['disk', 'interface', 'hostdev', 'filesystem'],
  os: ['kernel', 'initrd', 'cmdline'],
  network: ['forward', 'ip', 'route'],
  ip: ['dhcp'],
  dhcp: ['range', 'host'],
};
/** Counted only when the desired XML has at least one (libvirt adds a default <boot dev='hd'/> otherwise). */
const COUNTED_WHEN_GIVEN: Record<string, readonly string[]> = { os: ['boot'] };
/** Siblings whose order matters (boot order). */
const ORDERED = new Set(['boot']);
/** libvirt's run-time bookkeeping, never part of what a playbook states. */
const NOISE = new Set(['address', 'alias']);

const UNIT_KIB: Record<string, number> = { b: 1 / 1024, bytes: 1 / 1024, k: 1, kib: 1, kb: 1000 / 1024, m: 1024, mib: 1024, mb: 1e6 / 1024, g: 1024 ** 2, gib: 1024 ** 2, gb: 1e9 / 1024, t: 1024 ** 3, tib: 1024 ** 3, tb: 1e12 / 1024 };
const MEMORY_TAGS = new Set(['memory', 'currentMemory', 'maxMemory']);

/** The same definition in one spelling: memory in KiB, MACs in lower case, no run-time noise. */
export function normalizeDefinition(node: XmlElement): XmlElement {
  const attrs = { ...node.attrs };
  let text = node.text;
  if (MEMORY_TAGS.has(node.tag) && /^[0-9]+$/.test(text)) {
    const factor = UNIT_KIB[(attrs.unit ?? 'KiB').toLowerCase()];
    if (factor !== undefined) {
      text = String(Math.round(Number(text) * factor));
      attrs.unit = 'KiB';
    }
  }
  if (node.tag === 'mac' && attrs.address) attrs.address = attrs.address.toLowerCase();
  if (node.tag === 'host' && attrs.mac) attrs.mac = attrs.mac.toLowerCase();
  return { tag: node.tag, attrs, text, children: node.children.filter((c) => !NOISE.has(c.tag)).map(normalizeDefinition) };
}

function serialize(node: XmlElement): string {
  return serializeXml(node);
}

/**
 * The current element seen through the desired one: the desired attributes
 * with their current values, the desired children paired with current ones,
 * plus the current children of counted kinds that the desired XML lacks.
 */
function project(desired: XmlElement, current: XmlElement): XmlElement {
  const attrs: Record<string, string> = {};
  for (const key of Object.keys(desired.attrs)) if (key in current.attrs) attrs[key] = current.attrs[key] as string;
  const text = desired.text === '' && desired.children.length > 0 ? '' : current.text;
  const children: XmlElement[] = [];
  const used = new Set<XmlElement>();
  const tags = [...new Set(desired.children.map((c) => c.tag))];
  const pairs = new Map<XmlElement, XmlElement>();
  for (const tag of tags) {
    const wanted = desired.children.filter((c) => c.tag === tag);
    const have = current.children.filter((c) => c.tag === tag);
    for (const [w, h] of pairSiblings(wanted, have)) {
      pairs.set(w, h);
      used.add(h);
    }
  }
  for (const w of desired.children) {
    const h = pairs.get(w);
    if (h) children.push(project(w, h));
  }
  const counted = [...(COUNTED[desired.tag] ?? []), ...(COUNTED_WHEN_GIVEN[desired.tag] ?? []).filter((t) => tags.includes(t))];
  for (const c of current.children) if (counted.includes(c.tag) && !used.has(c)) children.push(c);
  return { tag: desired.tag, attrs, text, children };
}

/**
 * Pair desired siblings of one tag with current ones. Ordered tags pair by
 * position; others first by exact match (libvirt may reorder devices), then
 * the rest by position, so a changed disk still shows as before/after.
 */
function pairSiblings(wanted: XmlElement[], have: XmlElement[]): Array<[XmlElement, XmlElement]> {
  const byPosition = (ws: XmlElement[], hs: XmlElement[]) => ws.slice(0, hs.length).map((w, i): [XmlElement, XmlElement] => [w, hs[i] as XmlElement]);
  if (ORDERED.has(wanted[0]?.tag ?? '')) return byPosition(wanted, have);
  const pairs: Array<[XmlElement, XmlElement]> = [];
  const free = [...have];
  const unmatched: XmlElement[] = [];
  for (const w of wanted) {
    const i = free.findIndex((h) => serialize(project(w, h)) === serialize(w));
    if (i === -1) unmatched.push(w);
    else pairs.push([w, free.splice(i, 1)[0] as XmlElement]);
  }
  return [...pairs, ...byPosition(unmatched, free)];
}

export interface DefinitionComparison {
  same: boolean;
  /** The current definition, limited to what the desired one states (for --diff). */
  before: string;
  after: string;
}

/** Compare a desired definition with libvirt's (`dumpxml --inactive`), both already parsed. */
export function compareDefinitions(desired: XmlElement, current: XmlElement): DefinitionComparison {
  const want = normalizeDefinition(desired);
  const before = serialize(project(want, normalizeDefinition(current)));
  const after = serialize(want);
  return { same: before === after, before, after };
}
