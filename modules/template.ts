// template: render a controller template file with the task's variables and
// install the result like copy does (Ansible's template is copy with rendered
// content): sha256 compare, atomic write, optional validate and backup, then
// mode/owner/group. Rendering happens in plan, on the controller, so --check
// and --diff show the exact content that would be written.
import { stat } from 'node:fs/promises';
import { defineModule } from '../runner/module-api.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { applyInstall, planInstall } from './support/install-content.js';
import { readLocalTemplate } from './support/render-local-template.js';
import { validateSchemaProperty } from './support/write-content.js';

const NEWLINES: Record<string, string> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };

export default defineModule({
  name: 'template',
  summary: 'Render a controller template with the task variables and install it on the host.',
  changedWhen: 'the rendered content differs (by sha256) from the file on the host, or mode/owner/group differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: "The template on the controller, searched in the role's templates/ then the playbook's directory." },
      dest: { type: 'string', minLength: 1, description: 'Remote path; a path ending in / (or an existing directory) receives the file under the template\'s name.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~.' },
      validate: validateSchemaProperty,
      follow: { type: 'boolean', default: false, description: 'When dest is a symlink, write the file it points to (without follow a symlink at dest is replaced by a regular file, as in Ansible).' },
      newline_sequence: { enum: ['\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n'], default: '\n', description: 'The line ending every line of the template gets.' },
      ...attributeSchemaProperties,
      mode: { type: ['string', 'integer'], description: "Permissions: octal ('0644' or YAML 0644), symbolic ('u=rw,g=r,o=r'), or 'preserve' for the template file's own mode." },
    },
  },
  async plan(host, params, ctx) {
    const source = await readLocalTemplate(ctx, params.src);
    // Jinja2 gives every line of template text the configured line ending.
    const text = source.text.replace(/\r\n|\r|\n/g, NEWLINES[params.newline_sequence] ?? '\n');
    const rendered = Buffer.from(ctx.renderTemplate(text, source.path), 'utf8');
    const mode = params.mode === 'preserve' ? ((await stat(source.path)).mode & 0o7777).toString(8).padStart(4, '0') : params.mode;
    const plan = await planInstall(host, { ...params, mode }, rendered, params.src);
    // The mode travels in the state: 'preserve' is resolved once, here.
    return { ...plan, state: { ...plan.state!, mode }, result: { ...plan.result, src: source.path } };
  },
  apply: (host, params, plan) => applyInstall(host, { ...params, mode: (plan.state as { mode?: string | number }).mode }, plan),
});
