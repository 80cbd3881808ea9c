// unarchive: unpack a tar archive (plain, gzip, bzip2, xz, zstd) into a
// directory on the host, a port of Ansible's unarchive.py for its tar
// handlers: GNU tar lists the archive, `tar --diff` says whether dest already
// holds it (Ansible's idempotence test: missing files, mode, owner, group and
// mtime differences), and only then does `tar --extract` run. src is a
// controller file (uploaded to a temp dir) or, with remote_src, a file on the
// host. As in Ansible, tar archives are skipped in check mode; zip archives
// are refused (drover has no zip handler yet).
import { defineModule, ModuleFailure } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { sh, type Command } from '../runner/quote.js';
import { applyAttributes, attributeChanges, attributeSchemaProperties, type Attributes } from './support/file-attributes.js';
import { asFileStat, expandPath, expandUser, pathInfo } from './support/path-info.js';
import { pathResult } from './support/path-result.js';

interface Params extends Attributes {
  src: string;
  dest: string;
  remote_src: boolean;
  creates?: string;
  list_files: boolean;
  keep_newer: boolean;
  exclude: string[];
  include: string[];
  extra_opts: string[];
  decrypt: boolean;
}

interface State {
  dest: string;
  /** The archive's bytes when it comes from the controller; undefined with remote_src. */
  upload?: Buffer;
  src: string;
}

/** Ansible's tar handlers, in the order pick_handler tries them, with their compression flag. */
const HANDLERS: readonly [string, string | null][] = [
  ['TgzArchive', '-z'],
  ['TarArchive', null],
  ['TarBzipArchive', '-j'],
  ['TarXzArchive', '-J'],
  ['TarZstdArchive', '--use-compress-program=zstd'],
];

// The lines of `tar --diff` that mean dest does not hold the archive (unarchive.py's *_RE).
const EMPTY_FILE = /: : Warning: Cannot stat: No such file or directory$/;
const MISSING_FILE = /: Warning: Cannot stat: No such file or directory$/;

const CHECK_MODE_MSG = 'remote module (ansible.legacy.unarchive) does not support check mode when using gtar';

export default defineModule({
  name: 'unarchive',
  summary: 'Unpack a tar archive (gzip, bzip2, xz, zstd or plain) from the controller or the host into a directory on the host.',
  changedWhen: "tar --diff finds a file of the archive missing or different in dest (content time, mode, owner, group), or mode/owner/group differ. Tar archives are skipped in check mode, as Ansible's GNU tar handler skips them.",
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', description: "The archive: a controller file (searched in the role's files/, then the playbook's directory), or with remote_src a file on the host." },
      dest: { type: 'string', description: 'An existing directory on the host to unpack into.' },
      remote_src: { type: 'boolean', default: false, description: 'src is already on the host (not a URL: download it with get_url first).' },
      creates: { type: 'string', description: 'A path on the host: when it exists the task is skipped.' },
      list_files: { type: 'boolean', default: false, description: "Return the archive's file names as files." },
      keep_newer: { type: 'boolean', default: false, description: 'Do not replace files in dest that are newer than the archive\'s (tar --keep-newer-files).' },
      exclude: { type: 'array', items: { type: 'string' }, default: [], description: 'Archive members (shell patterns) left out; exclusive with include.' },
      include: { type: 'array', items: { type: 'string' }, default: [], description: 'Only these archive members; exclusive with exclude.' },
      extra_opts: { type: 'array', items: { type: 'string' }, default: [], description: "Extra tar options, each one word (e.g. '--strip-components=1')." },
      decrypt: { type: 'boolean', default: true, description: 'A controller src that is a vault is decrypted before it is sent.' },
      ...attributeSchemaProperties,
    },
  },
  async plan(host, input, ctx) {
    const params = input as Params;
    if (params.include.length > 0 && params.exclude.length > 0) throw new ModuleFailure('parameters are mutually exclusive: include|exclude');
    if (params.creates !== undefined) {
      const creates = await expandUser(host, params.creates);
      const [found = null] = await pathInfo(host, [{ path: creates, follow: true }]);
      if (found) return { changes: [], skipped: { msg: `skipped, since ${creates} exists` } };
    }
    const dest = await expandUser(host, params.dest);
    let upload: Buffer | undefined;
    let src: string;
    if (!params.remote_src) {
      const found = await ctx.readLocalFile(params.src, 'files', { decrypt: params.decrypt });
      upload = found.content;
      src = found.path;
    } else {
      src = await expandPath(host, params.src);
      if (src.includes('://')) throw new ModuleFailure(`drover's unarchive does not download '${src}': fetch it with get_url first, then unarchive it with remote_src`);
    }
    const [destInfo = null] = await pathInfo(host, [{ path: dest, follow: true }]);
    if (destInfo?.kind !== 'directory') throw new ModuleFailure(`dest '${dest}' must be an existing dir`);
    if (upload === undefined) {
      const r = await host.run(sh`p=${src}; [ -e "$p" ] || exit 3; [ -r "$p" ] || exit 4; [ -s "$p" ] || exit 5; head -c 4 -- "$p" | od -An -tx1`);
      const messages: Record<number, string> = { 3: `Source '${src}' does not exist`, 4: `Source '${src}' not readable`, 5: `Invalid archive '${src}', the file is 0 bytes` };
      if (messages[r.rc]) throw new ModuleFailure(messages[r.rc]!);
      if (r.stdout.replace(/\s/g, '') === '504b0304') throw zipRefused(src);
    } else if (upload.subarray(0, 4).equals(Buffer.from('PK\x03\x04', 'latin1'))) throw zipRefused(params.src);
    return {
      changes: [`unpack ${params.src} into ${dest}`],
      state: { dest, upload, src },
      inCheckMode: { skipped: true, result: { msg: CHECK_MODE_MSG } },
    };
  },
  async apply(host, input, plan) {
    const params = input as Params;
    const state = plan.state as State;
    let tmpDir: string | undefined;
    try {
      let src = state.src;
      if (state.upload !== undefined) {
        // Ansible's action uploads the archive as <remote tmp>/source; the module sees that path.
        tmpDir = (await host.check(sh`mktemp -d`)).stdout.trim();
        src = `${tmpDir}/source`;
        await host.writeFile(src, state.upload);
        if (state.upload.length === 0) throw new ModuleFailure(`Invalid archive '${src}', the file is 0 bytes`);
      }
      return await unpack(host, params, state.dest, src);
    } finally {
      if (tmpDir !== undefined) await host.run(sh`rm -rf -- ${tmpDir}`);
    }
  },
});

