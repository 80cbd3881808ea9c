// copy with a directory src, as Ansible does it: 'dir/' copies what is in
// dir into dest, 'dir' copies dir itself (dest/dir); every file is installed
// like a single copy (same compare, mode/owner/group), directories that do not
// exist yet are created, with directory_mode when given (existing ones are
// left alone, as in Ansible).
import { lstat, readdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ModuleFailure, type ApplyResult, type Plan } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { joinCommands, sh } from '../../runner/quote.js';
import { octalMode, resolveMode } from './file-attributes.js';
import { applyInstall, planInstall, type InstallParams } from './install-content.js';
import { pathInfo } from './path-info.js';

export interface SourceTree {
  /** Directories below the root, relative, parents first. */
  dirs: string[];
  /** mode: the file's own permissions, for mode: preserve. */
  files: { rel: string; content: Buffer; mode: string }[];
  /** Symlinks copied as symlinks: where they are (relative) and what they point to, as written. */
  links: { rel: string; target: string }[];
  /** A directory's own mode, by relative path, given to the copy made of it (a remote source's tree, copied as Python's copytree does). */
  dirModes?: Map<string, string>;
}

/**
 * A controller directory walked as Ansible's copy action does (_walk_dirs). With local_follow
 * (the default) a link to a file is copied as that file and a link to a directory is walked,
 * unless it points back at a directory the walk is inside (copied as a link, breaking the
 * cycle); a broken link stays a link. Without local_follow every link is copied as a link.
 */
export async function readLocalTree(root: string, options: { follow: boolean }): Promise<SourceTree> {
  const tree: SourceTree = { dirs: [], files: [], links: [] };
  await walk(tree, { dir: root, rel: '', inside: [await realpath(root)], follow: options.follow });
  return tree;
}

async function walk(tree: SourceTree, at: { dir: string; rel: string; inside: string[]; follow: boolean }): Promise<void> {
  for (const name of (await readdir(at.dir)).sort()) {
    const path = join(at.dir, name);
    const rel = at.rel ? `${at.rel}/${name}` : name;
    const isLink = (await lstat(path)).isSymbolicLink();
    const real = isLink ? await realpath(path).catch(() => null) : path;
    const kind = real === null ? null : await stat(real).then((s) => (s.isDirectory() ? 'directory' : 'file'), () => null);
    if (isLink && (!at.follow || kind === null || (kind === 'directory' && at.inside.includes(real!)))) {
      tree.links.push({ rel, target: await readlink(path) });
    } else if (kind === 'directory') {
      tree.dirs.push(rel);
      await walk(tree, { ...at, dir: real!, rel, inside: [...at.inside, await realpath(real!)] });
    } else tree.files.push({ rel, content: await readFile(real!), mode: octalMode((await stat(real!)).mode) });
  }
}

interface TreeState {
  newDirs: string[];
  /** The source's mode for a new directory that copies it (remote trees), by its path. */
  newDirModes: Record<string, string>;
  files: Plan<unknown>[];
  /** Symlinks to make or repoint (force, as Ansible's copy asks of the file module). */
  links: { path: string; target: string }[];
}

export interface TreeParams extends InstallParams {
  directory_mode?: string | number;
}

export async function planTree(host: Host, params: TreeParams, tree: SourceTree, destRoot: string): Promise<Plan<TreeState>> {
  const dirs = [destRoot, ...tree.dirs.map((d) => posix.join(destRoot, d))];
  const found = await pathInfo(host, dirs.map((path) => ({ path, follow: true })));
  const newDirs = dirs.filter((_, i) => found[i] === null);
  const newDirModes = Object.fromEntries(tree.dirs.flatMap((rel) => {
    const mode = tree.dirModes?.get(rel);
    const path = posix.join(destRoot, rel);
    return mode !== undefined && newDirs.includes(path) ? [[path, mode]] : [];
  }));
  dirs.forEach((d, i) => {
    if (found[i] && found[i]!.kind !== 'directory') throw new ModuleFailure(`${d} exists on the host and is a ${found[i]!.kind}, not a directory`);
  });
  const files = [];
  for (const file of tree.files) {
    // mode: preserve is each file's own mode, resolved here and kept in its state for apply.
    const mode = params.mode === 'preserve' ? file.mode : params.mode;
    // Every directory of the tree exists or is in newDirs, made before the files.
    const plan = await planInstall(host, { ...params, mode, dest: posix.join(destRoot, file.rel) }, file.content, undefined, { parentCreated: true });
    files.push({ ...plan, state: { ...plan.state!, mode } });
  }
  const links = await plannedLinks(host, tree, destRoot);
  return {
    changes: [...newDirs.map((d) => `create directory ${d}`), ...files.flatMap((f) => f.changes), ...links.map((l) => `link ${l.path} -> ${l.target}`)],
    diff: files.flatMap((f) => f.diff ?? []),
    state: { newDirs, newDirModes, files, links },
    result: { dest: destRoot },
  };
}

/** The tree's symlinks that are missing at dest or point elsewhere; a directory in the way fails, as the file module does. */
async function plannedLinks(host: Host, tree: SourceTree, destRoot: string): Promise<{ path: string; target: string }[]> {
  const wanted = tree.links.map((l) => ({ path: posix.join(destRoot, l.rel), target: l.target }));
  const found = await pathInfo(host, wanted.map((l) => ({ path: l.path })));
  return wanted.filter((l, i) => {
    const info = found[i];
    if (info?.kind === 'directory') throw new ModuleFailure(`${l.path} is a directory on the host: a symlink cannot replace it`);
    return info?.kind !== 'link' || info.linkTarget !== l.target;
  });
}

export async function applyTree(host: Host, params: TreeParams, plan: Plan<unknown>): Promise<ApplyResult> {
  const { newDirs, newDirModes, files } = plan.state as TreeState;
  if (newDirs.length) {
    const wanted = params.directory_mode !== undefined ? resolveMode(params.directory_mode, '0755', true) : undefined;
    await host.check(joinCommands(newDirs.map((d) => {
      const mode = newDirModes[d] ?? wanted;
      return mode ? sh`mkdir -p -m ${mode} -- ${d}` : sh`mkdir -p -- ${d}`;
    }), ' && '));
  }
  for (const file of files) {
    const { dest, mode } = file.state as { dest: string; mode?: string | number };
    if (file.changes.length) await applyInstall(host, { ...params, dest, mode }, file);
  }
  // A new link beside the old path, renamed over it: the path is never missing (-T: never into a directory).
  const links = (plan.state as TreeState).links;
  if (links.length) {
    await host.check(joinCommands(links.map((l) => {
      const temp = `${l.path}.drover-tmp-${randomBytes(4).toString('hex')}`;
      return sh`ln -s -- ${l.target} ${temp} && mv -fT -- ${temp} ${l.path}`;
    }), ' && '));
  }
  return { result: { ...plan.result } };
}
