// What dynamic includes read when a host first reaches them: an include_tasks
// file or an include_role role, parsed and validated then (as Ansible does:
// a task file for another OS family that no host includes never stops the
// run), with every problem at its file:line:col. Each is read once per run
// (per play for roles) and shared by the hosts that reach it.
import { InputError, type Problem, type SourceLocation } from '../errors.js';
import type { ModuleRegistry } from '../module-api.js';
import { parseTaskList } from '../playbook/tasks.js';
import { loadRole, type LoadedRole } from '../playbook/roles.js';
import type { Play, RoleContext, RoleFiles, TaskNode } from '../playbook/types.js';
import { readYamlFile } from '../playbook/yaml-source.js';

async function validated<T>(read: (problems: Problem[]) => Promise<T>): Promise<T> {
  const problems: Problem[] = [];
  let value: T;
  try {
    value = await read(problems);
  } catch (error) {
    const inner = (error as { problems?: Problem[] }).problems;
    if (!inner) throw error;
    problems.push(...inner);
  }
  if (problems.length) throw new InputError(problems);
  return value!;
}

/** include_tasks files, loaded once per path. */
export function includeLoader(registry: ModuleRegistry): (path: string, role: RoleContext | undefined) => Promise<TaskNode[]> {
  const cache = new Map<string, Promise<TaskNode[]>>();
  return (path, role) => {
    const key = `${path}\u0000${role?.dir ?? ''}`;
    let tasks = cache.get(key);
    if (!tasks) {
      tasks = validated(async (problems) => parseTaskList(await readYamlFile(path), { file: path, registry, problems, role, dynamicParent: true }));
      cache.set(key, tasks);
    }
    return tasks;
  };
}

/** include_role's roles of one play, loaded once per name and *_from files: the same tasks and handlers each time. */
export function roleIncluder(registry: ModuleRegistry, play: Play): (name: string, from: RoleFiles, at: SourceLocation) => Promise<LoadedRole[]> {
  const cache = new Map<string, Promise<LoadedRole[]>>();
  return (name, from, at) => {
    const key = `${name}\u0000${JSON.stringify(from)}`;
    let roles = cache.get(key);
    if (!roles) {
      roles = validated((problems) =>
        loadRole(name, { searchPath: play.roleSearchPath, registry, problems, applied: new Set() }, at, { from, once: false }),
      );
      cache.set(key, roles);
    }
    return roles;
  };
}
