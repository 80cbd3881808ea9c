// copy: put content (inline or a controller file) at a path on the host.
// Sent only when the sha256 differs; written atomically by the host handle.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { defineModule } from '../runner/module-api.js';
import type { FileStat } from '../runner/host/types.js';
import { attributeChanges, attributeSchemaProperties, applyAttributes } from './support/file-attributes.js';
import { textDiff } from './support/diff.js';

interface CopyState {
  dest: string;
  content: Buffer;
  current: FileStat | null;
  contentChanged: boolean;
}

export default defineModule({
  name: 'copy',
  summary: 'Copy inline content or a controller file to a path on the host.',
  changedWhen: 'the content differs (by sha256), or mode/owner/group differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['dest'],
    properties: {
      dest: { type: 'string', minLength: 1, description: 'Remote path; a path ending in / (or an existing directory) receives the file under its source name.' },
      content: { type: 'string', description: 'The file content, instead of src.' },
      src: { type: 'string', description: "A controller file, searched in the role's files/ then the playbook's directory." },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~.' },
      ...attributeSchemaProperties,
    },
  },
  async plan(host, params, ctx) {
    const content = params.content !== undefined ? Buffer.from(params.content) : (await ctx.readLocalFile(params.src!, 'files')).content;
    let dest = params.dest;
    let current = await host.stat(dest, { checksum: true });
    if (dest.endsWith('/') || current?.kind === 'directory') {
      if (params.src === undefined) throw new Error(`dest ${dest} is a directory: with content, give the file's full path`);
      dest = posix.join(dest, posix.basename(params.src));
      current = await host.stat(dest, { checksum: true });
    }
    if (current && current.kind !== 'file') throw new Error(`dest ${dest} is a ${current.kind}, not a file`);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const contentChanged = current === null || (params.force !== false && current.sha256 !== sha256);
    const changes = contentChanged ? [current ? `update content of ${dest}` : `create ${dest}`] : [];
    changes.push(...attributeChanges(dest, params, current, false));
    const before = current && contentChanged ? await host.readFile(dest) : null;
    return {
      changes,
      diff: contentChanged ? [textDiff(dest, before, content)] : [],
      state: { dest, content, current, contentChanged } satisfies CopyState,
      result: { dest, checksum: sha256, size: content.length },
    };
  },
  async apply(host, params, plan) {
    const { dest, content, current, contentChanged } = plan.state as CopyState;
    let backupFile: string | undefined;
    if (contentChanged) {
      const written = await host.writeFile(dest, content, { backup: params.backup });
      backupFile = written.backupPath;
    }
    await applyAttributes(host, dest, params, contentChanged ? await host.stat(dest) : current, false);
    return { result: { ...plan.result, ...(backupFile ? { backup_file: backupFile } : {}) } };
  },
});
