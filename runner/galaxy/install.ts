// `drover galaxy install -r requirements.yml`: each role or collection put in
// place from git, a directory or a tar archive, and a lock file beside the
// requirements (requirements.lock.yml) recording what was resolved: the git
// commit and the SHA-256 of the installed tree. With a lock, git installs
// check out the locked commit and every install must hash to the locked
// digest, so a second install is byte-identical (or refused, naming what
// moved); `--update` resolves again. An install is built beside its target
// and renamed into place: a failed one leaves the previous install.
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { InputError } from '../errors.js';
import { parseYaml } from '../playbook/yaml-source.js';
import { isMapping } from '../template/values.js';
import type { Requirement } from './requirements.js';

export interface Locked {
  kind: Requirement['kind'];
  name: string;
  src: string;
  version?: string;
  /** The commit a git source resolved to. */
  commit?: string;
  sha256: string;
}

export interface InstallOptions {
  rolesPath: string;
  collectionsPath: string;
  lockFile: string;
  /** Resolve versions again instead of holding to the lock. */
  update: boolean;
  log(line: string): void;
}

/** A source as it may be written down: a URL's user and password left out (they would land in a committed lock file). */
export function shownSource(src: string): string {
  return src.replace(/^([a-z+]+:\/\/)[^@/]*@/i, '$1');
}

export function lockFileOf(requirementsFile: string): string {
  return requirementsFile.replace(/\.ya?ml$/, '') + '.lock.yml';
}

export async function installAll(requirements: readonly Requirement[], options: InstallOptions): Promise<Locked[]> {
  const locked = options.update ? [] : readLock(options.lockFile);
  const result: Locked[] = [];
  for (const req of requirements) {
    const pin = locked.find((l) => l.kind === req.kind && l.name === req.name && l.src === shownSource(req.src) && l.version === req.version);
    result.push(await installOne(req, { ...options, pin }));
  }
  // Beside and renamed, so an interrupted install never leaves half a lock file.
  const partial = `${options.lockFile}.${process.pid}.partial`;
  writeFileSync(partial, `# Written by drover galaxy install: what each requirement resolved to.\n${stringify(result)}`);
  renameSync(partial, options.lockFile);
  return result;
}

function readLock(file: string): Locked[] {
  if (!existsSync(file)) return [];
  const doc = parseYaml(readFileSync(file, 'utf8'), file);
  if (!Array.isArray(doc) || !doc.every((e) => isMapping(e) && typeof e.name === 'string' && typeof e.sha256 === 'string')) {
    throw new InputError([{ message: `${file}: not a drover lock file; remove it or install with --update` }]);
  }
  return doc as Locked[];
}

async function installOne(req: Requirement, options: InstallOptions & { pin?: Locked }): Promise<Locked> {
  const target = req.kind === 'role' ? join(options.rolesPath, req.name) : join(options.collectionsPath, 'ansible_collections', ...req.name.split('.'));
  mkdirSync(dirname(target), { recursive: true });
  const { pin } = options;
  if (pin !== undefined && existsSync(target) && treeDigest(target) === pin.sha256) {
    options.log(`- ${req.name} is already installed as locked (${describe(pin)})`);
    return pin;
  }
  const work = mkdtempSync(join(dirname(target), `.${req.name}.install-`));
  try {
    const staged = join(work, 'tree');
    const commit = await fetchSource(req, { into: staged, work, ref: pin?.commit ?? req.version });
    rmSync(join(staged, '.git'), { recursive: true, force: true });
    const sha256 = treeDigest(staged);
    if (pin !== undefined && pin.sha256 !== sha256) {
      throw new InputError([{ message: `${req.name}: ${shownSource(req.src)} no longer gives the locked content (sha256 ${pin.sha256.slice(0, 12)}..., now ${sha256.slice(0, 12)}...); check the source, then install with --update` }]);
    }
    const old = join(work, 'previous');
    if (existsSync(target)) renameSync(target, old);
    try {
      renameSync(staged, target);
    } catch (error) {
      if (existsSync(old)) renameSync(old, target);
      throw error;
    }
    const entry: Locked = { kind: req.kind, name: req.name, src: shownSource(req.src), ...(req.version !== undefined ? { version: req.version } : {}), ...(commit ? { commit } : {}), sha256 };
    options.log(`- ${req.name} (${describe(entry)}) was installed into ${target}`);
    return entry;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function describe(entry: Locked): string {
  return entry.commit !== undefined ? `commit ${entry.commit.slice(0, 12)}` : `sha256 ${entry.sha256.slice(0, 12)}`;
}

/** Puts the source's tree at `into`; returns the commit for git sources. */
async function fetchSource(req: Requirement, at: { into: string; work: string; ref?: string }): Promise<string | undefined> {
  const run = async (file: string, args: string[]) => {
    const r = await execa(file, args, { reject: false, stdin: 'ignore', env: { GIT_TERMINAL_PROMPT: '0' } });
    const step = args.find((a) => !a.startsWith('-') && a !== at.into) ?? file;
    if (r.exitCode !== 0) throw new InputError([{ message: `${req.name}: ${file} ${step} failed for ${shownSource(req.src)}: ${String(r.stderr).trim() || r.shortMessage}` }]);
    return String(r.stdout).trim();
  };
  if (req.source === 'git') {
    await run('git', ['clone', '--quiet', '--no-checkout', '--', req.src, at.into]);
    // A tag, a commit, or a branch that is not the default one (only origin/<branch> exists in a fresh clone).
    const ref = at.ref ?? 'HEAD';
    const commit = await run('git', ['-C', at.into, 'rev-parse', '--verify', '--quiet', `${ref}^{commit}`]).catch(() =>
      run('git', ['-C', at.into, 'rev-parse', '--verify', '--quiet', `origin/${ref}^{commit}`]),
    );
    await run('git', ['-C', at.into, 'checkout', '--quiet', '--detach', commit, '--']);
    return commit;
  }
  if (req.source === 'dir') {
    if (!existsSync(req.src) || !statSync(req.src).isDirectory()) throw new InputError([{ message: `${req.name}: ${req.src} is not a directory` }]);
    cpSync(req.src, at.into, { recursive: true, filter: (p) => !p.split('/').includes('.git') });
    return undefined;
  }
  const unpacked = join(at.work, 'unpacked');
  mkdirSync(unpacked);
  await run('tar', ['-xf', req.src, '-C', unpacked, '--no-same-owner']);
  // ansible-galaxy strips the archive's one top directory (name-version/).
  const top = readdirSync(unpacked);
  const root = top.length === 1 && statSync(join(unpacked, top[0]!)).isDirectory() ? join(unpacked, top[0]!) : unpacked;
  renameSync(root, at.into);
  return undefined;
}

/** SHA-256 over every file's path, executable bit and content, in sorted order: the same tree gives the same digest. */
export function treeDigest(dir: string): string {
  const hash = createHash('sha256');
  const walk = (path: string): void => {
    for (const name of readdirSync(path).sort()) {
      const full = join(path, name);
      // A symlink is hashed as its target path, never followed (it may point outside the tree, or nowhere).
      const st = lstatSync(full);
      if (st.isSymbolicLink()) hash.update(`${relative(dir, full)}\0l\0${readlinkSync(full)}\0`);
      else if (st.isDirectory()) walk(full);
      else hash.update(`${relative(dir, full)}\0${st.mode & 0o111 ? 'x' : '-'}\0${st.size}\0`).update(readFileSync(full));
    }
  };
  walk(dir);
  return hash.digest('hex');
}
