// copy with a directory src, as Ansible does it: 'dir/' copies what is in
// dir into dest, 'dir' copies dir itself (dest/dir); every file is installed
// like a single copy (same compare, mode/owner/group), directories that do not
// exist yet are created, with directory_mode when given (existing ones are
// left alone, as in Ansible).
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { ModuleFailure, type ApplyResult, type Plan } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { joinCommands, sh } from '../../runner/quote.js';
import { resolveMode } from './file-attributes.js';
import { applyInstall, planInstall, type InstallParams } from './install-content.js';
import { pathInfo } from './path-info.js';

export interface SourceTree {
  /** Directories below the root, relative, parents first. */
  dirs: string[];
  files: { rel: string; content: Buffer }[];
}

/** A controller directory, links followed (local_follow: true, Ansible's default). */
export async function readLocalTree(root: string, rel = '', tree: SourceTree = { dirs: [], files: [] }): Promise<SourceTree> {
  const names = (await readdir(join(root, rel))).sort();
  for (const name of names) {
    const path = join(root, rel, name);
    const child = rel ? `${rel}/${name}` : name;
    if ((await stat(path)).isDirectory()) {
      tree.dirs.push(child);
      await readLocalTree(root, child, tree);
    } else tree.files.push({ rel: child, content: await readFile(path) });
  }
  return tree;
}

interface TreeState {
  newDirs: string[];
  files: Plan<unknown>[];
}

export interface TreeParams extends InstallParams {
  directory_mode?: string | number;
}

export async function planTree(host: Host, params: TreeParams, tree: SourceTree, destRoot: string): Promise<Plan<TreeState>> {
  const dirs = [destRoot, ...tree.dirs.map((d) => posix.join(destRoot, d))];
  const found = await pathInfo(host, dirs.map((path) => ({ path, follow: true })));
  const newDirs = dirs.filter((_, i) => found[i] === null);
  dirs.forEach((d, i) => {
    if (found[i] && found[i]!.kind !== 'directory') throw new ModuleFailure(`${d} exists on the host and is a ${found[i]!.kind}, not a directory`);
  });
  const files = [];
  for (const file of tree.files) files.push(await planInstall(host, { ...params, dest: posix.join(destRoot, file.rel) }, file.content, undefined));
  return {
    changes: [...newDirs.map((d) => `create directory ${d}`), ...files.flatMap((f) => f.changes)],
    diff: files.flatMap((f) => f.diff ?? []),
    state: { newDirs, files },
    result: { dest: destRoot },
  };
}

export async function applyTree(host: Host, params: TreeParams, plan: Plan<unknown>): Promise<ApplyResult> {
  const { newDirs, files } = plan.state as TreeState;
  if (newDirs.length) {
    const mode = params.directory_mode !== undefined ? resolveMode(params.directory_mode, '0755', true) : undefined;
    await host.check(joinCommands(newDirs.map((d) => (mode ? sh`mkdir -p -m ${mode} -- ${d}` : sh`mkdir -p -- ${d}`)), ' && '));
  }
  for (const [i, file] of files.entries()) if (file.changes.length) await applyInstall(host, { ...params, dest: (file.state as { dest: string }).dest }, files[i]!);
  return { result: { ...plan.result } };
}
