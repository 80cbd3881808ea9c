// A controller template rendered to text, for modules that take a whole
// definition as a parameter (libvirt_domain's xml_template): the same search
// (role templates/, then the playbook's directory) and rendering as the
// template module, without installing a file.
import { ModuleFailure, type ModuleContext } from '../../runner/module-api.js';

export async function renderLocalTemplate(ctx: ModuleContext, src: string): Promise<string> {
  const source = await ctx.readLocalFile(src, 'templates');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(source.content);
  } catch {
    throw new ModuleFailure(`Template source files must be utf-8 encoded: ${src}`);
  }
  return ctx.renderTemplate(text, source.path);
}
