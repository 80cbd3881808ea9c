// What find needs from the host, in one round trip: every entry under a
// directory with its lstat fields (GNU find -printf, NUL-separated, sent
// base64 so any byte in a name survives), and the order Python's os.walk
// visits them in (per directory: files, then directories; then each
// directory top-down), which is the order Ansible's find returns files in.
import { joinCommands, sh } from '../../runner/quote.js';
import type { Host } from '../../runner/host/types.js';

/** One entry under a searched path, as find -printf saw it (lstat). */
export interface WalkEntry {
  path: string;
  name: string;
  /** Depth below the searched path: 1 for its direct entries. */
  depth: number;
  /** lstat type (f, d, l, p, s, c, b) and, for links, the target's type (Python's is_dir follows links). */
  type: string;
  targetType: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
  owner: string;
  group: string;
}

/** The host's answer for one searched path: its entries in os.walk order, or why it was skipped. */
export type WalkResult = { entries: WalkEntry[] } | { skipped: string };

const FORMAT = '%y %Y %m %U %G %s %i %D %n %A@ %T@ %C@ %d %u %g\\0%p\\0%f\\0';

/** Walk each path (maxDepth: how deep find looks; undefined: all the way). */
export async function walk(host: Host, paths: readonly string[], maxDepth: number | undefined): Promise<{ results: WalkResult[]; now: number }> {
  const depth = maxDepth === undefined ? [] : ['-maxdepth', String(maxDepth)];
  const out = await host.check(
    joinCommands([
      sh`date +%s.%N`,
      ...paths.map((p) => sh`if [ -d ${p} ]; then printf 'D '; { find ${p} -mindepth 1 ${depth} -printf ${FORMAT} 2>/dev/null; true; } | base64 -w0; echo; else echo N; fi`),
    ]),
  );
  const [now = '0', ...lines] = out.stdout.split('\n');
  const results = paths.map((path, i): WalkResult => {
    const line = lines[i] ?? 'N';
    if (!line.startsWith('D ')) return { skipped: `'${path}' is not a directory` };
    return { entries: walkOrder(parseEntries(Buffer.from(line.slice(2), 'base64').toString('utf8'))) };
  });
  return { results, now: Number(now) };
}

function parseEntries(text: string): WalkEntry[] {
  const parts = text.split('\0');
  const entries: WalkEntry[] = [];
  for (let i = 0; i + 2 < parts.length; i += 3) {
    const f = parts[i]!.split(' ');
    const name = (value: string, id: string) => (value === id ? '' : value);
    entries.push({
      type: f[0]!, targetType: f[1]!, mode: parseInt(f[2]!, 8), uid: Number(f[3]), gid: Number(f[4]), size: Number(f[5]), inode: Number(f[6]),
      dev: Number(f[7]), nlink: Number(f[8]), atime: Number(f[9]), mtime: Number(f[10]), ctime: Number(f[11]), depth: Number(f[12]),
      owner: name(f[13]!, f[3]!), group: name(f[14]!, f[4]!), path: parts[i + 1]!, name: parts[i + 2]!,
    });
  }
  return entries;
}

/** find's pre-order, re-ordered as os.walk yields: a directory's files, then its directories, then each of those (links not entered). */
function walkOrder(entries: WalkEntry[]): WalkEntry[] {
  const children = new Map<string, WalkEntry[]>();
  const parentOf = (e: WalkEntry) => e.path.slice(0, e.path.length - e.name.length - 1);
  for (const e of entries) {
    const list = children.get(parentOf(e)) ?? [];
    list.push(e);
    children.set(parentOf(e), list);
  }
  const roots = entries.filter((e) => e.depth === 1).map(parentOf);
  const ordered: WalkEntry[] = [];
  const visit = (dir: string) => {
    const here = children.get(dir) ?? [];
    const dirs = here.filter((e) => e.targetType === 'd');
    ordered.push(...here.filter((e) => e.targetType !== 'd'), ...dirs);
    for (const d of dirs) if (d.type === 'd') visit(d.path);
  };
  if (roots.length) visit(roots[0]!);
  return ordered;
}
