// find: list files under directories by name (glob or Python regex), type,
// age, size and content, a port of Ansible's find.py: the same filters in the
// same order, the same stat keys per file, the same msg/examined/matched and
// skipped_paths. The host is read in one round trip (support/find-walk.ts),
// plus one for checksums or content when asked. It only reads.
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import { joinCommands, sh } from '../runner/quote.js';
import type { Host } from '../runner/host/types.js';
import { listParam } from './support/accounts.js';
import { compilePython } from './support/python-regex.js';
import { expandUser } from './support/path-info.js';
import { walk, type WalkEntry } from './support/find-walk.js';

const stringList = { type: ['string', 'array'], items: { type: 'string' } } as const;
const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, b: 1, k: 1024, g: 1024 ** 3, t: 1024 ** 4 };

/** '-2d' -> -172800; '10m' is minutes for age, mebibytes for size, as in Ansible. */
function amount(value: string | undefined, units: string, what: string): number | undefined {
  if (value === undefined) return undefined;
  const m = new RegExp(`^(-?\\d+)([${units}])?$`).exec(value.toLowerCase());
  if (!m) throw new ModuleFailure(`failed to process ${what}`, { [what]: value });
  const unit = m[2] === undefined ? 1 : what === 'size' && m[2] === 'm' ? 1024 ** 2 : UNITS[m[2]]!;
  return Number(m[1]) * unit;
}

