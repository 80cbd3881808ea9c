// hosts_entry: one name-to-address mapping in /etc/hosts. An entry is keyed by
// its names, not by its address, because that is what an operator means by
// "demo.openchami.cluster is 127.0.0.1": the name must resolve to that address
// and to no other, while the other names on 127.0.0.1 (localhost) stay.
//   present: a line 'IP NAME ALIAS...' exists (the first line with this IP and
//            this first name is reused, its comment kept); the names are taken
//            off every other line of the same address family (IPv4 and IPv6
//            entries for one name may coexist), and a line left without names
//            goes away. So duplicates never build up across runs.
//   absent:  the names are taken off every line (only lines of `ip` when it is
//            given); with only `ip`, every line of that address goes.
// Other lines, comments and blank lines are kept byte for byte.
import { isIP } from 'node:net';
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { applyEdit, describeEdit, joinLines, readConfigFile, splitLines, type ConfigEdit } from './support/config-file.js';
import { normaliseAddress } from './support/proc-net.js';

interface HostsLine {
  /** The address as normalised for comparison; undefined for blank and comment lines. */
  ip?: string;
  names: string[];
  /** Everything from '#' on, kept when the line is rewritten. */
  comment: string;
  raw: string;
  /** The address as written, kept when the line is rewritten. */
  ipText?: string;
}

function parseLine(raw: string): HostsLine {
  const hash = raw.indexOf('#');
  const body = hash < 0 ? raw : raw.slice(0, hash);
  const comment = hash < 0 ? '' : raw.slice(hash);
  const [ipText, ...names] = body.trim().split(/\s+/).filter(Boolean);
  if (ipText === undefined) return { names: [], comment, raw };
  return { ip: normaliseAddress(ipText), ipText, names, comment, raw };
}

function render(line: HostsLine): string {
  const text = [line.ipText, ...line.names].join(' ');
  return line.comment ? `${text} ${line.comment}` : text;
}

const family = (ip: string) => (ip.includes(':') ? 6 : 4);
const lower = (names: readonly string[]) => new Set(names.map((n) => n.toLowerCase()));

/** Take `names` off the lines `touches` selects; lines left with no name are dropped. */
function removeNames(lines: HostsLine[], names: Set<string>, touches: (line: HostsLine) => boolean): HostsLine[] {
  return lines.flatMap((line) => {
    if (line.ip === undefined || !touches(line)) return [line];
    const kept = line.names.filter((n) => !names.has(n.toLowerCase()));
    if (kept.length === line.names.length) return [line];
    return kept.length === 0 ? [] : [{ ...line, names: kept, raw: render({ ...line, names: kept }) }];
  });
}

function checkValues(ip: string | undefined, names: readonly string[]): void {
  if (ip !== undefined && isIP(ip) === 0) throw new ModuleFailure(`ip '${ip}' is not an IPv4 or IPv6 address`);
  for (const name of names) {
    if (!/^[^\s#]+$/.test(name)) throw new ModuleFailure(`hostname ${JSON.stringify(name)} may not contain blanks or '#'`);
  }
}

export default defineModule({
  name: 'hosts_entry',
  summary: 'Make a name (and its aliases) resolve to one address in /etc/hosts, without duplicates.',
  changedWhen: 'the file content changes: the line is added or rewritten, or the names are taken off other lines.',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      ip: { type: 'string', minLength: 1, description: 'The address (IPv4 or IPv6). Required for state=present.' },
      hostnames: {
        type: ['array', 'string'],
        items: { type: 'string', minLength: 1 },
        description: 'The canonical name first, then aliases (a single string is one name). The entry is keyed by these names: they end up on this line only.',
      },
      state: { enum: ['present', 'absent'], default: 'present', description: 'present: the line exists and no other line of the same address family has these names. absent: the names (or, with only ip, the address) are removed.' },
      path: { type: 'string', minLength: 1, default: '/etc/hosts', description: 'The hosts file to edit.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as PATH.<pid>.<date>~.' },
    },
  },
  paramAliases: { names: 'hostnames', hostname: 'hostnames', name: 'hostnames', address: 'ip', dest: 'path' },
  async plan(host, params) {
    const names = params.hostnames === undefined ? [] : typeof params.hostnames === 'string' ? [params.hostnames] : [...params.hostnames];
    checkValues(params.ip, names);
    const file = await readConfigFile(host, params.path);
    let lines = splitLines(file.text).map(parseLine);
    const wanted = lower(names);
    let what: string;

    if (params.state === 'absent') {
      if (names.length === 0 && params.ip === undefined) throw new ModuleFailure('state=absent needs hostnames, ip, or both');
      const ip = params.ip === undefined ? undefined : normaliseAddress(params.ip);
      lines = names.length > 0 ? removeNames(lines, wanted, (l) => ip === undefined || l.ip === ip) : lines.filter((l) => l.ip !== ip);
      what = `remove ${[params.ip, ...names].filter(Boolean).join(' ')}`;
    } else {
      if (params.ip === undefined || names.length === 0) throw new ModuleFailure('state=present needs ip and hostnames');
      const ip = normaliseAddress(params.ip);
      const first = names[0]!.toLowerCase();
      const own = lines.find((l) => l.ip === ip && l.names[0]?.toLowerCase() === first);
      const exact = own !== undefined && own.names.join(' ') === names.join(' ');
      const fresh: HostsLine = { ip, ipText: params.ip, names, comment: own?.comment ?? '', raw: '' };
      const mine = exact ? own : { ...fresh, raw: render(fresh) };
      lines = removeNames(lines, wanted, (l) => l !== own && family(l.ip!) === family(ip));
      // removeNames keeps untouched lines as the same objects, so our line is found by identity.
      const at = own === undefined ? -1 : lines.indexOf(own);
      if (at >= 0) lines[at] = mine;
      else lines.push(mine);
      what = `${params.ip} ${names.join(' ')}`;
    }
    const rawLines = lines.map((l) => l.raw);
    // Rewrite only when a line changed: a missing final newline alone is no reason to touch the file.
    const same = file.text !== null && rawLines.join('\n') === splitLines(file.text).join('\n');
    const edit: ConfigEdit = { file, after: same || (file.text === null && lines.length === 0) ? file.text : joinLines(rawLines) };
    return { ...describeEdit(edit, what), state: edit };
  },
  async apply(host, params, plan) {
    const { backupPath } = await applyEdit(host, plan.state!, { backup: params.backup });
    return { result: backupPath ? { backup_file: backupPath } : {} };
  },
});
