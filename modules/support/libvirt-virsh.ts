// virsh on the target host: reading one libvirt object (domain, network or
// pool) in one round trip, and running the steps a plan decided. Names always
// follow their option (--domain NAME), so a name starting with '-' is never
// taken for an option.
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { raw, sh, type Command } from '../../runner/quote.js';
import { parseXml, serializeXml, type XmlElement } from './libvirt-xml.js';

export type LibvirtKind = 'domain' | 'network' | 'pool';

/** A MAC address as schemas accept it (either case; written in lower case, as libvirt does). */
export const MAC_PATTERN = '^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$';

/** The `uri` parameter every libvirt module shares. */
export const uriParam = {
  type: 'string',
  minLength: 1,
  default: 'qemu:///system',
  description: 'libvirt connection URI, used on the target host (virsh -c URI).',
} as const;

/** The virsh commands that list, describe and dump each kind, and the option that names one object. */
const VERBS: Record<LibvirtKind, { list: string; info: string; dump: string; option: string }> = {
  domain: { list: 'list', info: 'dominfo', dump: 'dumpxml', option: '--domain' },
  network: { list: 'net-list', info: 'net-info', dump: 'net-dumpxml', option: '--network' },
  pool: { list: 'pool-list', info: 'pool-info', dump: 'pool-dumpxml', option: '--pool' },
};

/** One libvirt object as virsh describes it: `info` is the key/value lines of dominfo/net-info/pool-info. */
export interface LibvirtObject {
  info: Record<string, string>;
  /** The persistent definition (`--inactive`). */
  xml: XmlElement;
  xmlText: string;
}

/** `virsh -c URI ARGS...`, every argument quoted. */
export function virsh(uri: string, ...args: readonly string[]): Command {
  return sh`virsh -q -c ${uri} ${args}`;
}

/** The object named `name`, or null when libvirt has none (a failed connection is an error, not "absent"). */
export async function readObject(host: Host, kind: LibvirtKind, uri: string, name: string): Promise<LibvirtObject | null> {
  const v = VERBS[kind];
  // The list is taken first and on its own: if virsh cannot connect, the script fails instead of reporting "absent".
  // Some drivers pad --name output with spaces. A driver without separate persistent XML (the test driver's networks) refuses --inactive: its live XML is the definition.
  const script = sh`U=${uri} N=${name}
set -e
names=$(virsh -q -c "$U" ${raw(v.list)} --all --name)
printf '%s\\n' "$names" | sed 's/ *$//' | grep -Fxq -- "$N" || { echo absent; exit 0; }
echo present
virsh -q -c "$U" ${raw(v.info)} ${raw(v.option)} "$N"
echo @@xml
virsh -q -c "$U" ${raw(v.dump)} --inactive ${raw(v.option)} "$N" 2>/dev/null || virsh -q -c "$U" ${raw(v.dump)} ${raw(v.option)} "$N"`;
  const out = (await host.check(script)).stdout;
  if (out.startsWith('absent')) return null;
  return parseObject(out);
}

/** Parse what readObject's script printed after "present". */
export function parseObject(out: string): LibvirtObject {
  const at = out.indexOf('\n@@xml\n');
  if (!out.startsWith('present\n') || at === -1) throw new ModuleFailure(`unexpected virsh output: ${out.slice(0, 200)}`);
  const info: Record<string, string> = {};
  for (const line of out.slice('present\n'.length, at).split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m) info[(m[1] as string).trim()] = (m[2] as string).trim();
  }
  const xmlText = out.slice(at + '\n@@xml\n'.length);
  return { info, xml: parseXml(xmlText), xmlText };
}

/** One command of an apply, with the XML it reads on stdin (virsh define --file /dev/stdin). */
export interface VirshStep {
  command: Command;
  stdin?: string;
}

/**
 * `virsh define` (net-define, pool-define) of the XML given on stdin. Through
 * a private temp file: stdin may be a socket, which /dev/stdin cannot open.
 */
export function defineStep(uri: string, verb: 'define' | 'net-define' | 'pool-define', definition: XmlElement): VirshStep {
  const command = sh`U=${uri}
f=$(mktemp) || exit 1
cat > "$f" && virsh -q -c "$U" ${raw(verb)} --file "$f"
rc=$?; rm -f -- "$f"; exit $rc`;
  return { command, stdin: serializeXml(definition) };
}

/** Run the planned steps in order; the first failure stops the rest. */
export async function runSteps(host: Host, steps: readonly VirshStep[]): Promise<void> {
  for (const step of steps) await host.check(step.command, step.stdin === undefined ? {} : { stdin: step.stdin });
}

/** yes/enable -> true; what dominfo, net-info and pool-info print for Autostart and Active. */
export function infoFlag(value: string | undefined): boolean {
  return value === 'yes' || value === 'enable';
}

/**
 * Put the existing object's uuid into the desired definition: libvirt refuses
 * to redefine an object by name without it ("already exists"). A desired uuid
 * that differs is the playbook's error, reported rather than overwritten.
 */
export function keepUuid(desired: XmlElement, current: XmlElement, what: string): XmlElement {
  const uuid = current.children.find((c) => c.tag === 'uuid')?.text;
  const given = desired.children.find((c) => c.tag === 'uuid');
  if (!uuid) return desired;
  if (given) {
    if (given.text.toLowerCase() !== uuid.toLowerCase()) throw new ModuleFailure(`${what} exists with uuid ${uuid}, but the definition asks for uuid ${given.text}`);
    return desired;
  }
  const children = [...desired.children];
  const nameAt = children.findIndex((c) => c.tag === 'name');
  children.splice(nameAt + 1, 0, { tag: 'uuid', attrs: {}, children: [], text: uuid });
  return { ...desired, children };
}

/** The definition's <name>: inserted when missing, and it must agree with the `name` parameter. */
export function withName(desired: XmlElement, name: string, what: string): XmlElement {
  const given = desired.children.find((c) => c.tag === 'name');
  if (given && given.text !== name) throw new ModuleFailure(`the ${what} XML is named '${given.text}', but the name parameter is '${name}'`);
  if (given) return desired;
  return { ...desired, children: [{ tag: 'name', attrs: {}, children: [], text: name }, ...desired.children] };
}

/** Parse a playbook's inline XML, reporting its errors as the task's failure. */
export function parseDesired(text: string, rootTag: string): XmlElement {
  let root: XmlElement;
  try {
    root = parseXml(text);
  } catch (e) {
    throw new ModuleFailure(`xml: ${(e as Error).message}`);
  }
  if (root.tag !== rootTag) throw new ModuleFailure(`xml: the root element must be <${rootTag}>, not <${root.tag}>`);
  return root;
}