/** Python's fnmatch.translate: * and ? match any character ('/' and '.' too), [!...] negates. */
function fnmatchRegex(pattern: string): RegExp {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    const close = c === '[' ? pattern.indexOf(']', i + (pattern[i + 1] === '!' ? 3 : 2)) : -1;
    if (c === '*') out += '[\\s\\S]*';
    else if (c === '?') out += '[\\s\\S]';
    else if (c === '[' && close > 0) {
      let body = pattern.slice(i + 1, close).replace(/\\/g, '\\\\');
      if (body.startsWith('!')) body = `^${body.slice(1)}`;
      else if (body.startsWith('^')) body = `\\${body}`;
      out += `[${body}]`;
      i = close;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^(?:${out})$`);
}

/** Ansible's pfilter: a pattern matches the name, and no exclude does (regexes match at the start, re.match). */
function nameFilter(patterns: string[], excludes: string[], useRegex: boolean): (name: string) => boolean {
  const sticky = (r: RegExp) => new RegExp(r.source, `${r.flags}y`);
  const compile = (p: string) => (useRegex ? sticky(compilePython(p, 'pattern').regex) : fnmatchRegex(p));
  const [pats, excl] = [patterns.map(compile), excludes.map(compile)];
  const hit = (r: RegExp, name: string) => ((r.lastIndex = 0), r.test(name));
  return (name) => pats.some((p) => hit(p, name)) && !excl.some((e) => hit(e, name));
}

/** Ansible's statinfo keys for one entry. */
function statInfo(e: WalkEntry): Record<string, unknown> {
  const bit = (b: number) => (e.mode & b) !== 0;
  return {
    path: e.path, mode: (e.mode & 0o7777).toString(8).padStart(4, '0'),
    isdir: e.type === 'd', ischr: e.type === 'c', isblk: e.type === 'b', isreg: e.type === 'f', isfifo: e.type === 'p', islnk: e.type === 'l', issock: e.type === 's',
    uid: e.uid, gid: e.gid, size: e.size, inode: e.inode, dev: e.dev, nlink: e.nlink, atime: e.atime, mtime: e.mtime, ctime: e.ctime,
    gr_name: e.group, pw_name: e.owner,
    wusr: bit(0o200), rusr: bit(0o400), xusr: bit(0o100), wgrp: bit(0o20), rgrp: bit(0o40), xgrp: bit(0o10), woth: bit(0o2), roth: bit(0o4), xoth: bit(0o1),
    isuid: bit(0o4000), isgid: bit(0o2000),
  };
}

export default defineModule({
  name: 'find',
  summary: 'List files under directories by name pattern, type, age, size or content, with their stat fields.',
  changedWhen: 'never: it only reads.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['paths'],
    properties: {
      paths: { ...stringList, description: "Directories to search (list or 'a,b'; aliases name, path)." },
      patterns: { ...stringList, default: [], description: 'Name patterns (globs, or Python regexes with use_regex), any of which must match the base name (alias pattern).' },
      excludes: { ...stringList, description: 'Name patterns that exclude a matched entry (alias exclude).' },
      contains: { type: 'string', description: 'A Python regex that a line of the file must match from its start (files only).' },
      read_whole_file: { type: 'boolean', default: false, description: 'Search contains anywhere in the whole file instead of line by line.' },
      file_type: { enum: ['any', 'directory', 'file', 'link'], default: 'file', description: 'What kind of entry to return.' },
      age: { type: 'string', description: "At least this old ('2d', '1w', '30m'); negative: at most this old." },
      age_stamp: { enum: ['atime', 'ctime', 'mtime'], default: 'mtime', description: 'The time age compares.' },
      size: { type: 'string', description: "At least this big ('10k', '1g'); negative: at most this big (regular files)." },
      recurse: { type: 'boolean', default: false, description: 'Descend into subdirectories.' },
      hidden: { type: 'boolean', default: false, description: "Include entries whose name starts with '.'." },
      follow: { enum: [false], default: false, description: 'Following symlinked directories is not supported by drover: only false is accepted.' },
      get_checksum: { type: 'boolean', default: false, description: 'Add the SHA-1 checksum of regular files.' },
      use_regex: { type: 'boolean', default: false, description: 'patterns and excludes are Python regexes (matched at the start of the name), not globs.' },
      depth: { type: 'integer', minimum: 0, description: 'How many levels deep to return entries when recursing (0: no limit).' },
    },
  },
  paramAliases: { name: 'paths', path: 'paths', pattern: 'patterns', exclude: 'excludes' },
  async plan(host, params, ctx) {
    const age = amount(params.age, 'smhdw', 'age');
    const size = amount(params.size, 'bkmgt', 'size');
    const patterns = listParam(params.patterns) ?? [];
    const accept = nameFilter(patterns.length ? patterns : [params.use_regex ? '.*' : '*'], listParam(params.excludes) ?? [], params.use_regex);
    const paths = await Promise.all((listParam(params.paths) ?? []).map((p) => expandUser(host, p)));
    const limit = params.depth ? params.depth : undefined;
    const { results, now } = await walk(host, paths, !params.recurse ? 1 : limit !== undefined ? limit + 1 : undefined);
    const ageOk = (e: WalkEntry) => age === undefined || (age >= 0 ? now - e[`${params.age_stamp}`] >= age : now - e[`${params.age_stamp}`] <= -age);
    const sizeOk = (e: WalkEntry) => size === undefined || (size >= 0 ? e.size >= size : e.size <= -size);
    const wanted: Record<string, (e: WalkEntry) => boolean> = {
      any: (e) => e.type !== 'f' || sizeOk(e),
      directory: (e) => e.type === 'd',
      file: (e) => e.type === 'f' && sizeOk(e),
      link: (e) => e.type === 'l',
    };
    const skipped: Record<string, string> = {};
    const candidates: WalkEntry[] = [];
    let examined = 0;
    results.forEach((r, i) => {
      if ('skipped' in r) return void (skipped[paths[i]!] = r.skipped);
      examined += r.entries.length;
      const shown = r.entries.filter((e) => (limit === undefined || e.depth <= limit) && (params.hidden || !e.name.startsWith('.')));
      candidates.push(...shown.filter((e) => accept(e.name) && ageOk(e) && wanted[params.file_type]!(e)));
    });
    for (const [path, why] of Object.entries(skipped)) ctx.warn(`Skipped '${path}' path due to this access issue: ${why}`);
    const files = await withContent(host, candidates, params);
    return {
      changes: [],
      result: { files, msg: Object.keys(skipped).length ? 'Not all paths examined, check warnings for details' : 'All paths examined', matched: files.length, examined, skipped_paths: skipped },
    };
  },
});

interface ContentParams {
  file_type: string;
  contains?: string;
  read_whole_file: boolean;
  get_checksum: boolean;
}

/** Apply contains (file_type file only, as Ansible) and add checksums; one more round trip when either is asked for. */
async function withContent(host: Host, entries: WalkEntry[], params: ContentParams): Promise<Record<string, unknown>[]> {
  const contains = params.file_type === 'file' && params.contains !== undefined ? compilePython(params.contains, 'contains').regex : undefined;
  const regular = entries.filter((e) => e.type === 'f');
  if (!regular.length || (!contains && !params.get_checksum)) return entries.map(statInfo);
  // Per file one line: '<base64 content or -> <sha1 or ->' (base64 has no spaces).
  const flag = (on: boolean) => (on ? 'true' : 'false');
  const read = await host.check(
    joinCommands(
      regular.map((e) => sh`f=${e.path}; c=-; s=-; if ${flag(!!contains)}; then c=$(base64 -w0 < "$f" 2>/dev/null); fi; if ${flag(params.get_checksum)}; then s=$(sha1sum < "$f" 2>/dev/null | cut -d' ' -f1); fi; printf '%s %s\\n' "\${c:--}" "\${s:--}"`),
    ),
  );
  const lines = read.stdout.split('\n');
  const found = new Map(regular.map((e, i) => [e, (lines[i] ?? '- -').split(' ')]));
  const out: Record<string, unknown>[] = [];
  for (const e of entries) {
    const info = statInfo(e);
    if (e.type === 'f') {
      const [content = '', sha1 = ''] = found.get(e)!;
      if (contains && !matchesContent(Buffer.from(content, 'base64'), contains, params.read_whole_file)) continue;
      if (params.get_checksum) info.checksum = sha1;
    }
    out.push(info);
  }
  return out;
}

/** Ansible's contentfilter: re.match on each line (its newline kept), or re.search on the whole text; undecodable files never match. */
function matchesContent(bytes: Buffer, regex: RegExp, whole: boolean): boolean {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return false;
  }
  if (whole) return regex.test(text);
  const sticky = new RegExp(regex.source, `${regex.flags}y`);
  return (text.match(/[^\n]*\n|[^\n]+$/g) ?? []).some((line) => ((sticky.lastIndex = 0), sticky.test(line)));
}
