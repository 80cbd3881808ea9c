// copy: put content (inline, a controller file or directory, or with
// remote_src a file or directory already on the host) at a path on the host.
// Sent only when the sha256 differs; written atomically by the host handle.
// The dest/compare/write logic is shared with template (support/install-content.ts).
import { defineModule, ModuleFailure, type ModuleContext, type Plan } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { attributeChanges, attributeSchemaProperties, octalMode, resolveMode } from './support/file-attributes.js';
import { join, posix } from 'node:path';
import { applyInstall, planInstall, type InstallState } from './support/install-content.js';
import { pyJson } from '../runner/template/python-json.js';
import { applyTree, planTree, readLocalTree } from './support/copy-tree.js';
import { settleAttributes, validateSchemaProperty } from './support/write-content.js';
import { asFileStat, expandPath, expandUser, pathInfo } from './support/path-info.js';
import { readRemoteTree } from './support/remote-tree.js';
import { sh } from '../runner/quote.js';
import { stat } from 'node:fs/promises';
import { createHash } from 'node:crypto';

export default defineModule({
  name: 'copy',
  summary: 'Copy inline content or a controller file to a path on the host.',
  changedWhen: 'the content differs (by sha256), or mode/owner/group differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    // dest and one of src/content are required, but checked when the task runs (requiredArguments), as Ansible's copy action does: a failed task with its words.
    properties: {
      dest: { type: 'string', description: 'Remote path (required); a path ending in / (or an existing directory) receives the file under its source name, the missing directories of a path ending in / being created. A file path in a missing directory fails.' },
      content: { type: ['string', 'object', 'array'], description: 'The file content, instead of src (one of the two is required). A mapping or list is written as JSON, as Ansible\'s copy does (a template that renders to one becomes one).' },
      src: { type: 'string', description: "A controller file, searched in the role's files/ then the playbook's directory (with remote_src: a file on the host)." },
      remote_src: { type: 'boolean', default: false, description: 'src is a file on the host itself (e.g. a certificate certbot wrote), read there; symlinks are followed. A directory is copied as Ansible copies it: dir/ into dest, dir as dest/dir, keeping the source modes, with owner/group set on everything copied and mode on dest alone.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~ (returned as backup_file).' },
      follow: { type: 'boolean', default: false, description: 'When dest is a symlink, write the file it points to; without follow the link is replaced by a regular file, as in Ansible.' },
      decrypt: { type: 'boolean', default: true, description: 'A controller src that is a vault (Ansible Vault or age) is decrypted before it is sent; false sends it as it is.' },
      directory_mode: { type: ['string', 'integer'], description: 'The mode of directories copy creates, for a directory src or a dest ending in / (existing ones are left alone); without it they get the umask\'s mode.' },
      local_follow: { type: 'boolean', description: 'Symlinks in a controller src tree are followed unless false (a link to a file is copied as the file, a link to a directory walked, unless it would loop or is broken); false copies every link as a link. In a remote_src directory links are copied as links unless local_follow is true, as in Ansible.' },
      validate: validateSchemaProperty,
      ...attributeSchemaProperties,
      mode: { ...attributeSchemaProperties.mode, description: `${attributeSchemaProperties.mode.description.replace(/\.$/, '')}, or 'preserve' for the source file's own mode (content: 0600, the mode of the temp file Ansible writes it to).` },
    },
  },
  async plan(host, input, ctx): Promise<Plan<unknown>> {
    const params = requiredArguments(input);
    const source = await sourceContent(host, params, ctx);
    if ('remoteDir' in source) return planRemoteTree(host, params, source.remoteDir);
    if (!('dir' in source)) {
      const mode = params.mode === 'preserve' ? source.mode : params.mode;
      const plan = await planInstall(host, { ...params, mode }, source.content, params.src);
      // With remote_src the module itself finds dest's directory missing, in check mode too (the action's own transfer is skipped then).
      if (source.remoteSrc !== undefined && plan.state!.missingParent !== undefined) throw new ModuleFailure(`Destination directory ${plan.state!.missingParent} does not exist`);
      // Ansible's module reports a remote source as src, and its md5sum even when nothing changed.
      const remote = source.remoteSrc === undefined ? {} : { src: source.remoteSrc, md5sum: createHash('md5').update(source.content).digest('hex') };
      // 'preserve' is resolved once, here: the mode travels in the state, and so does a remote source's path.
      return { ...plan, result: { ...plan.result, ...remote, ...(source.remoteSrc === undefined ? registeredDiff(plan, ctx.diff, params.src, mode) : {}) }, state: { ...plan.state!, mode, remoteSrc: source.remoteSrc } };
    }
    // 'dir/' copies the directory's content into dest, 'dir' the directory itself.
    const root = params.src!.endsWith('/') ? params.dest : posix.join(params.dest, posix.basename(params.src!));
    const tree = await readLocalTree(source.dir, { follow: params.local_follow !== false });
    // A directory's own files before its subdirectories', as Ansible's walk meets them (the first vault without a key is named).
    const walkOrder = [...tree.files].sort((a, b) => a.rel.split('/').length - b.rel.split('/').length || a.rel.localeCompare(b.rel));
    if (params.decrypt) for (const file of walkOrder) file.content = await ctx.decryptLocalFile(join(source.dir, file.rel), file.content);
    return planTree(host, params, tree, root);
  },
  async apply(host, input, plan) {
    const params = requiredArguments(input);
    const state = plan.state as { files?: unknown; mode?: string | number; remoteSrc?: string; reportedDest?: string; topMode?: string | number; reown?: string };
    if (state.reportedDest !== undefined) {
      const applied = await applyTree(host, { ...params, mode: 'preserve' }, plan);
      if (state.reown !== undefined) await host.check(reownCommand(state.reown, params));
      if (state.topMode !== undefined) await settleAttributes(host, state.reportedDest, { mode: state.topMode }, null, true);
      return { ...applied, result: { ...applied.result, ...(await directoryKeys(host, state.reportedDest)) } };
    }
    if (state.files) return applyTree(host, params, plan);
    const applied = await applyInstall(host, { ...params, mode: state.mode }, plan);
    // src is the remote source, not the temp file the content was staged in.
    return state.remoteSrc === undefined ? applied : { ...applied, result: { ...applied.result, src: state.remoteSrc } };
  },
});

