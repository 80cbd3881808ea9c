// A directory on the host read as a copy source (copy with remote_src and a
// directory src): its directories and their modes, its files with their
// content and mode, and its symlinks. Links are copied as links unless
// local_follow is true, as Ansible's copy module calls shutil.copytree
// (symlinks=not local_follow, and local_follow is unset by default there).
import { posix } from 'node:path';
import { ModuleFailure } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { sh } from '../../runner/quote.js';
import type { SourceTree } from './copy-tree.js';

export async function readRemoteTree(host: Host, root: string, options: { follow: boolean }): Promise<SourceTree> {
  // Each entry: "TYPE MODE PATH" NUL "LINK TARGET" NUL; NUL-separated, so any name is read as written.
  // base64: the NULs travel intact through the connection's text output.
  const format = '%y %m %P\\0%l\\0';
  const listing = options.follow ? sh`cd -- ${root} && find -L . -mindepth 1 -printf ${format} | base64 -w0` : sh`cd -- ${root} && find . -mindepth 1 -printf ${format} | base64 -w0`;
  const found = await host.run(listing);
  // find's own failure is seen on stderr: its exit status is lost in the pipe.
  if (found.rc !== 0 || found.stderr.trim() !== '') throw new ModuleFailure(`cannot read the directory ${root} on the host: ${found.stderr.trim()}`);
  const fields = Buffer.from(found.stdout, 'base64').toString('utf8').split('\0');
  const tree: SourceTree = { dirs: [], files: [], links: [], dirModes: new Map() };
  const files: { rel: string; mode: string }[] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const [, type, mode, rel] = /^(\S) (\d+) ([\s\S]*)$/.exec(fields[i]!) ?? [];
    if (rel === undefined) continue;
    const octal = mode!.padStart(4, '0');
    if (type === 'd') {
      tree.dirs.push(rel);
      tree.dirModes!.set(rel, octal);
    } else if (type === 'l') tree.links.push({ rel, target: fields[i + 1]! });
    else if (type === 'f') files.push({ rel, mode: octal });
    else throw new ModuleFailure(`${posix.join(root, rel)} on the host is not a file, directory or symlink: copy cannot copy it`);
  }
  tree.dirs.sort();
  for (const file of files.sort((a, b) => a.rel.localeCompare(b.rel))) {
    const content = await host.readFile(posix.join(root, file.rel));
    if (content === null) throw new ModuleFailure(`${posix.join(root, file.rel)} disappeared from the host while it was copied`);
    tree.files.push({ ...file, content });
  }
  return tree;
}
