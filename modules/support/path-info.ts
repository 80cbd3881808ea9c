// What is at a path, in more detail than Host.stat gives: the file type from
// the raw mode bits (fifo, socket and devices included), link count, inode,
// device, times with nanoseconds, the link target and the fully resolved
// path. One command answers for several paths in one round trip; stat and
// file build on it. Strings that may hold any byte (link targets, resolved
// paths) travel base64-encoded so that no newline or space can break parsing.
import { sh, joinCommands, raw, type Command } from '../../runner/quote.js';
import { ModuleFailure } from '../../runner/module-api.js';
import type { FileStat, Host } from '../../runner/host/types.js';

export type PathKind = 'file' | 'directory' | 'link' | 'fifo' | 'socket' | 'char' | 'block' | 'other';

/** One path as lstat (or stat, when following links) sees it. */
export interface PathInfo {
  kind: PathKind;
  /** Permission bits as four octal digits ('0644'). */
  mode: string;
  uid: number;
  gid: number;
  /** User and group names; undefined when the id has no name on the host. */
  owner?: string;
  group?: string;
  nlink: number;
  inode: number;
  dev: number;
  size: number;
  blocks: number;
  blockSize: number;
  rdev: number;
  atime: number;
  mtime: number;
  ctime: number;
  /** For links: the target exactly as stored. */
  linkTarget?: string;
  /** The path with every link resolved, as far as it exists (Python's os.path.realpath). */
  realPath: string;
}

const FIELDS = '%f %u %g %h %i %d %s %b %B %r %.9X %.9Y %.9Z %U %G';

/** One line per path: 'absent', 'error <b64 message>' or the stat fields. */
export function pathInfoCommand(paths: readonly string[], follow = false): Command {
  const exists = follow ? raw('[ -e "$p" ]') : raw('{ [ -e "$p" ] || [ -L "$p" ]; }');
  const statFlag = raw(follow ? '-L ' : '');
  return joinCommands(
    paths.map(
      (path) => sh`p=${path}
if ${exists}; then
  if s=$(stat ${statFlag}-c ${FIELDS} -- "$p" 2>&1); then
    t=$(readlink -n -- "$p" | base64 -w0); r=$(readlink -m -n -- "$p" | base64 -w0)
    printf '%s %s %s\\n' "$s" "\${t:--}" "\${r:--}"
  else printf 'error %s\\n' "$(printf '%s' "$s" | base64 -w0)"; fi
else echo absent; fi`,
    ),
  );
}

const KINDS: Record<number, PathKind> = {
  0o100000: 'file',
  0o040000: 'directory',
  0o120000: 'link',
  0o010000: 'fifo',
  0o140000: 'socket',
  0o020000: 'char',
  0o060000: 'block',
};

const fromB64 = (field: string | undefined): string | undefined =>
  field === undefined || field === '-' ? undefined : Buffer.from(field, 'base64').toString('utf8');

/** Parse one line of pathInfoCommand's output. */
export function parsePathInfo(line: string, path: string): PathInfo | null {
  if (line === 'absent') return null;
  if (line.startsWith('error ')) throw new ModuleFailure(`cannot stat ${path}: ${fromB64(line.slice(6)) ?? ''}`.trim());
  const f = line.split(' ');
  if (f.length !== 17) throw new ModuleFailure(`unexpected stat output for ${path}: ${JSON.stringify(line)}`);
  const rawMode = parseInt(f[0]!, 16);
  const name = (value: string) => (value === 'UNKNOWN' ? undefined : value);
  const linkTarget = fromB64(f[15]);
  const kind = KINDS[rawMode & 0o170000] ?? 'other';
  return {
    kind,
    mode: (rawMode & 0o7777).toString(8).padStart(4, '0'),
    uid: Number(f[1]),
    gid: Number(f[2]),
    nlink: Number(f[3]),
    inode: Number(f[4]),
    dev: Number(f[5]),
    size: Number(f[6]),
    blocks: Number(f[7]),
    blockSize: Number(f[8]),
    rdev: Number(f[9]),
    atime: Number(f[10]),
    mtime: Number(f[11]),
    ctime: Number(f[12]),
    owner: name(f[13]!),
    group: name(f[14]!),
    ...(kind === 'link' ? { linkTarget: linkTarget ?? '' } : {}),
    realPath: fromB64(f[16]) ?? path,
  };
}

/** Probe several paths in one round trip, each with or without following links; null where nothing is. */
export async function pathInfo(host: Host, items: readonly { path: string; follow?: boolean }[]): Promise<(PathInfo | null)[]> {
  const result = await host.check(joinCommands(items.map((item) => pathInfoCommand([item.path], item.follow ?? false))));
  const lines = result.stdout.split('\n');
  return items.map((item, i) => parsePathInfo(lines[i] ?? '', item.path));
}

/** The shape attribute helpers expect (Host's FileStat), from a PathInfo. */
export function asFileStat(info: PathInfo): FileStat {
  const kind = info.kind === 'file' || info.kind === 'directory' || info.kind === 'link' ? info.kind : 'other';
  return {
    kind,
    mode: info.mode,
    uid: info.uid,
    gid: info.gid,
    owner: info.owner ?? String(info.uid),
    group: info.group ?? String(info.gid),
    size: info.size,
    mtime: Math.floor(info.mtime),
    ...(info.linkTarget !== undefined ? { linkTarget: info.linkTarget } : {}),
  };
}

/**
 * Ansible expands '~' at the start of path parameters on the target (the
 * login or become user's home). Only '~' and '~/...' are expanded here;
 * '~user' and $VARS are left as they are.
 */
export async function expandUser(host: Host, path: string): Promise<string> {
  if (path !== '~' && !path.startsWith('~/')) return path;
  const home = (await host.check(sh`printf '%s' "$HOME"`)).stdout;
  if (!home) throw new ModuleFailure(`cannot expand ${path}: HOME is not set on the host`);
  return home.replace(/\/$/, '') + path.slice(1);
}

/**
 * Ansible's `type: path` parameters as its modules read them on the target:
 * os.path.expandvars ($NAME and ${NAME} of the remote environment; unset ones
 * stay as written), then '~'. Each name is asked for on its own, as a quoted
 * word: the value is never run through the shell.
 */
export async function expandPath(host: Host, path: string): Promise<string> {
  const names = [...new Set([...path.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)].map((m) => m[1] ?? m[2]!))];
  let expanded = path;
  if (names.length > 0) {
    const values = new Map<string, string>();
    for (const name of names) {
      const r = await host.run(sh`printenv -- ${name}`);
      if (r.rc === 0) values.set(name, r.stdout.replace(/\n$/, ''));
    }
    expanded = path.replace(/\$(?:\{(\w+)\}|(\w+))/g, (whole, braced: string | undefined, bare: string | undefined) => values.get(braced ?? bare!) ?? whole);
  }
  return expandUser(host, expanded);
}
