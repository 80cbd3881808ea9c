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

export default defineModule({
  name: 'copy',
  summary: 'Copy inline content or a controller file to a path on the host.',
  changedWhen: 'the content differs (by sha256), or mode/owner/group differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    // dest and one of src/content are required, but checked when the task runs (requiredArguments), as Ansible's copy action does: a failed task with its words.
    properties: {
      dest: { type: 'string', description: 'Remote path (required); a path ending in / (or an existing directory) receives the file under its source name.' },
      content: { type: ['string', 'object', 'array'], description: 'The file content, instead of src (one of the two is required). A mapping or list is written as JSON, as Ansible\'s copy does (a template that renders to one becomes one).' },
      src: { type: 'string', description: "A controller file, searched in the role's files/ then the playbook's directory (with remote_src: a file on the host)." },
      remote_src: { type: 'boolean', default: false, description: 'src is a file on the host itself (e.g. a certificate certbot wrote), read there; symlinks are followed.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~ (returned as backup_file).' },
      follow: { type: 'boolean', default: false, description: 'When dest is a symlink, write the file it points to; without follow the link is replaced by a regular file, as in Ansible.' },
      decrypt: { type: 'boolean', default: true, description: 'A controller src that is a vault (Ansible Vault or age) is decrypted before it is sent; false sends it as it is.' },
      directory_mode: { type: ['string', 'integer'], description: 'With a directory src: the mode of directories copy creates (existing ones are left alone).' },
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
      // 'preserve' is resolved once, here: the mode travels in the state.
      return { ...plan, state: { ...plan.state!, mode } };
    }
    // 'dir/' copies the directory's content into dest, 'dir' the directory itself.
    const root = params.src!.endsWith('/') ? params.dest : posix.join(params.dest, posix.basename(params.src!));
    const tree = await readLocalTree(source.dir, { follow: params.local_follow });
    // A directory's own files before its subdirectories', as Ansible's walk meets them (the first vault without a key is named).
    const walkOrder = [...tree.files].sort((a, b) => a.rel.split('/').length - b.rel.split('/').length || a.rel.localeCompare(b.rel));
    if (params.decrypt) for (const file of walkOrder) file.content = await ctx.decryptLocalFile(join(source.dir, file.rel), file.content);
    return planTree(host, params, tree, root);
  },
  apply: (host, input, plan) => {
    const params = requiredArguments(input);
    const state = plan.state as { newDirs?: unknown; mode?: string | number };
    return state.newDirs ? applyTree(host, params, plan) : applyInstall(host, { ...params, mode: state.mode }, plan);
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
async function sourceContent(host: Host, params: { content?: unknown; src?: string; remote_src?: boolean; decrypt?: boolean }, ctx: ModuleContext): Promise<{ content: Buffer; mode: string } | { dir: string }> {
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
  const content = await host.readFile(src);
  if (content === null) throw new ModuleFailure(`remote_src: ${src} does not exist on the host`);
  return { content, mode: (await host.check(sh`stat -L -c %a -- ${src}`)).stdout.trim().padStart(4, '0') };
}
