// copy: put content (inline, a controller file or directory, or with
// remote_src a file already on the host) at a path on the host.
// Sent only when the sha256 differs; written atomically by the host handle.
// The dest/compare/write logic is shared with template (support/install-content.ts).
import { defineModule, ModuleFailure, type ModuleContext, type Plan } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { join, posix } from 'node:path';
import { applyInstall, planInstall } from './support/install-content.js';
import { pyJson } from '../runner/template/python-json.js';
import { applyTree, planTree, readLocalTree } from './support/copy-tree.js';
import { validateSchemaProperty } from './support/write-content.js';
import { expandPath } from './support/path-info.js';
import { octalMode } from './support/file-attributes.js';
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
      remote_src: { type: 'boolean', default: false, description: 'src is a file on the host itself (e.g. a certificate certbot wrote), read there; symlinks are followed. Only a file: a directory on the host is refused.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~ (returned as backup_file).' },
      follow: { type: 'boolean', default: false, description: 'When dest is a symlink, write the file it points to; without follow the link is replaced by a regular file, as in Ansible.' },
      decrypt: { type: 'boolean', default: true, description: 'A controller src that is a vault (Ansible Vault or age) is decrypted before it is sent; false sends it as it is.' },
      directory_mode: { type: ['string', 'integer'], description: 'The mode of directories copy creates, for a directory src or a dest ending in / (existing ones are left alone); without it they get the umask\'s mode.' },
      local_follow: { type: 'boolean', default: true, description: 'Symlinks in a controller src tree are followed (a link to a file is copied as the file, a link to a directory walked, unless it would loop or is broken); false copies every link as a link.' },
      validate: validateSchemaProperty,
      ...attributeSchemaProperties,
      mode: { ...attributeSchemaProperties.mode, description: `${attributeSchemaProperties.mode.description.replace(/\.$/, '')}, or 'preserve' for the source file's own mode (content: 0600, the mode of the temp file Ansible writes it to).` },
    },
  },
  async plan(host, input, ctx): Promise<Plan<unknown>> {
    const params = requiredArguments(input);
    const source = await sourceContent(host, params, ctx);
    if (!('dir' in source)) {
      const mode = params.mode === 'preserve' ? source.mode : params.mode;
      const plan = await planInstall(host, { ...params, mode }, source.content, params.src);
      // With remote_src the module itself finds dest's directory missing, in check mode too (the action's own transfer is skipped then).
      if (source.remoteSrc !== undefined && plan.state!.missingParent !== undefined) throw new ModuleFailure(`Destination directory ${plan.state!.missingParent} does not exist`);
      // Ansible's module reports a remote source as src, and its md5sum even when nothing changed.
      const remote = source.remoteSrc === undefined ? {} : { src: source.remoteSrc, md5sum: createHash('md5').update(source.content).digest('hex') };
      // 'preserve' is resolved once, here: the mode travels in the state, and so does a remote source's path.
      return { ...plan, result: { ...plan.result, ...remote }, state: { ...plan.state!, mode, remoteSrc: source.remoteSrc } };
    }
    // 'dir/' copies the directory's content into dest, 'dir' the directory itself.
    const root = params.src!.endsWith('/') ? params.dest : posix.join(params.dest, posix.basename(params.src!));
    const tree = await readLocalTree(source.dir, { follow: params.local_follow });
    // A directory's own files before its subdirectories', as Ansible's walk meets them (the first vault without a key is named).
    const walkOrder = [...tree.files].sort((a, b) => a.rel.split('/').length - b.rel.split('/').length || a.rel.localeCompare(b.rel));
    if (params.decrypt) for (const file of walkOrder) file.content = await ctx.decryptLocalFile(join(source.dir, file.rel), file.content);
    return planTree(host, params, tree, root);
  },
  async apply(host, input, plan) {
    const params = requiredArguments(input);
    const state = plan.state as { files?: unknown; mode?: string | number; remoteSrc?: string };
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
async function sourceContent(host: Host, params: { content?: unknown; src?: string; remote_src?: boolean; decrypt?: boolean }, ctx: ModuleContext): Promise<{ content: Buffer; mode: string; remoteSrc?: string } | { dir: string }> {
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
  await checkRemoteSource(host, src);
  const content = await host.readFile(src);
  if (content === null) throw new ModuleFailure(`Source ${src} not found`);
  return { content, mode: (await host.check(sh`stat -L -c %a -- ${src}`)).stdout.trim().padStart(4, '0'), remoteSrc: src };
}

/** Ansible's copy module's checks of a remote_src, in its order and with its messages. */
async function checkRemoteSource(host: Host, src: string): Promise<void> {
  const found = await host.run(sh`if [ ! -e ${src} ]; then exit 3; elif [ ! -r ${src} ]; then exit 4; elif [ -d ${src} ]; then exit 5; elif [ ! -f ${src} ]; then exit 6; fi`);
  if (found.rc === 3) throw new ModuleFailure(`Source ${src} not found`);
  if (found.rc === 4) throw new ModuleFailure(`Source ${src} not readable`);
  if (found.rc === 5) throw new ModuleFailure(`remote_src: ${src} is a directory on the host; drover copies only a file with remote_src (use synchronize or a command task for a directory)`);
  if (found.rc === 6) throw new ModuleFailure(`Cannot copy invalid source '${src}': not a file`);
  if (found.rc !== 0) throw new ModuleFailure(`cannot check ${src}: ${found.stderr.trim()}`);
}
