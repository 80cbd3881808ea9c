// The services a module may ask of the engine for one task: controller files
// searched like Ansible, template rendering and conditions with the task's variables.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { ModuleContext } from '../module-api.js';
import { ModuleFailure } from '../module-api.js';
import type { ModuleTask } from '../playbook/types.js';
import type { PlayRuntime } from './runtime.js';
import { condition, renderTemplateText, type Scope } from './templating.js';
import { templateLoader, templateSearchPath } from './template-loader.js';
import { readYamlFile } from '../playbook/yaml-source.js';

export function moduleContext(task: ModuleTask, rt: PlayRuntime, scope: Scope): ModuleContext {
  /** The first candidate that exists, searched like Ansible: role dir, then the task's and the play's directories. */
  const findLocal = async (path: string, kind: 'files' | 'templates' | 'vars'): Promise<string> => {
    const candidates = isAbsolute(path)
      ? [path]
      : [
          ...(task.role ? [join(task.role.dir, kind, path), join(task.role.dir, path)] : []),
          join(task.baseDir, kind, path),
          join(task.baseDir, path),
          join(rt.play.baseDir, kind, path),
          join(rt.play.baseDir, path),
        ];
    for (const candidate of candidates) {
      try {
        await stat(candidate);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
    throw new ModuleFailure(`could not find '${path}' (searched ${[...new Set(candidates)].join(', ')})`);
  };
  return {
    evaluate: (expression) => condition(expression, scope),
    lookup: (name) => {
      try {
        return scope.lookup(name);
      } catch {
        return undefined;
      }
    },
    readLocalFile: async (path, kind) => {
      const found = await findLocal(path, kind);
      return { path: found, content: await readFile(found) };
    },
    findLocalDirectory: async (path, kind) => {
      const found = await findLocal(path, kind);
      return (await stat(found)).isDirectory() ? found : null;
    },
    readVarsFile: async (path) => {
      const found = await findLocal(path, 'vars');
      return { path: found, vars: await readYamlFile(found) };
    },
    renderTemplate: (text, name, syntax) => renderTemplateText(text, scope, name, { syntax, loader: templateLoader(templateSearchPath(task, rt, name)) }),
    warn: (message) => rt.emit({ type: 'warning', message }),
  };
}
