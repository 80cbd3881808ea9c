// Rendering playbook values and template files. Which `{{ }}` is Jinja-style
// and which is Handlebars is decided in compile.ts; docs/templating.md has the
// table. Values without `{{` are returned as they are, untouched and uncopied,
// which is nearly all of them.
import { compileTemplate, type ContentStatement, type Position, type Statement } from './compile.js';
import { TemplateError, quoteForMessage } from './errors.js';
import { Interpreter } from './mustache.js';
import { isMapping, setOwn, type Names } from './values.js';

/** Whether a value holds a template anywhere (a string with `{{`, at any depth). */
export function containsTemplate(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('{{');
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
  if (typeof value === 'string') return value.includes('{{') ? renderString(value, names) : value;
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

/**
 * Render one string. When the text is a single mustache (whitespace around it
 * allowed) and its value is not text, that value is returned as it is; text
 * results keep the surrounding whitespace, so "{{ motd }}\n" still ends in a newline.
 */
export function renderString(text: string, names: Names): unknown {
  if (!text.includes('{{')) return text;
  const where = (): string => quoteForMessage(text);
  return guard(where, () => {
    const template = compileTemplate(text);
    const interpreter = new Interpreter(template, names, where);
    if (template.single === null) return interpreter.render();
    const value = interpreter.value(template.single);
    if (typeof value !== 'string') return value;
    const piece = (s: Statement): string =>
      s === template.single ? value : s.type === 'ContentStatement' ? (s as ContentStatement).value : '';
    return template.program.body.map(piece).join('');
  });
}

/**
 * Render a whole template file (the template module): Handlebars blocks,
 * helpers and Jinja-style `{{ x | filter }}` alike; errors say `NAME:LINE:COLUMN`.
 */
export function renderText(text: string, names: Names, name: string): string {
  if (!text.includes('{{')) return text;
  const where = (at?: Position): string => (at === undefined ? name : `${name}:${at.line}:${at.column + 1}`);
  return guard(where, () => new Interpreter(compileTemplate(text), names, where).render());
}

/** Locate errors not located further in; a template nested too deep is the author's error, not ours. */
function guard<T>(where: (at?: Position) => string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      throw new TemplateError('template or value nested too deeply').locate(where());
    }
    if (error instanceof TemplateError) error.locate(where(error.position));
    throw error;
  }
}
