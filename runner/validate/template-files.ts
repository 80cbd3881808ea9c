// Load-time check of the controller template files a playbook names
// literally (`template: src=motd.j2`): a Jinja syntax error, an unclosed
// `{% if %}` or a tag drover does not run (`{% extends %}`) is reported with
// the other input problems, at the template's own file:line:col, before
// anything is sent to a host. A templated or missing src is left to the run.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { AnyModule } from '../module-api.js';
import { AnsibleRunTimeError, checkTemplateFile } from '../template/index.js';

export interface TemplateFileProblem {
  message: string;
  /** Ansible reports it too, when the task runs (see AnsibleRunTimeError). */
  ansibleRunTime: boolean;
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
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch {
    return [];
  }
  try {
    checkTemplateFile(text, path, syntax);
  } catch (error) {
    return [{ message: `parameter '${spec.param}': ${(error as Error).message}`, ansibleRunTime: error instanceof AnsibleRunTimeError }];
  }
  return [];
}