function zipRefused(src: string): ModuleFailure {
  return new ModuleFailure(`${src} is a zip archive: drover's unarchive handles tar archives only (gzip, bzip2, xz, zstd or none); unpack it with a command task running unzip`);
}

interface Tar {
  path: string;
  env: Record<string, string>;
  runAsRoot: boolean;
}

/** Pick the handler, compare, extract when different, settle attributes: unarchive.py's main for its tar handlers. */
async function unpack(host: Host, params: Params, dest: string, src: string) {
  const tar = await findTar(host, src);
  let handler: { name: string; flag: string | null; files: string[] } | undefined;
  const reasons: string[] = [];
  for (const [name, flag] of HANDLERS) {
    const listed = await host.run(sh`${tarCommand(tar, '--list', params, dest, src, flag, false)}`, { cwd: dest, env: tar.env });
    if (listed.rc !== 0) {
      reasons.push(`${name}: Command "${tar.path}" could not handle archive: Unable to list files in the archive: ${listed.stderr}`);
      continue;
    }
    const files = archiveFiles(listed.stdout, params.exclude);
    if (files.length === 0) {
      reasons.push(`${name}: Command "${tar.path}" found no files in archive. Empty archive files are not supported.`);
      continue;
    }
    handler = { name, flag, files };
    break;
  }
  if (!handler) throw new ModuleFailure(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed.\n${reasons.join('\n')}`);
  const result: Record<string, unknown> = { handler: handler.name, dest: params.dest, src };
  const diff = await host.run(sh`${tarCommand(tar, '--diff', params, dest, src, handler.flag, true)}`, { cwd: dest, env: tar.env });
  let changed = false;
  if (!holdsArchive(`${diff.stdout}\n${diff.stderr}`, params, tar.runAsRoot)) {
    const argv = tarArgv(tar, '--extract', params, dest, src, handler.flag, true);
    const extracted = await host.run(sh`${argv}`, { cwd: dest, env: tar.env });
    result.extract_results = { cmd: argv, rc: extracted.rc, out: extracted.stdout, err: extracted.stderr };
    if (extracted.rc !== 0) throw new ModuleFailure(`failed to unpack ${src} to ${params.dest}`, result);
    changed = true;
  }
  if (await settleArchiveAttributes(host, params, dest, handler.files)) changed = true;
  return { changed, result: { ...result, ...(params.list_files ? { files: handler.files } : {}), ...(await pathResult(host, dest)) } };
}

/** GNU tar (gtar preferred), and the most parsable locale the host has, as Ansible's get_best_parsable_locale picks it. */
async function findTar(host: Host, src: string): Promise<Tar> {
  const found = await host.run(sh`command -v gtar || command -v tar; id -u; locale -a 2>/dev/null`);
  const [path = '', uid = '', ...locales] = found.stdout.split('\n');
  if (!path.startsWith('/')) throw new ModuleFailure(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed.\nUnable to find required 'gtar' or 'tar' binary in the path`);
  const version = await host.run(sh`${path} --version`);
  if (!(version.stdout.startsWith('tar') && version.stdout.includes('GNU'))) {
    const type = version.stdout.startsWith('bsdtar') ? 'bsd' : 'None';
    throw new ModuleFailure(`Failed to find handler for "${src}". Make sure the required command to extract the file is installed.\nCommand "${path}" detected as tar type ${type}. GNU tar required.`);
  }
  const locale = ['C.utf8', 'C.UTF-8', 'en_US.utf8', 'en_US.UTF-8', 'C', 'POSIX'].find((l) => locales.includes(l)) ?? 'C';
  return { path, env: { LANG: locale, LC_ALL: locale, LC_MESSAGES: locale, LANGUAGE: locale }, runAsRoot: uid.trim() === '0' };
}

