// Roles: roles/NAME/{tasks,handlers,defaults,vars,meta}/main.yml plus files/
// and templates/. Dependencies (meta/main.yml) run first; a role applied twice
// with the same parameters runs once per play, as in Ansible.
import { access } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { Problem, SourceLocation } from '../errors.js';
import type { ModuleRegistry } from '../module-api.js';
import { handlerTasks, parseTaskList } from './tasks.js';
import type { LoadTimeVars } from './load-time-vars.js';
import type { Keywords, ModuleTask, RoleContext, RoleFiles, TaskNode } from './types.js';
import { displayPath, locationOf, readYamlFile } from './yaml-source.js';

export interface RoleLoader {
  /** Directories searched for roles, in order. */
  searchPath: string[];
  registry: ModuleRegistry;
  problems: Problem[];
  /** Roles already applied in this play, by name + parameters. */
  applied: Set<string>;
  /** The roles whose dependencies are being loaded, outermost first (directory and name): a cycle is refused. */
  chain?: ReadonlyArray<{ dir: string; name: string }>;
  /** Roles import_role brought in: their defaults and vars are the play's, as Ansible's static roles are. */
  imported?: LoadedRole[];
  /** What an import's templated name sees when the playbook loads. */
  loadVars?: LoadTimeVars;
  /** The playbook's directory, where a role's import_tasks looks last. */
  playDir?: string;
}

export interface LoadedRole {
  role: RoleContext;
  tasks: TaskNode[];
  handlers: ModuleTask[];
}

const exists = (path: string) => access(path).then(() => true, () => false);

async function findRole(name: string, loader: RoleLoader): Promise<string | undefined> {
  if (isAbsolute(name)) return (await exists(name)) ? name : undefined;
  for (const dir of loader.searchPath) {
    const candidate = resolve(dir, name);
    if (await exists(candidate)) return candidate;
  }
  return undefined;
}

/**
 * main.yml, main.yaml or main of a role's sub-directory, or the file a
 * `*_from` names (as written, then with .yml, .yaml, .json, as Ansible looks);
 * undefined when there is none.
 */
async function readRoleFile(dir: string, part: string, problems: Problem[], from?: string, at?: SourceLocation): Promise<{ path: string; content: unknown } | undefined> {
  const names = from === undefined ? ['main.yml', 'main.yaml', 'main'] : ['', '.yml', '.yaml', '.json'].map((ext) => `${basename(from)}${ext}`);
  for (const file of names) {
    const path = join(dir, part, file);
    if (!(await exists(path))) continue;
    try {
      return { path, content: await readYamlFile(path) };
    } catch (error) {
      problems.push(...((error as { problems?: Problem[] }).problems ?? [{ message: (error as Error).message }]));
      return undefined;
    }
  }
  // Ansible's words: a file named by *_from must be there.
  if (from !== undefined && (await exists(join(dir, part)))) problems.push({ message: `Could not find specified file in role: ${part}/${basename(from)}`, location: at });
  return undefined;
}

function asMapping(value: unknown, path: string, problems: Problem[]): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  problems.push({ message: `${displayPath(path)} must be a mapping of variables`, location: locationOf(value) });
  return {};
}

const ROLE_SPEC_KEYWORDS = new Set(['role', 'name', 'vars', 'tags', 'when', 'become', 'become_user', 'remote_user', 'environment', 'no_log', 'ignore_errors', 'delegate_to']);

/** How a role is applied: `roles:` entries run once per play per parameters; import_role and include_role run each time (allow_duplicates). */
export interface RoleApplication {
  from?: RoleFiles;
  once?: boolean;
}

