// template: render a controller template file with the task's variables and
// install the result like copy does (Ansible's template is copy with rendered
// content): sha256 compare, atomic write, optional validate and backup, then
// mode/owner/group. Rendering happens in plan, on the controller, so --check
// and --diff show the exact content that would be written. The Jinja options
// are Ansible's (trim_blocks on, lstrip_blocks off, Jinja's delimiters).
import { stat } from 'node:fs/promises';
import { defineModule, ModuleFailure, type TemplateSyntaxOptions } from '../runner/module-api.js';
import { attributeSchemaProperties } from './support/file-attributes.js';
import { applyInstall, planInstall } from './support/install-content.js';
import { readLocalTemplate } from './support/render-local-template.js';
import { validateSchemaProperty } from './support/write-content.js';
import { ansibleTemplateVars } from '../runner/template/template-vars.js';

const NEWLINES: Record<string, string> = { '\n': '\n', '\r': '\r', '\r\n': '\r\n', '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n' };
/** Output encodings: Python's codec names for the two Node can write byte-exactly. */
const ENCODINGS: Record<string, 'utf8' | 'latin1'> = { 'utf-8': 'utf8', utf8: 'utf8', 'latin-1': 'latin1', latin1: 'latin1', 'iso-8859-1': 'latin1' };

const delimiter = (what: string, fallback: string) => ({ type: 'string', minLength: 1, description: `The string that ${what} (Jinja's default: ${fallback}).` }) as const;

export default defineModule({
  name: 'template',
  summary: 'Render a controller template with the task variables and install it on the host.',
  changedWhen: 'the rendered content differs (by sha256) from the file on the host, or mode/owner/group differ.',
  schema: {
    type: 'object',
    additionalProperties: false,
    required: ['src', 'dest'],
    properties: {
      src: { type: 'string', minLength: 1, description: "The template on the controller, searched in the role's templates/ then the playbook's directory. Jinja, or Handlebars when the name ends in .hbs or .handlebars." },
      dest: { type: 'string', minLength: 1, description: 'Remote path; a path ending in / (or an existing directory) receives the file under the template\'s name.' },
      force: { type: 'boolean', default: true, description: 'Replace a file whose content differs; false only creates a missing file.' },
      backup: { type: 'boolean', default: false, description: 'Keep the previous version as DEST.<pid>.<date>~.' },
      validate: validateSchemaProperty,
      follow: { type: 'boolean', default: false, description: 'When dest is a symlink, write the file it points to (without follow a symlink at dest is replaced by a regular file, as in Ansible).' },
      newline_sequence: { enum: ['\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n'], default: '\n', description: 'The line ending every line of the template gets.' },
      trim_blocks: { type: 'boolean', default: true, description: 'Remove the first newline after a block tag ({% %}) or comment.' },
      lstrip_blocks: { type: 'boolean', default: false, description: 'Remove spaces and tabs before a block tag or comment that starts its line.' },
      block_start_string: delimiter('starts a block', '{%'),
      block_end_string: delimiter('ends a block', '%}'),
      variable_start_string: delimiter('starts an expression', '{{'),
      variable_end_string: delimiter('ends an expression', '}}'),
      comment_start_string: delimiter('starts a comment', '{#'),
      comment_end_string: delimiter('ends a comment', '#}'),
      output_encoding: { enum: Object.keys(ENCODINGS), default: 'utf-8', description: 'The encoding the rendered text is written in: utf-8 or latin-1 (iso-8859-1).' },
      ...attributeSchemaProperties,
      mode: { type: ['string', 'integer'], description: "Permissions: octal ('0644' or YAML 0644), symbolic ('u=rw,g=r,o=r'), or 'preserve' for the template file's own mode." },
    },
  },
  templateFile: { param: 'src', syntax: (params) => templateSyntax(params as TemplateJinjaParams) },
  async plan(host, params, ctx) {
    const source = await readLocalTemplate(ctx, params.src);
    const text = ctx.renderTemplate(source.text, source.path, templateSyntax(params), ansibleTemplateVars(params.src, source.path, params.dest));
    const encoding = ENCODINGS[params.output_encoding] ?? 'utf8';
    if (encoding === 'latin1' && /[^\u0000-\u00ff]/.test(text)) {
      throw new ModuleFailure(`the rendered template has characters that ${params.output_encoding} cannot encode`);
    }
    const rendered = Buffer.from(text, encoding);
    const mode = params.mode === 'preserve' ? ((await stat(source.path)).mode & 0o7777).toString(8).padStart(4, '0') : params.mode;
    const plan = await planInstall(host, { ...params, mode }, rendered, params.src);
    // The mode travels in the state: 'preserve' is resolved once, here.
    return { ...plan, state: { ...plan.state!, mode }, result: { ...plan.result, src: source.path } };
  },
  apply: (host, params, plan) => applyInstall(host, { ...params, mode: (plan.state as { mode?: string | number }).mode }, plan),
});

export type TemplateJinjaParams = Partial<Record<'trim_blocks' | 'lstrip_blocks', boolean> & Record<'newline_sequence' | `${'block' | 'variable' | 'comment'}_${'start' | 'end'}_string`, string>>;

/** The module's Jinja parameters as the renderer's options; unset ones keep Ansible's defaults (the template parity test maps its parameters with it). */
export function templateSyntax(params: TemplateJinjaParams): TemplateSyntaxOptions {
  const syntax: TemplateSyntaxOptions = {
    trimBlocks: params.trim_blocks,
    lstripBlocks: params.lstrip_blocks,
    newline: params.newline_sequence === undefined ? undefined : NEWLINES[params.newline_sequence],
    blockStart: params.block_start_string,
    blockEnd: params.block_end_string,
    variableStart: params.variable_start_string,
    variableEnd: params.variable_end_string,
    commentStart: params.comment_start_string,
    commentEnd: params.comment_end_string,
  };
  return Object.fromEntries(Object.entries(syntax).filter(([, v]) => typeof v === 'string' || typeof v === 'boolean')) as TemplateSyntaxOptions;
}
