// The services a module may ask of the engine for one task: controller files
// searched like Ansible, template rendering and conditions with the task's variables.
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { LocalFileKind, ModuleContext } from '../module-api.js';
import { ModuleFailure } from '../module-api.js';
import type { ModuleTask } from '../playbook/types.js';
import type { PlayRuntime } from './runtime.js';
import { condition, renderTemplateText, type Scope } from './templating.js';
import { templateLoader, templateSearchPath } from './template-loader.js';
import { TemplateError } from '../template/index.js';
import { decryptVaultFile } from '../vault/session.js';
import { InputError } from '../errors.js';
import { readYamlFile } from '../playbook/yaml-source.js';

/** A vault file's plaintext bytes; any other file as it is. */
async function decryptLocal(path: string, content: Buffer): Promise<Buffer> {
  const plain = await decryptVaultFile(content, path);
  // Ansible's words, which roles test for; drover's key flags are in docs/vault.md.
  if (plain === 'missingKey') throw new ModuleFailure(`A vault password or secret must be specified to decrypt ${path}`);
  return plain ?? content;
}

export function moduleContext(task: ModuleTask, rt: PlayRuntime, scope: Scope, options: { check: boolean; diff: boolean }): ModuleContext {
  /** The first candidate that exists, searched like Ansible: role dir, then the task's and the play's directories. */
  const findLocal = async (path: string, kind: LocalFileKind): Promise<string> => {
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
    evaluate: (expression) => condition(expression, scope, (message) => rt.emit({ type: 'warning', message })),
    verbosity: rt.settings.verbosity,
    diff: options.diff,
    lookup: (name) => {
      try {
        return scope.lookup(name);
      } catch {
        return undefined;
      }
    },
    readLocalFile: async (path, kind, options = {}) => {
      const found = await findLocal(path, kind);
      const content = await readFile(found);
      return { path: found, content: options.decrypt === false ? content : await decryptLocal(found, content) };
    },
    decryptLocalFile: decryptLocal,
    findLocalDirectory: async (path, kind) => {
      const found = await findLocal(path, kind);
      return (await stat(found)).isDirectory() ? found : null;
    },
    source: { roleDir: task.role?.dir, taskDir: task.baseDir },
    loadVarsFile: async (path) => {
      try {
        return await readYamlFile(path);
      } catch (error) {
        // A syntax error in the file fails this task (as in Ansible), with the file's own line and column.
        if (error instanceof InputError) throw new ModuleFailure(error.message);
        throw error;
      }
    },
    renderTemplate: (text, name, syntax, templateVars) => {
      const names = templateVars === undefined ? scope : scope.with({ source: 'template vars', vars: templateVars, verbatim: true });
      try {
        return renderTemplateText(text, names, name, { syntax, loader: templateLoader(templateSearchPath(task, rt, name)) });
      } catch (error) {
        // Ansible's template action fails with `ClassName: message` for what Jinja raised.
        if (error instanceof TemplateError && error.pythonClass !== undefined) error.message = `${error.pythonClass}: ${error.message}`;
        throw error;
      }
    },
    warn: (message) => rt.emit({ type: 'warning', message }),
    checkModeWarn: (message) => {
      if (options.check) rt.emit({ type: 'warning', message });
    },
  };
}