/**
 * The checks Ansible's copy action makes before anything else, in its order and
 * with its messages (roles and Ansible's own tests match on them): an empty src
 * counts as none.
 */
function requiredArguments<P extends { dest?: string; src?: string; content?: unknown }>(params: P): P & { dest: string } {
  const { dest, src, content } = params;
  if (!src && content === undefined) throw new ModuleFailure('src (or content) is required');
  if (!dest) throw new ModuleFailure('dest is required');
  if (src && content !== undefined) throw new ModuleFailure('src and content are mutually exclusive');
  if (content !== undefined && dest.endsWith('/')) throw new ModuleFailure('can not use content with a dir as dest');
  return { ...params, dest };
}

/**
 * The file's bytes and its own mode (what mode: preserve copies), or the controller directory a
 * directory src was found at. Content has the mode of the temp file Ansible's action writes it to (0600).
 */
async function sourceContent(host: Host, params: { content?: unknown; src?: string; remote_src?: boolean; decrypt?: boolean }, ctx: ModuleContext): Promise<{ content: Buffer; mode: string; remoteSrc?: string } | { dir: string } | { remoteDir: string }> {
  if (typeof params.content === 'string') return { content: Buffer.from(params.content), mode: '0600' };
  // Ansible's copy action: json.dumps of a dict or list content.
  if (params.content !== undefined) return { content: Buffer.from(pyJson(params.content)), mode: '0600' };
  if (!params.remote_src) {
    const dir = await ctx.findLocalDirectory(params.src!, 'files');
    if (dir !== null) return { dir };
    const found = await ctx.readLocalFile(params.src!, 'files', { decrypt: params.decrypt });
    return { content: found.content, mode: octalMode((await stat(found.path)).mode) };
  }
  // The module's src is a `type: path` parameter, expanded on the host ($HOME/.ssh/...).
  const src = await expandPath(host, params.src!);
  if ((await checkRemoteSource(host, src)) === 'directory') return { remoteDir: src };
  const content = await host.readFile(src);
  if (content === null) throw new ModuleFailure(`Source ${src} not found`);
  return { content, mode: (await host.check(sh`stat -L -c %a -- ${src}`)).stdout.trim().padStart(4, '0'), remoteSrc: src };
}

/**
 * The `diff` Ansible's copy registers. Content changed: with diff mode the old and new text
 * (before_header is dest when it existed, after_header the source file), without it an empty list.
 * Content the same: the file module's, its path and a mode it changes. (Ansible's after_header for
 * `content` is a controller temp file, and its file diff also has owner/group: drover leaves those out.)
 */
function registeredDiff(plan: Plan<InstallState>, diffMode: boolean, src: string | undefined, mode: string | number | undefined): { diff?: unknown } {
  const state = plan.state!;
  if (!state.contentChanged) {
    const current = state.current?.mode;
    const wanted = mode === undefined || current === undefined ? current : resolveMode(mode, current, false);
    const modes = wanted !== current ? { before: { mode: current }, after: { mode: wanted } } : { before: {}, after: {} };
    return { diff: { before: { path: state.dest, ...modes.before }, after: { path: state.dest, ...modes.after } } };
  }
  if (!diffMode) return { diff: [] };
  const entry = plan.diff?.[0];
  return { diff: [{ before: entry?.before ?? '', after: entry?.after ?? '', ...(state.current ? { before_header: state.dest } : {}), ...(src !== undefined ? { after_header: src } : {}) }] };
}

