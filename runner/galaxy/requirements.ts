// requirements.yml as ansible-galaxy reads it: a list of roles, or a mapping
// with `roles:` and `collections:`; each entry a string (src) or a mapping
// with src, name, version and scm. drover installs from what this machine
// can reach: git repositories (git+URL, *.git, scm: git, file paths to a
// repository), local directories and tar archives. Galaxy server names
// (`geerlingguy.ntp`, `community.general`) are refused with what to write.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { InputError } from '../errors.js';
import { parseYaml } from '../playbook/yaml-source.js';
import { isMapping } from '../template/values.js';

export type SourceKind = 'git' | 'dir' | 'tar';

export interface Requirement {
  kind: 'role' | 'collection';
  /** The installed name: roles/NAME, or ansible_collections/NAMESPACE/NAME. */
  name: string;
  source: SourceKind;
  /** A git URL or path, or an absolute path to a directory or archive. */
  src: string;
  /** A git ref (tag, branch, commit); undefined: the default branch. */
  version?: string;
}

export function readRequirements(file: string): Requirement[] {
  const text = readFileSync(file, 'utf8');
  const doc = parseYaml(text, file);
  const fail = (why: string) => new InputError([{ message: `${file}: ${why}` }]);
  const base = dirname(resolve(file));
  const entries: Array<[Requirement['kind'], unknown]> = Array.isArray(doc)
    ? (doc as unknown[]).map((e): ['role', unknown] => ['role', e])
    : isMapping(doc)
      ? [...asList(doc.roles, 'roles', fail).map((e): ['role', unknown] => ['role', e]), ...asList(doc.collections, 'collections', fail).map((e): ['collection', unknown] => ['collection', e])]
      : [];
  if (entries.length === 0) throw fail('no roles or collections to install (a list of roles, or roles: and collections:)');
  return entries.map(([kind, entry]) => requirement({ kind, entry, base, fail }));
}

function asList(value: unknown, key: string, fail: (why: string) => Error): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw fail(`${key} must be a list`);
  return value;
}

const KNOWN_KEYS = new Set(['src', 'name', 'version', 'scm', 'type', 'source']);

function requirement(r: { kind: Requirement['kind']; entry: unknown; base: string; fail: (why: string) => Error }): Requirement {
  // The old one-line form: "src,version,name".
  const given = r.entry;
  const entry = typeof given === 'string' ? Object.fromEntries(['src', 'version', 'name'].map((k, i) => [k, given.split(',')[i]]).filter(([, v]) => v)) : given;
  if (!isMapping(entry)) throw r.fail(`an entry must be a string or a mapping, got ${JSON.stringify(r.entry)}`);
  const unknown = Object.keys(entry).filter((k) => !KNOWN_KEYS.has(k));
  if (unknown.length > 0) throw r.fail(`unsupported key(s) ${unknown.join(', ')} in ${JSON.stringify(entry)}`);
  if (entry.source !== undefined) throw r.fail(`source: (a Galaxy server) is not reachable from drover; give src: a git URL, a directory or an archive`);
  // Collections name their source in `name` when no src is given (ansible-galaxy's type: git/dir/file).
  const raw = String(entry.src ?? (r.kind === 'collection' ? entry.name : '') ?? '');
  if (raw === '') throw r.fail(`an entry needs src: ${JSON.stringify(entry)}`);
  const scm = entry.scm ?? (entry.type === 'git' ? 'git' : undefined);
  if (scm !== undefined && scm !== 'git') throw r.fail(`scm: ${String(scm)} is not supported; drover installs from git, directories and archives`);
  const gitUrl = raw.startsWith('git+') ? raw.slice(4) : raw;
  const looksGit = scm === 'git' || raw.startsWith('git+') || /\.git\/?$/.test(raw) || /^(ssh|git):\/\//.test(raw);
  const isPath = raw.startsWith('/') || raw.startsWith('.') || raw.startsWith('~') || raw.startsWith('file://');
  const local = resolve(r.base, raw.replace(/^file:\/\//, '').replace(/^~(?=\/|$)/, homedir()));
  const source: SourceKind | undefined = looksGit ? 'git' : isPath && /\.(tar\.gz|tgz|tar)$/.test(raw) ? 'tar' : isPath ? 'dir' : undefined;
  if (source === undefined) {
    throw r.fail(`'${raw}' looks like a Galaxy name; drover cannot reach a Galaxy server: give src: a git URL (git+https://...), a directory or a .tar.gz`);
  }
  const src = source === 'git' && (gitUrl.startsWith('.') || gitUrl.startsWith('/')) ? resolve(r.base, gitUrl) : source === 'git' ? gitUrl : local;
  const name = typeof entry.name === 'string' && entry.src !== undefined ? entry.name : defaultName(raw);
  // The name becomes a directory under the roles path: never a path of its own.
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) || name === '..' || name.includes('/')) throw r.fail(`'${name}' is not a role or collection name (letters, digits, _ . -)`);
  if (entry.version !== undefined && String(entry.version).startsWith('-')) throw r.fail(`version '${String(entry.version)}' is not a git ref`);
  if (r.kind === 'collection' && !/^[a-z0-9_]+\.[a-z0-9_]+$/.test(name)) throw r.fail(`a collection needs name: NAMESPACE.NAME, got '${name}'`);
  return { kind: r.kind, name, source, src, ...(entry.version !== undefined ? { version: String(entry.version) } : {}) };
}

/** ansible-galaxy's repo_url_to_role_name: the last path part without .git or the archive extension. */
function defaultName(src: string): string {
  return basename(src.replace(/\/+$/, '')).replace(/\.git$/, '').replace(/\.(tar\.gz|tgz|tar)$/, '').replace(/,.*$/, '');
}
