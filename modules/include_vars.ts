// include_vars: variables from controller YAML/JSON files, as ansible-core
// 2.14's action plugin reads them. They take Ansible's include_vars
// precedence (above task vars, below set_fact and register) for the rest of
// the run. Its quirks are kept, since roles rely on what Ansible does:
// `depth` counts directories in sorted walk order, not levels; every file of
// a directory needs a listed extension unless ignore_unknown_extensions;
// a role's vars/main.yml is read again when its directory is included.
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { defineModule, ModuleFailure, type ModuleContext } from '../runner/module-api.js';
import { compilePython } from './support/python-regex.js';
import { truthy } from '../runner/template/values.js';

const FILE_ONLY = ['file'] as const;
const DIR_ONLY = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'] as const;

export default defineModule({
  name: 'include_vars',
  summary: 'Load variables from YAML or JSON files on the controller (a file, or a directory of them).',
  changedWhen: 'never (loading variables changes nothing on the host).',
  controllerOnly: true,
  freeForm: 'file',
  schema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      file: { type: 'string', description: "A vars file; a relative name is searched in the role's vars/, then the task's and the playbook's directories (and their vars/)." },
      dir: { type: 'string', description: "A directory whose files are all loaded, in sorted order; relative to the role's vars/ (or the role, when it starts with vars/), else to the task's file." },
      name: { type: 'string', description: 'Put the loaded variables under this one variable instead of at the top level.' },
      files_matching: { type: 'string', description: 'With dir: only file names this Python regular expression finds (re.search).' },
      ignore_files: {
        anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
        description: 'With dir: file names to skip, regular expressions matched at the end of the name (a string is split on spaces).',
      },
      depth: {
        anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string' }],
        description: 'With dir: how many directories of the sorted walk are read (Ansible counts directories, not levels); 0 reads all. Text (depth=1 in key=value form) fails the task, as in Ansible.',
      },
      extensions: {
        anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string' }],
        description: "With dir: the file extensions (without the dot) a file must have; yaml, yml and json when not given. A string is taken letter by letter, as Ansible's list() does.",
      },
      // Not typed boolean: Ansible tests the value's Python truth, so the text 'no' (key=value form) holds.
      ignore_unknown_extensions: { description: 'With dir: skip files whose extension is not listed instead of failing.' },
      hash_behaviour: {
        type: 'string',
        enum: ['replace'],
        description: "Only 'replace' (Ansible's default: a loaded variable replaces the old value). 'merge' is refused: write the merged value with the combine filter.",
      },
    },
  },
  async plan(_host, params, ctx) {
    const given = (keys: readonly string[]) => keys.some((k) => k in params);
    if (given(FILE_ONLY) && given(DIR_ONLY)) throw new ModuleFailure('You are mixing file only and dir only arguments, these are incompatible');
    let loaded: Loaded;
    try {
      loaded = params.dir !== undefined ? await loadDir(params.dir, params, ctx) : await loadFile(fileParam(params.file), ctx);
    } catch (error) {
      if (!(error instanceof ModuleFailure)) throw error;
      // Ansible's include_vars reports its failures under `message` (not msg), with the files read so far.
      throw new ModuleFailure(error.message, { ansible_facts: {}, ansible_included_var_files: [], ...error.result, message: error.message });
    }
    const vars = params.name !== undefined ? { [params.name]: loaded.vars } : loaded.vars;
    return { changes: [], includedVars: vars, result: { ansible_facts: vars, ansible_included_var_files: loaded.files } };
  },
});

const EXTENSIONS = ['yaml', 'yml', 'json'];

interface Loaded {
  vars: Record<string, unknown>;
  files: string[];
}

function fileParam(file: string | undefined): string {
  // Ansible strips the trailing newlines of a free-form name (a `>` block).
  const name = (file ?? '').replace(/\n+$/, '');
  if (name === '') throw new ModuleFailure('include_vars needs a file (or dir) to load');
  return name;
}

async function loadFile(name: string, ctx: ModuleContext): Promise<Loaded> {
  const { path } = await ctx.readLocalFile(name, 'vars');
  return { vars: await readVars(path, ctx), files: [path] };
}

async function readVars(path: string, ctx: ModuleContext): Promise<Record<string, unknown>> {
  const data = await ctx.loadVarsFile(path);
  // An empty file (or one that is only `null`, `false`, `0`...) is an empty set of variables, as Ansible's `if not data`.
  if (!data) return {};
  if (typeof data !== 'object' || Array.isArray(data)) throw new ModuleFailure(`${path} must be stored as a dictionary/hash`);
  return data as Record<string, unknown>;
}