/** Ansible's copy module's checks of a remote_src, in its order and with its messages. */
async function checkRemoteSource(host: Host, src: string): Promise<'file' | 'directory'> {
  const found = await host.run(sh`if [ ! -e ${src} ]; then exit 3; elif [ ! -r ${src} ]; then exit 4; elif [ -d ${src} ]; then exit 5; elif [ ! -f ${src} ]; then exit 6; fi`);
  if (found.rc === 3) throw new ModuleFailure(`Source ${src} not found`);
  if (found.rc === 4) throw new ModuleFailure(`Source ${src} not readable`);
  if (found.rc === 5) return 'directory';
  if (found.rc === 6) throw new ModuleFailure(`Cannot copy invalid source '${src}': not a file`);
  if (found.rc !== 0) throw new ModuleFailure(`cannot check ${src}: ${found.stderr.trim()}`);
  return 'file';
}

/**
 * remote_src with a directory src, as Ansible's copy module copies it: 'dir/' into dest, 'dir'
 * as dest/dir; files and directories keep the source's modes (shutil's copytree and copymode).
 * The result names dest as the module does: joined with src's last part when dest was a
 * directory ('dest/' for 'dir/'), with checksum and md5sum null.
 */
async function planRemoteTree(host: Host, params: Parameters<typeof planTree>[1] & { src?: string; local_follow?: boolean }, src: string): Promise<Plan<unknown>> {
  const dest = await expandUser(host, params.dest);
  const [destInfo] = await pathInfo(host, [{ path: dest, follow: true }]);
  if (destInfo === null && !dest.endsWith('/') && (await host.stat(posix.dirname(dest))) === null) throw new ModuleFailure(`Destination directory ${posix.dirname(dest)} does not exist`);
  const root = src.endsWith('/') ? dest : posix.join(dest, posix.basename(src));
  const tree = await readRemoteTree(host, src, { follow: params.local_follow === true });
  const plan = await planTree(host, { ...params, dest, mode: 'preserve' }, tree, root);
  // Ansible's chown_recursive: owner and group given are set on everything under the copy, its directories and links too.
  const reown = await ownerDiffers(host, root, params, plan.state!.newDirs.length > 0);
  if (reown) plan.changes.push(`set owner/group of everything under ${root}`);
  // Python's os.path.join(dest, basename(src)): 'dir/' has an empty basename, which adds a '/'.
  const base = src.slice(src.lastIndexOf('/') + 1);
  const reportedDest = destInfo?.kind === 'directory' ? (base === '' ? (dest.endsWith('/') ? dest : `${dest}/`) : posix.join(dest, base)) : dest;
  // mode is set on that dest alone (the copies keep their source modes); 'preserve' is the source directory's own mode.
  const topMode = params.mode === 'preserve' ? (await pathInfo(host, [{ path: src, follow: true }]))[0]!.mode : params.mode;
  const [top] = await pathInfo(host, [{ path: reportedDest, follow: true }]);
  if (topMode !== undefined) plan.changes.push(...attributeChanges(reportedDest, { mode: topMode }, top ? asFileStat(top) : null, true));
  return {
    ...plan,
    result: { ...plan.result, dest: reportedDest, src, checksum: null, md5sum: null, ...(await directoryKeys(host, reportedDest)) },
    state: { ...plan.state!, reportedDest, topMode, reown: reown ? root : undefined },
  };
}

/** Whether anything under root (which may not exist yet) has another owner or group than the task asks for. */
async function ownerDiffers(host: Host, root: string, wanted: { owner?: string; group?: string }, anyDirIsNew: boolean): Promise<boolean> {
  if (wanted.owner === undefined && wanted.group === undefined) return false;
  if (anyDirIsNew) return true;
  const notOwner = wanted.owner === undefined ? sh`-false` : sh`! -user ${wanted.owner}`;
  const notGroup = wanted.group === undefined ? sh`-false` : sh`! -group ${wanted.group}`;
  return (await host.check(sh`find ${root} \\( ${notOwner} -o ${notGroup} \\) -print -quit`)).stdout !== '';
}

/** chown -R without following links (-h: a link itself changes owner, as Python's os.lchown). */
function reownCommand(root: string, wanted: { owner?: string; group?: string }) {
  if (wanted.owner === undefined) return sh`chgrp -R -h -- ${wanted.group!} ${root}`;
  return wanted.group === undefined ? sh`chown -R -h -- ${wanted.owner} ${root}` : sh`chown -R -h -- ${`${wanted.owner}:${wanted.group}`} ${root}`;
}

/** The keys Ansible's module adds for dest when it exists: its owner, mode, size and state. */
async function directoryKeys(host: Host, path: string): Promise<Record<string, unknown>> {
  const [info] = await pathInfo(host, [{ path, follow: true }]);
  if (!info) return {};
  return { gid: info.gid, group: info.group ?? String(info.gid), mode: info.mode, owner: info.owner ?? String(info.uid), size: info.size, state: 'directory', uid: info.uid };
}
