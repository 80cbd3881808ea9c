// Controller templates: read as UTF-8 from the role's templates/ (then the
// playbook's directory) and rendered with the task's variables. The template
// module installs the result; libvirt_domain's xml_template takes it as the
// whole definition.
import { ModuleFailure, type ModuleContext } from '../../runner/module-api.js';

/** The template's text and where it was found. */
export async function readLocalTemplate(ctx: ModuleContext, src: string): Promise<{ text: string; path: string }> {
  const source = await ctx.readLocalFile(src, 'templates');
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(source.content), path: source.path };
  } catch {
    throw new ModuleFailure(`Template source files must be utf-8 encoded: ${src}`);
  }
}

export async function renderLocalTemplate(ctx: ModuleContext, src: string): Promise<string> {
  const { text, path } = await readLocalTemplate(ctx, src);
  return ctx.renderTemplate(text, path);
}
