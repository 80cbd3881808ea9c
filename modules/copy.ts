// copy: put content (inline, a controller file, or with remote_src a file
// already on the host) at a path on the host.
// Sent only when the sha256 differs; written atomically by the host handle.
// The dest/compare/write logic is shared with template (support/install-content.ts).
import { defineModule, ModuleFailure, type ModuleContext } from '../runner/module-api.js';
import type { Host } from '../runner/host/types.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { applyInstall, planInstall } from './support/install-content.js';
import { validateSchemaProperty } from './support/write-content.js';

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
      src: { type: 'string', description: "A controller file, searched in the role's files/ then the playbook's directory (with remote_src: a file on the host)." },
      remote_src: { type: 'boolean', default: false, description: 'src is a file on the host itself (e.g. a certificate certbot wrote), read there; symlinks are followed.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~.' },
      validate: validateSchemaProperty,
      ...attributeSchemaProperties,
    },
    oneOf: [{ required: ['content'] }, { required: ['src'] }],
  },
  async plan(host, params, ctx) {
    return planInstall(host, params, await sourceContent(host, params, ctx), params.src);
  },
  apply: (host, params, plan) => applyInstall(host, params, plan),
});

async function sourceContent(host: Host, params: { content?: string; src?: string; remote_src?: boolean }, ctx: ModuleContext): Promise<Buffer> {
  if (params.content !== undefined) return Buffer.from(params.content);
  if (!params.remote_src) return (await ctx.readLocalFile(params.src!, 'files')).content;
  const content = await host.readFile(params.src!);
  if (content === null) throw new ModuleFailure(`remote_src: ${params.src} does not exist on the host`);
  return content;
}