/** Load a role (given as in a play's `roles:` list) and, first, its dependencies. */
export async function loadRole(spec: unknown, loader: RoleLoader, at?: SourceLocation, how: RoleApplication = { once: true }): Promise<LoadedRole[]> {
  const entry = typeof spec === 'string' ? { role: spec } : (spec as Record<string, unknown> | null);
  const name = entry?.role ?? entry?.name;
  if (typeof name !== 'string') {
    loader.problems.push({ message: `a role entry needs 'role: NAME', got ${JSON.stringify(spec)}`, location: locationOf(spec) ?? at });
    return [];
  }
  const dir = await findRole(name, loader);
  if (!dir) {
    const searched = loader.searchPath.map(displayPath).join(', ');
    // NAMESPACE.COLLECTION.ROLE is a collection's role, which Ansible finds in its collections paths and drover does not look for.
    const unsupported = /^[\w-]+\.[\w-]+\.[\w-]+$/.test(name)
      ? ({ kind: 'role', name, instead: 'put the role under roles/ (or roles_path: drover galaxy install) and name it by its directory' } as const)
      : undefined;
    loader.problems.push({ message: `role '${name}' not found (searched ${searched})`, location: locationOf(spec) ?? at, unsupported });
    return [];
  }
  const params: Record<string, unknown> = { ...(entry!.vars as object) };
  const keywords: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(entry!)) {
    if (key === 'role' || key === 'name' || key === 'vars') continue;
    if (ROLE_SPEC_KEYWORDS.has(key)) keywords[key] = value;
    else params[key] = value;
  }
  const chain = loader.chain ?? [];
  const looped = chain.findIndex((r) => r.dir === dir);
  if (looped >= 0) {
    // Ansible's words; the de-duplication below would otherwise hide the cycle.
    const cycle = [...chain.slice(looped).map((r) => r.name), name].join(' -> ');
    loader.problems.push({ message: `A recursion loop was detected with the roles specified (${cycle}). Make sure child roles do not have dependencies on parent roles`, location: locationOf(spec) ?? at });
    return [];
  }
  const identity = `${dir}\u0000${JSON.stringify(params)}`;
  if (how.once !== false && loader.applied.has(identity)) return [];
  loader.applied.add(identity);
  const from = how.from ?? {};
  const where = locationOf(spec) ?? at;

  const problems = loader.problems;
  const defaults = await readRoleFile(dir, 'defaults', problems, from.defaults, where);
  const vars = await readRoleFile(dir, 'vars', problems, from.vars, where);
  const meta = await readRoleFile(dir, 'meta', problems);
  const role: RoleContext = {
    name: name.split('/').pop()!,
    dir,
    defaults: defaults ? asMapping(defaults.content, defaults.path, problems) : {},
    vars: vars ? asMapping(vars.content, vars.path, problems) : {},
    params,
  };
  const loaded: LoadedRole[] = [];
  const dependencies = (meta?.content as { dependencies?: unknown[] } | null)?.dependencies ?? [];
  const inner = { ...loader, chain: [...chain, { dir, name }] };
  for (const dependency of dependencies) loaded.push(...(await loadRole(dependency, inner, locationOf(meta?.content))));

  const taskFile = await readRoleFile(dir, 'tasks', problems, from.tasks, where);
  const handlerFile = await readRoleFile(dir, 'handlers', problems, from.handlers, where);
  const taskCtx = (file: string) => ({
    file,
    registry: loader.registry,
    problems,
    role,
    loadVars: loader.loadVars,
    playDir: loader.playDir,
    importRole: async (other: string, imported: RoleFiles, roleAt?: SourceLocation) => {
      const roles = await loadRole(other, { ...loader, applied: new Set() }, roleAt, { from: imported, once: false });
      loader.imported?.push(...roles);
      return roles.flatMap((r) => r.tasks);
    },
  });
  let tasks = taskFile ? await parseTaskList(taskFile.content, taskCtx(taskFile.path)) : [];
  const handlers = handlerFile ? await parseTaskList(handlerFile.content, taskCtx(handlerFile.path), { handlers: true }) : [];
  if (Object.keys(keywords).length > 0 && tasks.length > 0) {
    // when/tags/become on the role entry apply to each of its tasks: a block carries them.
    const location = locationOf(spec) ?? at ?? tasks[0]!.location;
    const blockKeywords = { ...keywords, tags: typeof keywords.tags === 'string' ? [keywords.tags] : keywords.tags } as Keywords;
    tasks = [{ kind: 'block', keywords: blockKeywords, location, role, baseDir: dir, block: tasks, rescue: [], always: [] }];
  }
  loaded.push({ role, tasks, handlers: handlerTasks(handlers, problems) });
  return loaded;
}
