// Rendering playbook values and template files. Every playbook value and every
// template file is Jinja (jinja-*.ts), as in Ansible; a template file whose
// name ends in .hbs or .handlebars is Handlebars (mustache.ts). Values
// without a template start are returned as they are, untouched and uncopied,
// which is nearly all of them.
import { TemplateError, quoteForMessage } from './errors.js';
import { compileJinja, type JinjaTemplate } from './jinja-compile.js';
import { ANSIBLE_SYNTAX, type Syntax } from './jinja-lexer.js';
import { JinjaRenderer, type Loader } from './jinja-render.js';
import { compileTemplate, type Position } from './handlebars-compile.js';
import { Interpreter } from './mustache.js';
import { literalEval } from './literal-eval.js';
import { installLookupRenderers } from './lookup-rendering.js';
import { isMapping, setOwn, type Names } from './values.js';

export type { Loader } from './jinja-render.js';
export type { Syntax } from './jinja-lexer.js';

installLookupRenderers({ renderValue, renderText });

/** Whether text may be a Jinja template: it holds `{{`, `{%` or `{#` (Ansible's test). */
export function isTemplateText(text: string): boolean {
  return text.includes('{{') || text.includes('{%') || text.includes('{#');
}

/** Whether a value holds a template anywhere (a string with `{{`, `{%` or `{#`, at any depth). */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return isTemplateText(value);
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (isMapping(value)) return Object.values(value).some(containsTemplate);
  return false;
}

/**
 * Render every string in a value (through lists and dicts; keys are not
 * templated). A string that is only `{{ expr }}` keeps the expression's type:
 * "{{ packages }}" is the list, "{{ port }}" the number. Containers are copied
 * only where something changed.
 */
export function renderValue(value: unknown, names: Names): unknown {
  if (typeof value === 'string') return isTemplateText(value) ? renderString(value, names) : value;
  if (Array.isArray(value)) {
    const items = value.map((item) => renderValue(item, names));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (isMapping(value)) {
    let out: Record<string, unknown> | null = null;
    for (const [key, item] of Object.entries(value)) {
      const rendered = renderValue(item, names);
      if (rendered !== item && out === null) {
        out = {};
        for (const [k, v] of Object.entries(value)) setOwn(out, k, v);
      }
      if (out !== null) setOwn(out, key, rendered);
    }
    return out ?? value;
  }
  return value;
}

/** Compile a playbook value as Jinja (errors name the value). */
export function compileValue(text: string): JinjaTemplate {
  return compileJinja(text, { name: quoteForMessage(text), value: true });
}

/**
 * Render one string. When the text is a single `{{ expr }}` (whitespace around
 * it allowed) and its value is not text, that value is returned as it is; text
 * results keep the surrounding whitespace, so "{{ motd }}\n" still ends in a newline.
 * Text that reads as a Python list, dict or boolean literal becomes that value, as in Ansible.
 */
export function renderString(text: string, names: Names): unknown {
  if (!isTemplateText(text)) return text;
  return guard(quoteForMessage(text), () => {
    const template = compileValue(text);
    const renderer = new JinjaRenderer(null);
    const nodes = template.nodes.filter((n) => !(n.t === 'text' && n.text.trim() === ''));
    const only = nodes.length === 1 && nodes[0]!.t === 'output' ? nodes[0] : null;
    if (only === null) return literalEval(finish(template, renderer.render(template, names)));
    const value = renderer.value(template, only as typeof only & { t: 'output' }, names);
    if (typeof value !== 'string') return value;
    return literalEval(finish(template, template.nodes.map((n) => (n === only ? value : n.t === 'text' ? n.text : '')).join('')));
  });
}

/** Options of a template file render (the template module's parameters, the include search path). */
export interface FileRenderOptions {
  syntax?: Partial<Syntax>;
  loader?: Loader | null;
}

/**
 * Render a whole template file (the template module): Jinja, or Handlebars for
 * a name ending in .hbs or .handlebars; errors say `NAME:LINE:COLUMN`.
 */
export function renderText(text: string, names: Names, name: string, options: FileRenderOptions = {}): string {
  if (isHandlebarsFile(name)) return renderHandlebars(text, names, name);
  return guard(name, () => {
    const template = compileTemplateFile(text, name, options.syntax);
    return finish(template, new JinjaRenderer(options.loader ?? null).render(template, names));
  });
}

/** Parse a template file (Jinja or Handlebars by its name): what `--syntax-check` runs on the files a playbook names. */
/** Parse a template file as its render would, throwing its syntax errors; a Jinja file's parsed template is returned, for load-time checks of the names it uses. */
export function checkTemplateFile(text: string, name: string, syntax?: Partial<Syntax>): JinjaTemplate | undefined {
  if (isHandlebarsFile(name)) {
    compileTemplate(text);
    return undefined;
  }
  return compileTemplateFile(text, name, syntax);
}

export function isHandlebarsFile(name: string): boolean {
  return /\.(hbs|handlebars)$/i.test(name);
}

function compileTemplateFile(text: string, name: string, syntax: Partial<Syntax> = {}): JinjaTemplate {
  return compileJinja(text, { name, syntax: { ...ANSIBLE_SYNTAX, ...syntax } });
}

/** Ansible gives the output as many trailing newlines as the template text has (Jinja drops one). */
function finish(template: JinjaTemplate, out: string): string {
  const has = /\n*$/.exec(out)![0].length;
  return template.trailingNewlines > has ? out + template.syntax.newline.repeat(template.trailingNewlines - has) : out;
}

function renderHandlebars(text: string, names: Names, name: string): string {
  if (!text.includes('{{')) return text;
  const where = (at?: Position): string => (at === undefined ? name : `${name}:${at.line}:${at.column + 1}`);
  return guard(where, () => new Interpreter(compileTemplate(text), names, where).render());
}

/** Locate errors not located further in; a template nested too deep is the author's error, not ours. */
function guard<T>(where: string | ((at?: Position) => string), run: () => T): T {
  const place = typeof where === 'string' ? (): string => where : where;
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new TemplateError('template or value nested too deeply').locate(place());
    }
    if (error instanceof TemplateError) error.locate(place(error.position));
    throw error;
  }
}