/** unarchive.py's tar command line: the words, in its order. `attributes` adds owner, group and keep_newer (not for --list). */
function tarArgv(tar: Tar, action: string, params: Params, dest: string, src: string, flag: string | null, attributes: boolean): string[] {
  const argv = [tar.path, action, '-C', dest];
  if (flag) argv.push(flag);
  if (params.extra_opts.length > 0) argv.push('--show-transformed-names', ...params.extra_opts);
  if (attributes) {
    if (params.owner) argv.push(`--owner=${shlexQuote(params.owner)}`);
    if (params.group) argv.push(`--group=${shlexQuote(params.group)}`);
    if (params.keep_newer) argv.push('--keep-newer-files');
  }
  argv.push(...params.exclude.map((pattern) => `--exclude=${pattern.replace(/\/+$/, '')}`), '-f', src, ...params.include);
  return argv;
}

function tarCommand(tar: Tar, action: string, params: Params, dest: string, src: string, flag: string | null, attributes: boolean): Command {
  return sh`${tarArgv(tar, action, params, dest, src, flag, attributes)}`;
}

/** Python's shlex.quote, which unarchive.py puts around the owner and group inside their option word. */
function shlexQuote(word: string): string {
  if (word !== '' && /^[\w@%+=:,./-]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'"'"'`)}'`;
}

/** The names `tar --list` printed: octal escapes decoded, a leading '/' dropped, excluded patterns left out. */
function archiveFiles(listing: string, exclude: readonly string[]): string[] {
  const patterns = exclude.map((p) => globRegex(p.replace(/\/+$/, '')));
  // Python's splitlines: an empty name stays (--strip-components turns the top directory into one).
  const lines = listing.split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines
    .map((line) => escapeDecode(line).replace(/^\//, ''))
    .filter((name) => !patterns.some((re) => re.test(name)));
}

/** Python's codecs.escape_decode: backslash escapes (octal, \xhh, \n...) into bytes, read as UTF-8. */
function escapeDecode(text: string): string {
  const bytes: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34 };
  const raw = Buffer.from(text, 'utf8');
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] !== 92 || i + 1 >= raw.length) {
      bytes.push(raw[i]!);
      continue;
    }
    const next = String.fromCharCode(raw[i + 1]!);
    const octal = /^[0-7]{1,3}/.exec(raw.subarray(i + 1, i + 4).toString('latin1'))?.[0];
    const hex = next === 'x' ? /^[0-9a-fA-F]{2}/.exec(raw.subarray(i + 2, i + 4).toString('latin1'))?.[0] : undefined;
    if (octal) {
      bytes.push(parseInt(octal, 8) & 0xff);
      i += octal.length;
    } else if (hex) {
      bytes.push(parseInt(hex, 16));
      i += 3;
    } else if (next in simple) {
      bytes.push(simple[next]!);
      i += 1;
    } else bytes.push(92);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Python's fnmatch.fnmatch (on POSIX: case-sensitive, '*' crosses '/'). */
function globRegex(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        let set = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        re += `[${set}]`;
        i = end;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's');
}

/** TgzArchive.is_unarchived: which `tar --diff` lines count, given what the task sets itself. */
function holdsArchive(output: string, params: Params, runAsRoot: boolean): boolean {
  return !output.split('\n').some((line) => {
    if (EMPTY_FILE.test(line)) return false;
    if (runAsRoot && !params.owner && /: Uid differs$/.test(line)) return true;
    if (runAsRoot && !params.group && /: Gid differs$/.test(line)) return true;
    if (params.mode === undefined && /: Mode differs$/.test(line)) return true;
    return /: Mod time differs$/.test(line) || MISSING_FILE.test(line) || /: Invalid owner/.test(line) || /: Invalid group/.test(line);
  });
}

/** set_fs_attributes_if_different on every unpacked file, then each top folder; whether anything changed. */
async function settleArchiveAttributes(host: Host, params: Params, dest: string, files: readonly string[]): Promise<boolean> {
  if (params.mode === undefined && params.owner === undefined && params.group === undefined) return false;
  const tops = [...new Set(files.filter((f) => f.includes('/')).map((f) => f.split('/')[0]!))];
  const paths = [...files.map((f) => `${dest.replace(/\/$/, '')}/${f}`), ...tops.map((t) => `${dest}/${t}`)];
  const infos = await pathInfo(host, paths.map((path) => ({ path })));
  let changed = false;
  for (const [i, path] of paths.entries()) {
    const info = infos[i];
    if (!info) continue;
    const current = asFileStat(info);
    if (attributeChanges(path, params, current, current.kind === 'directory').length === 0) continue;
    await applyAttributes(host, path, params, current, current.kind === 'directory');
    changed = true;
  }
  return changed;
}
