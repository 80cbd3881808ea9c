// file state=directory recurse=yes: mode/owner/group on everything below a
// directory, as Ansible's recursive_set_attributes does. Symlinks get owner
// and group on the link itself (never a mode: Linux has no lchmod, and
// Ansible does not count it as a change either); with follow (the default)
// their targets get all attributes too, and linked directories are walked
// (find -L, which also stops at loops). Plan lists what differs; apply feeds
// exactly those paths to chown/chmod on stdin, NUL-separated, so no path is
// ever a shell word and no argument list grows past the host's limits.
// Paths are byte strings (latin1: one char per byte) so any name survives.
import type { FileStat, Host } from '../../runner/host/types.js';
import { sh } from '../../runner/quote.js';
import { attributeChanges, resolveMode, type Attributes } from './file-attributes.js';

export interface RecursePlan {
  /** How many entries change. */
  count: number;
  /** chown groups: on the link itself (-h) or through it. */
  chown: { noDereference: boolean; spec: string; paths: string[] }[];
  /** Target mode -> paths. */
  chmod: Record<string, string[]>;
}

interface Entry {
  type: string;
  stat: FileStat;
  path: string;
}

function parseEntries(records: string[]): Entry[] {
  return records.filter(Boolean).map((record) => {
    const f = record.split(' ');
    const [type = '', mode = '0', uid = '0', gid = '0', owner = '', group = ''] = f;
    const stat: FileStat = { kind: type === 'd' ? 'directory' : type === 'l' ? 'link' : 'file', mode: mode.padStart(4, '0'), uid: Number(uid), gid: Number(gid), owner, group, size: 0, mtime: 0 };
    return { type, stat, path: f.slice(6).join(' ') };
  });
}

export async function planRecurse(host: Host, dir: string, wanted: Attributes, follow: boolean): Promise<RecursePlan> {
  const plan: RecursePlan = { count: 0, chown: [], chmod: {} };
  if (wanted.mode === undefined && wanted.owner === undefined && wanted.group === undefined) return plan;
  // find takes no '--': a relative path gets './' so that a leading '-' is not read as an option.
  const start = dir.startsWith('/') ? dir : `./${dir}`;
  const fmt = '%y %m %U %G %u %g %p\\0';
  const script = follow
    ? sh`{ find ${start} -mindepth 1 -printf ${fmt}; printf '\\0--follow--\\0'; find -L ${start} -mindepth 1 -printf ${fmt} 2>/dev/null; } | base64 -w0`
    : sh`find ${start} -mindepth 1 -printf ${fmt} | base64 -w0`;
  const out = Buffer.from((await host.run(script)).stdout, 'base64').toString('latin1');
  const [own = '', followed = ''] = out.split('\0--follow--\0');
  const entries = parseEntries(own.split('\0'));
  const ownership = { owner: wanted.owner, group: wanted.group };
  const spec = `${wanted.owner ?? ''}${wanted.group !== undefined ? `:${wanted.group}` : ''}`;
  const lchown: string[] = [];
  const chown: string[] = [];
  const consider = (entry: Entry, throughLink: boolean) => {
    let changed = false;
    if (attributeChanges(entry.path, ownership, entry.stat, false).length > 0) {
      (throughLink ? chown : lchown).push(entry.path);
      changed = true;
    }
    if (wanted.mode !== undefined && entry.type !== 'l') {
      const mode = resolveMode(wanted.mode, entry.stat.mode, entry.type === 'd');
      if (mode !== entry.stat.mode) (plan.chmod[mode] ??= []).push(entry.path);
      changed ||= mode !== entry.stat.mode;
    }
    if (changed) plan.count++;
  };
  const plain = new Set<string>();
  for (const entry of entries) {
    consider(entry, false);
    if (entry.type !== 'l') plain.add(entry.path);
  }
  // Link targets and what lies in linked directories; a broken link (still 'l' under -L) has no target to change.
  for (const entry of parseEntries(followed.split('\0'))) {
    if (!plain.has(entry.path) && entry.type !== 'l') consider(entry, true);
  }
  if (lchown.length) plan.chown.push({ noDereference: true, spec, paths: lchown });
  if (chown.length) plan.chown.push({ noDereference: false, spec, paths: chown });
  return plan;
}

const nulList = (paths: string[]) => Buffer.from(paths.map((p) => `${p}\0`).join(''), 'latin1');

export async function applyRecurse(host: Host, plan: RecursePlan): Promise<void> {
  // chown before chmod: chown clears setuid/setgid bits.
  for (const group of plan.chown) {
    const command = group.noDereference ? sh`xargs -0 -r chown -h ${group.spec} --` : sh`xargs -0 -r chown ${group.spec} --`;
    await host.check(command, { stdin: nulList(group.paths) });
  }
  for (const [mode, paths] of Object.entries(plan.chmod)) {
    await host.check(sh`xargs -0 -r chmod ${mode} --`, { stdin: nulList(paths) });
  }
}