interface DirParams {
  depth?: unknown;
  files_matching?: string;
  /** A string or a list of strings (the schema's anyOf). */
  ignore_files?: unknown;
  extensions?: unknown;
  ignore_unknown_extensions?: unknown;
}

async function loadDir(dir: string, params: DirParams, ctx: ModuleContext): Promise<Loaded> {
  const root = await dirRoot(dir, ctx);
  const kind = await stat(root).catch(() => undefined);
  if (!kind) throw new ModuleFailure(`${root} directory does not exist`);
  if (!kind.isDirectory()) throw new ModuleFailure(`${root} is not a directory`);
  const matcher = params.files_matching !== undefined ? compilePython(params.files_matching, 'files_matching').regex : undefined;
  const ignore = (typeof params.ignore_files === 'string' ? params.ignore_files.split(/\s+/).filter(Boolean) : ((params.ignore_files ?? []) as string[])).map(
    (pattern) => compilePython(`${pattern}$`, 'ignore_files').regex,
  );
  const extensions = typeof params.extensions === 'string' ? [...params.extensions] : ((params.extensions ?? EXTENSIONS) as string[]);
  const skipUnknown = truthy(params.ignore_unknown_extensions ?? false);
  const loaded: Loaded = { vars: {}, files: [] };
  const walked = await walk(root);
  const depth = depthOf(params.depth);
  for (const [index, { dir: current, files }] of walked.entries()) {
    if (depth !== 0 && index >= depth) break;
    for (const name of files) {
      if (matcher && !matcher.test(name)) continue;
      const path = join(current, name);
      if (!(await exists(path)) || ignore.some((regex) => regex.test(name))) continue;
      const valid = extensions.includes(extensionOf(name));
      if (!valid && skipUnknown) continue;
      if (!valid) throw new ModuleFailure(`${path} does not have a valid extension: ${extensions.join(', ')}`, { ansible_included_var_files: loaded.files });
      Object.assign(loaded.vars, await readVars(path, ctx));
      loaded.files.push(path);
    }
  }
  return loaded;
}

/** Ansible compares the walk's count with the value itself: text other than '' cannot be compared there. */
function depthOf(depth: unknown): number {
  if (!depth) return 0;
  if (typeof depth !== 'number') throw new ModuleFailure(`depth must be a number, got the text '${String(depth)}' (Ansible fails on it too: write depth: 1, not depth=1)`);
  return depth;
}

/** Where a relative `dir` is, as Ansible's _set_root_dir: under the role's vars/ (or the role, for vars/...), else beside the task's file. */
async function dirRoot(dir: string, ctx: ModuleContext): Promise<string> {
  const { roleDir, taskDir } = ctx.source;
  if (roleDir === undefined) return isAbsolute(dir) ? dir : join(taskDir, dir);
  if (dir.split('/')[0] === 'vars') {
    const inRole = join(roleDir, dir);
    return (await exists(inRole)) ? inRole : dir;
  }
  return isAbsolute(dir) ? dir : join(roleDir, 'vars', dir);
}

/** os.walk (top-down, symlinked directories not entered) with the directories sorted by path, each one's files sorted. */
async function walk(root: string): Promise<{ dir: string; files: string[] }[]> {
  const found: { dir: string; files: string[] }[] = [];
  const visit = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return; // os.walk skips a directory it cannot list
    }
    const files: string[] = [];
    const subdirs: string[] = [];
    for (const entry of entries) {
      const path = join(dir, entry.name);
      // os.walk's is_dir() follows a symlink; such a directory is listed but not entered.
      const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path).then((s) => s.isDirectory(), () => false)));
      if (!isDir) files.push(entry.name);
      else if (!entry.isSymbolicLink()) subdirs.push(path);
    }
    found.push({ dir, files: files.sort(byCodePoint) });
    for (const sub of subdirs) await visit(sub);
  };
  await visit(root);
  return found.sort((a, b) => byCodePoint(a.dir, b.dir));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Python's path.exists: follows links, so a dangling link does not exist. */
async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Python's os.path.splitext extension without its dot: leading dots of the name do not start one. */
function extensionOf(name: string): string {
  const stem = name.replace(/^\.+/, '');
  const dot = stem.lastIndexOf('.');
  return dot < 0 ? '' : stem.slice(dot + 1);
}
