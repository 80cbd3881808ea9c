// Load-time check of the controller template files a playbook names
// literally (`template: src=motd.j2`): a Jinja syntax error, an unclosed
// `{% if %}`, a tag drover does not run (`{% extends %}`) or a filter, test
// or lookup it does not have is reported with the other input problems, at
// the template's own file:line:col, before anything is sent to a host. A
// templated or missing src is left to the run.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SourceLocation, Unsupported } from '../errors.js';
import type { AnyModule } from '../module-api.js';
import { AnsibleRunTimeError, checkTemplateFile, TemplateError } from '../template/index.js';
import type { Syntax } from '../template/render.js';
import { unknownNames, type NameProblem } from './templates.js';
import type { Node } from '../template/jinja-parser.js';
import { displayPath } from '../playbook/yaml-source.js';

export interface TemplateFileProblem {
  message: string;
  /** Ansible reports it too, when the task runs (see AnsibleRunTimeError). */
  ansibleRunTime: boolean;
  unsupported?: Unsupported;
}

export function templateFileProblems(module: AnyModule, params: unknown, dirs: { roleDir?: string; baseDir: string }): TemplateFileProblem[] {
  const spec = module.templateFile;
  if (spec === undefined || typeof params !== 'object' || params === null) return [];
  const values = params as Record<string, unknown>;
  const src = values[spec.param];
  if (typeof src !== 'string' || /\{\{|\{%/.test(src)) return [];
  const syntax = spec.syntax?.(values);
  // Templated Jinja options are known only per host.
  if (Object.values(syntax ?? {}).some((v) => typeof v === 'string' && /\{\{|\{%/.test(v))) return [];
  const candidates = isAbsolute(src)
    ? [src]
    : [...(dirs.roleDir ? [join(dirs.roleDir, 'templates', src), join(dirs.roleDir, src)] : []), join(dirs.baseDir, 'templates', src), join(dirs.baseDir, src)];
  const path = candidates.find((p) => existsSync(p));
  if (path === undefined) return [];
  return templateTextProblems(path, syntax).map((p) => ({ ...p, message: `parameter '${spec.param}': ${p.message}` }));
}

/**
 * Every problem of one template file: its syntax error (parsing stops there), else each filter,
 * test and lookup it names that drover does not have. Not UTF-8 text: none (the module copies it as Ansible fails it).
 */
export function templateTextProblems(path: string, syntax?: Partial<Syntax>): TemplateFileProblem[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch {
    return [];
  }
  let template;
  try {
    template = checkTemplateFile(text, displayPath(path), syntax);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return [{ message: error.message, ansibleRunTime: error instanceof AnsibleRunTimeError, unsupported: located(error.unsupported, error.where) }];
  }
  if (template === undefined) return [];
  return template.nodes.flatMap(namesInNode).map((n) => {
    const where = template.place(n.offset);
    // Ansible's Jinja fails such a template when the task renders it.
    return { message: `${n.message} in ${where}`, ansibleRunTime: true, unsupported: located(n.unsupported, where) };
  });
}

/**
 * The unknown names of one node and the nodes inside it, offsets counted in the template text:
 * an expression's offset counts from the start of its own tag's content (each `elif` has its own).
 */
function namesInNode(node: Node): NameProblem[] {
  if (node.t === 'text') return [];
  const inTag = (expressions: unknown[], tagAt: number) => unknownNames(expressions).map((n) => ({ ...n, offset: tagAt + n.offset }));
  if (node.t === 'if') {
    return [...node.branches.flatMap((b) => [...inTag([b.test], b.at), ...b.body.flatMap(namesInNode)]), ...node.otherwise.flatMap(namesInNode)];
  }
  const expressions: unknown[] = [];
  const children: Node[] = [];
  const sort = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(sort);
    if (typeof value !== 'object' || value === null) return;
    if ('t' in value && ('source' in value || value.t === 'text')) children.push(value as Node);
    // Expressions have a span; a `{% filter %}` call has arguments; other objects hold both (an if's branches).
    else if ('start' in value || 'args' in value) expressions.push(value);
    else Object.values(value).forEach(sort);
  };
  for (const [key, value] of Object.entries(node)) if (key !== 'at' && key !== 'source') sort(value);
  return [...inTag(expressions, node.at), ...children.flatMap(namesInNode)];
}

/** The construct's place, from a `FILE:LINE:COL` text. */
function located(unsupported: Unsupported | undefined, where: string | undefined): Unsupported | undefined {
  const m = where === undefined ? null : /^(.*):(\d+):(\d+)$/.exec(where);
  if (unsupported === undefined || m === null) return unsupported;
  const at: SourceLocation = { file: m[1]!, line: Number(m[2]), column: Number(m[3]) };
  return { ...unsupported, at };
}
