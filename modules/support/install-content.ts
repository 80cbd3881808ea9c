// Putting a whole file's content at a destination: what copy and template
// share (Ansible's template is copy with rendered content). plan compares
// sha256 digests, so content is sent only when it differs; apply writes it
// atomically (validated first when asked), then settles mode/owner/group.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ModuleFailure, type ApplyResult, type Plan } from '../../runner/module-api.js';
import type { FileStat, Host, WrittenFile } from '../../runner/host/types.js';
import { sh } from '../../runner/quote.js';
import { attributeChanges, type Attributes } from './file-attributes.js';
import { textDiff } from './diff.js';
import { expandUser } from './path-info.js';
import { settleAttributes, writeContent } from './write-content.js';

export interface InstallParams extends Attributes {
  dest: string;
  force?: boolean;
  backup?: boolean;
  validate?: string;
  /** Write through a symlink at dest to the file it points to; without it a link at dest is replaced by a file, as in Ansible. */
  follow?: boolean;
  /** The mode of the directories a dest ending in '/' needs created (copy's directory_mode); without it they get the umask's. */
  directory_mode?: string | number;
}

export interface InstallState {
  dest: string;
  content: Buffer;
  current: FileStat | null;
  contentChanged: boolean;
  /** Missing directories a dest ending in '/' asked for, parents first: created before the file is written. */
  newDirs: string[];
  /** dest's directory, when it does not exist and dest did not end in '/': the write fails, as Ansible's copy module does. */
  missingParent?: string;
}

/**
 * Plan content for params.dest. `sourceName` is the controller file's name:
 * a dest ending in '/' or naming a directory receives the file under it.
 * `parentCreated`: the caller makes dest's directory (a directory copy), so it is not looked for.
 */
export async function planInstall(host: Host, params: InstallParams, content: Buffer, sourceName: string | undefined, options: { parentCreated?: boolean } = {}): Promise<Plan<InstallState>> {
  // Ansible expands a leading '~' in dest on the target (its _remote_expand_user).
  let dest = await expandUser(host, params.dest);
  let current = await host.stat(dest, { checksum: true });
  const intoDirectory = dest.endsWith('/');
  if (intoDirectory || current?.kind === 'directory') {
    // Ansible's words (its copy action's check for a content dest).
    if (sourceName === undefined) throw new ModuleFailure('can not use content with a dir as dest');
    dest = posix.join(dest, posix.basename(sourceName));
    current = await host.stat(dest, { checksum: true });
  }
  // A dest ending in '/' has its missing directories created (Ansible's copy module, "recursive copy"); otherwise a missing directory fails the write.
  const missingDirs = current === null && !options.parentCreated ? await missingDirectories(host, posix.dirname(dest)) : [];
  const newDirs = intoDirectory ? missingDirs : [];
  const missingParent = !intoDirectory && missingDirs.length > 0 ? posix.dirname(dest) : undefined;
  if (current?.kind === 'link' && params.follow) {
    dest = (await host.check(sh`readlink -f -- ${dest}`)).stdout.replace(/\n$/, '');
    current = await host.stat(dest, { checksum: true });
  }
  // Without follow, Ansible replaces a symlink at dest with a regular file (the link's target is left alone).
  const replacesLink = current?.kind === 'link';
  if (current && current.kind !== 'file' && !replacesLink) throw new ModuleFailure(`dest ${dest} is a ${current.kind}, not a file`);
  const sha256 = createHash('sha256').update(content).digest('hex');
  // Ansible's copy and template report SHA-1 as `checksum` (and md5sum when they wrote).
  const checksum = createHash('sha1').update(content).digest('hex');
  const contentChanged = current === null || (params.force !== false && (replacesLink || current.sha256 !== sha256));
  if (replacesLink && contentChanged) current = null;
  const changes = newDirs.map((d) => `create directory ${d}`);
  if (contentChanged) changes.push(replacesLink ? `replace symlink ${dest} with a file` : current ? `update content of ${dest}` : `create ${dest}`);
  changes.push(...attributeChanges(dest, params, current, false));
  const before = current && contentChanged ? await host.readFile(dest) : null;
  return {
    changes,
    diff: contentChanged ? [textDiff(dest, before, content)] : [],
    state: { dest, content, current, contentChanged, newDirs, missingParent },
    result: { dest, checksum, size: content.length, state: 'file', ...(current ? ownership(current) : {}) },
  };
}

export async function applyInstall(host: Host, params: InstallParams, plan: Plan<unknown>): Promise<ApplyResult> {
  const { dest, content, current, contentChanged, newDirs, missingParent } = plan.state as InstallState;
  // Ansible's copy action adds the source's checksum to the module's failure.
  if (missingParent !== undefined) throw new ModuleFailure(`Destination directory ${missingParent} does not exist`, { checksum: plan.result?.checksum });
  for (const dir of newDirs) {
    await host.check(sh`mkdir -- ${dir}`);
    // Ansible's adjust_recursive_directory_permissions: the task's owner and group, and directory_mode as the mode.
    await settleAttributes(host, dir, { owner: params.owner, group: params.group, mode: params.directory_mode }, null, true);
  }
  let written: WrittenFile = {};
  if (contentChanged) written = await writeContent(host, dest, content, { backup: params.backup, validate: params.validate });
  await settleAttributes(host, dest, params, current, contentChanged);
  const after = await host.stat(dest);
  return {
    result: {
      ...plan.result,
      ...(after ? ownership(after) : {}),
      ...(contentChanged ? { md5sum: createHash('md5').update(content).digest('hex') } : {}),
      // Ansible's copy module reports the uploaded temp file it installed from as src.
      ...(written.stagedPath ? { src: written.stagedPath } : {}),
      ...(written.backupPath ? { backup_file: written.backupPath } : {}),
    },
  };
}

/** `dir` and its missing ancestors, the outermost first; empty when dir exists. */
async function missingDirectories(host: Host, dir: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = dir; at !== '/' && at !== '.' && (await host.stat(at)) === null; at = posix.dirname(at)) missing.unshift(at);
  return missing;
}

/** The file's owner and mode keys, as Ansible's file-common results name them. */
function ownership(stat: FileStat): Record<string, unknown> {
  return { uid: stat.uid, gid: stat.gid, owner: stat.owner, group: stat.group, mode: stat.mode };
}
