// copy: put content (inline or a controller file) at a path on the host.
// Sent only when the sha256 differs; written atomically by the host handle.
// The dest/compare/write logic is shared with template (support/install-content.ts).
import { defineModule } from '../runner/module-api.js';
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
      src: { type: 'string', description: "A controller file, searched in the role's files/ then the playbook's directory." },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~.' },
      validate: validateSchemaProperty,
      ...attributeSchemaProperties,
    },
    oneOf: [{ required: ['content'] }, { required: ['src'] }],
  },
  async plan(host, params, ctx) {
    const content = params.content !== undefined ? Buffer.from(params.content) : (await ctx.readLocalFile(params.src!, 'files')).content;
    return planInstall(host, params, content, params.src);
  },
  apply: (host, params, plan) => applyInstall(host, params, plan),
});
