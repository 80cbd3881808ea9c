// Mode, owner and group: what files, copy and template share. A mode may come
// as an octal string ('0644', '644'), a number (YAML 1.1 reads 0644 as 420,
// exactly as Ansible does) or chmod's symbolic form ('u=rw,g=r,o=r').
import { ModuleFailure } from '../../runner/module-api.js';
import type { FileStat, Host } from '../../runner/host/types.js';
import { sh, joinCommands, type Command } from '../../runner/quote.js';

export const attributeSchemaProperties = {
  mode: {
    type: ['string', 'integer'],
    description: "Permissions: octal string ('0644'), a YAML 1.1 octal number (0644), or symbolic ('u=rw,g=r,o=r').",
  },
  owner: { type: 'string', description: 'User name (or uid) that should own the file.' },
  group: { type: 'string', description: 'Group name (or gid) that should own the file.' },
} as const;

export interface Attributes {
  mode?: string | number;
  owner?: string;
  group?: string;
}

/** The wanted permission bits as four octal digits, resolved against the current ones. */
/** A stat mode's permission bits as a mode parameter ('0644', '4755'). */
export function octalMode(statMode: number): string {
  return (statMode & 0o7777).toString(8).padStart(4, '0');
}

export function resolveMode(mode: string | number, current: string | undefined, isDirectory: boolean): string {
  if (typeof mode === 'number') {
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) throw new ModuleFailure(`mode ${mode} is not a valid permission number`);
    return mode.toString(8).padStart(4, '0');
  }
  if (/^[0-7]{3,4}$/.test(mode)) return mode.padStart(4, '0');
  return applySymbolicMode(mode, parseInt(current ?? '0', 8), isDirectory).toString(8).padStart(4, '0');
}

const WHO_BITS: Record<string, number> = { u: 0o4700, g: 0o2070, o: 0o1007 };

/** chmod's symbolic grammar: [ugoa]*[-+=][rwxXst]* , comma separated. */
function applySymbolicMode(spec: string, start: number, isDirectory: boolean): number {
  let mode = start;
  for (const clause of spec.split(',')) {
    const m = /^([ugoa]*)([-+=])([rwxXst]*)$/.exec(clause.trim());
    if (!m) throw new ModuleFailure(`mode '${spec}' is neither octal nor symbolic (u=rw,g=r,o=r)`);
    const who = m[1] === '' || m[1]!.includes('a') ? 'ugo' : m[1]!;
    let whoMask = 0;
    for (const w of who) whoMask |= WHO_BITS[w]!;
    let bits = 0;
    for (const p of m[3]!) {
      if (p === 'r') bits |= 0o444;
      if (p === 'w') bits |= 0o222;
      if (p === 'x' || (p === 'X' && (isDirectory || (mode & 0o111) !== 0))) bits |= 0o111;
      if (p === 's') bits |= 0o6000;
      if (p === 't') bits |= 0o1000;
    }
    bits &= whoMask;
    if (m[2] === '+') mode |= bits;
    else if (m[2] === '-') mode &= ~bits;
    else mode = (mode & ~whoMask) | bits;
  }
  return mode;
}

/** What differs between the wanted attributes and the file as it is, as change sentences. */
export function attributeChanges(path: string, wanted: Attributes, current: FileStat | null, isDirectory: boolean): string[] {
  const changes: string[] = [];
  if (wanted.mode !== undefined) {
    const mode = resolveMode(wanted.mode, current?.mode, isDirectory);
    if (mode !== current?.mode) changes.push(`mode of ${path}: ${current?.mode ?? '(none)'} -> ${mode}`);
  }
  if (wanted.owner !== undefined && !sameId(wanted.owner, current?.owner, current?.uid)) {
    changes.push(`owner of ${path}: ${current?.owner ?? '(none)'} -> ${wanted.owner}`);
  }
  if (wanted.group !== undefined && !sameId(wanted.group, current?.group, current?.gid)) {
    changes.push(`group of ${path}: ${current?.group ?? '(none)'} -> ${wanted.group}`);
  }
  return changes;
}

function sameId(wanted: string, name: string | undefined, id: number | undefined): boolean {
  return wanted === name || (/^\d+$/.test(wanted) && Number(wanted) === id);
}

/** Set mode, owner and group in one command; only what was asked for. */
export async function applyAttributes(host: Host, path: string, wanted: Attributes, current: FileStat | null, isDirectory: boolean): Promise<void> {
  const steps: Command[] = [];
  if (wanted.owner !== undefined || wanted.group !== undefined) {
    const spec = `${wanted.owner ?? ''}${wanted.group !== undefined ? `:${wanted.group}` : ''}`;
    steps.push(sh`chown -h ${spec} -- ${path}`);
  }
  // chmod after chown: chown clears setuid bits.
  if (wanted.mode !== undefined) steps.push(sh`chmod ${resolveMode(wanted.mode, current?.mode, isDirectory)} -- ${path}`);
  if (steps.length > 0) await host.check(joinCommands(steps, ' && '));
}
