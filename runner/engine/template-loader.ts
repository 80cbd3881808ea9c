// Where `{% include %}` and `{% import %}` in a template file find other
// templates: Ansible's template action searches ansible_search_path (the
// role, then the playbook directory), the playbook directory again and the
// template's own directory, each as DIR/templates then DIR.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ModuleTask } from '../playbook/types.js';
import type { Loader } from '../template/index.js';
import type { PlayRuntime } from './runtime.js';

export function templateSearchPath(task: ModuleTask, rt: PlayRuntime, templatePath: string): string[] {
  const dirs = [...(task.role ? [task.role.dir] : []), task.baseDir, rt.play.baseDir, dirname(templatePath)];
  return [...new Set(dirs.flatMap((dir) => [join(dir, 'templates'), dir]))];
}

/**
 * Jinja's FileSystemLoader: a name is a path under one of the directories (a leading / too), a name
 * with `..` is never found, and files are read as UTF-8 when a render needs them.
 */
export function templateLoader(searchPath: readonly string[]): Loader {
  return {
    read(name) {
      const pieces = name.split('/').filter((p) => p !== '' && p !== '.');
      if (pieces.includes('..')) return null;
      for (const path of searchPath.map((dir) => join(dir, ...pieces))) {
        try {
          return { text: readFileSync(path, 'utf8'), path };
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'ENOENT' && (error as NodeJS.ErrnoException).code !== 'EISDIR') throw error;
        }
      }
      return null;
    },
  };
}
