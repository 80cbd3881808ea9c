// `drover compat DIR`: every playbook, role, task file, template, inventory
// and the ansible.cfg of an Ansible repository, loaded by the code a run loads
// them with (the playbook and role loaders, the template and config
// validators), each collecting all of its problems, none contacting a host.
// Roles no playbook names are loaded on their own, with every task file,
// vars file and template in them, since a run would only reach some.
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadAnsibleConfig } from '../config/ansible-config.js';
import { InputError, type Problem } from '../errors.js';
import { loadInventory } from '../inventory/index.js';
import { loadPlaybook } from '../playbook/load.js';
import { loadRole, type RoleLoader } from '../playbook/roles.js';
import { parseTaskList, type TaskContext } from '../playbook/tasks.js';
import type { RoleContext, RoleFiles } from '../playbook/types.js';
import type { ModuleRegistry } from '../module-api.js';
import { displayPath, keyLocationOf, readYamlFile } from '../playbook/yaml-source.js';
import { templateTextProblems } from '../validate/template-files.js';
import { templateProblems } from '../validate/templates.js';
import { discoverProject, type Project } from './discover.js';
import { scriptProblems, type ToolOptions } from './scripts.js';

export type ItemKind = 'playbook' | 'role' | 'task file' | 'template' | 'inventory' | 'ansible.cfg' | 'script' | 'file';

/** One thing a run could load, and whether drover loads it. */
export interface CompatItem {
  kind: ItemKind;
  /** The file or directory (a role's directory). */
  path: string;
  /** A role's name as playbooks write it. */
  name?: string;
  problems: Problem[];
}

export interface CompatResult {
  root: string;
  items: CompatItem[];
  /** The problems of every item, each once (a role's problem is found by every playbook that uses it). */
  problems: Problem[];
}

export interface CompatOptions {
  /** The modules tasks are checked against (the CLI's list). */
  registry: ModuleRegistry;
  /** The options of drover's own commands, which the Ansible command lines in scripts are checked against. */
  tools: ToolOptions;
}

export async function checkProject(dir: string, { registry, tools }: CompatOptions): Promise<CompatResult> {
  const root = resolve(dir);
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) throw new InputError([{ message: `drover compat needs a directory: ${dir} is not one` }]);
  const project = await discoverProject(root);
  // The repository's own ansible.cfg, whatever the machine's (~/.ansible.cfg, ANSIBLE_*) says: the report is about the repository.
  const file = join(root, 'ansible.cfg');
  const configEnv = (await stat(file).catch(() => undefined)) ? { ANSIBLE_CONFIG: file } : { DROVER_ANSIBLE_CONFIG: 'none' };
  const config = loadAnsibleConfig({ cwd: root, env: { HOME: process.env.HOME, ...configEnv } });
  // A run from the repository looks in its roles/, then in roles_path, as ansible-playbook would from there.
  const rolesPath = [join(root, 'roles'), ...(config.value('roles_path') ?? []), ...new Set(project.roles.map((r) => resolve(r.dir, '..')))];
  const items: CompatItem[] = [];
  if (config.file !== undefined) items.push({ kind: 'ansible.cfg', path: config.file, problems: config.refused });
  for (const path of project.unreadable) items.push({ kind: 'file', path, problems: await yamlProblems(path) });
  const load: Loading = { registry, rolesPath };
  for (const path of project.playbooks) items.push({ kind: 'playbook', path, problems: await playbookProblems(path, load) });
  for (const role of project.roles) items.push({ kind: 'role', path: role.dir, name: role.name, problems: await roleProblems(role.dir, load) });
  for (const path of project.taskFiles) items.push({ kind: 'task file', path, problems: await taskFileProblems(path, undefined, load) });
  for (const path of project.templates) items.push({ kind: 'template', path, problems: templateFileProblemsAt(path) });
  for (const path of project.scripts) {
    const { commands, problems } = await scriptProblems(path, tools);
    if (commands > 0) items.push({ kind: 'script', path, problems });
  }
  const playbookDirs = [...new Set(project.playbooks.map((p) => resolve(p, '..')))];
  for (const path of inventoriesOf(project, config.value('inventory'))) items.push({ kind: 'inventory', path, problems: await inventoryProblems(path, root, playbookDirs) });
  for (const item of items) item.problems = unique(item.problems);
  return { root, items, problems: unique(items.flatMap((i) => i.problems)) };
}

/** What every loader here is given: the module list, and where roles are looked for. */
interface Loading {
  registry: ModuleRegistry;
  rolesPath: string[];
}

function inventoriesOf(project: Project, configured: string[] | undefined): string[] {
  return [...new Set([...(configured ?? []), ...project.inventories])];
}

/** What a load gives, or the problems of the InputError it throws (every one of them). */
async function loaded<T>(load: () => Promise<T>): Promise<{ value: T } | { problems: Problem[] }> {
  try {
    return { value: await load() };
  } catch (error) {
    if (error instanceof InputError) return { problems: error.problems };
    throw error;
  }
}

async function problemsOf(load: () => Promise<unknown>): Promise<Problem[]> {
  const result = await loaded(load);
  return 'problems' in result ? result.problems : [];
}

async function yamlProblems(path: string): Promise<Problem[]> {
  return problemsOf(() => readYamlFile(path));
}

/** Exactly what `drover run --syntax-check` loads: the playbook, its imports and its roles. */
async function playbookProblems(path: string, load: Loading): Promise<Problem[]> {
  return problemsOf(() => loadPlaybook(path, load));
}

/**
 * A role as a play's `roles:` entry loads it (defaults, vars, meta dependencies, tasks/main,
 * handlers/main), then every other task, handler and vars file and every template in it.
 */
async function roleProblems(dir: string, load: Loading): Promise<Problem[]> {
  const problems: Problem[] = [];
  const loader: RoleLoader = { searchPath: load.rolesPath, registry: load.registry, problems, applied: new Set(), imported: [] };
  const [loaded] = (await loadRole(dir, loader)).slice(-1);
  const role = loaded?.role;
  const isMain = (file: string) => /\/main(\.ya?ml)?$/.test(file);
  for (const file of (await filesUnder(join(dir, 'tasks'))).filter((f) => /\.ya?ml$/.test(f) && !isMain(f))) problems.push(...(await taskFileProblems(file, role, load)));
  for (const file of (await filesUnder(join(dir, 'handlers'))).filter((f) => /\.ya?ml$/.test(f) && !isMain(f))) problems.push(...(await taskFileProblems(file, role, load, true)));
  for (const file of [...(await filesUnder(join(dir, 'defaults'))), ...(await filesUnder(join(dir, 'vars')))].filter((f) => /\.ya?ml$/.test(f))) problems.push(...(await varsFileProblems(file)));
  for (const file of await filesUnder(join(dir, 'templates'))) problems.push(...templateFileProblemsAt(file));
  return problems;
}

/** A task file as an include reads it: in its role, when it has one. */
async function taskFileProblems(path: string, role: RoleContext | undefined, load: Loading, handlers = false): Promise<Problem[]> {
  const read = await loaded(() => readYamlFile(path));
  if ('problems' in read) return read.problems;
  const problems: Problem[] = [];
  const ctx: TaskContext = {
    file: path,
    registry: load.registry,
    problems,
    role,
    importRole: async (name: string, from: RoleFiles, at?: Problem['location']) => {
      const loaded = await loadRole(name, { searchPath: load.rolesPath, registry: load.registry, problems, applied: new Set() }, at, { from, once: false });
      return loaded.flatMap((r) => r.tasks);
    },
  };
  await parseTaskList(read.value, ctx, { handlers });
  return problems;
}

/** A vars file's values are templates a task may render: the same syntax and name checks a task's values get. */
async function varsFileProblems(path: string): Promise<Problem[]> {
  const read = await loaded(() => readYamlFile(path));
  return 'problems' in read ? read.problems : valueProblems(read.value, { file: displayPath(path), line: 1, column: 1 });
}

function valueProblems(vars: unknown, fallback: NonNullable<Problem['location']>): Problem[] {
  return templateProblems(vars).map((p) => ({
    message: `variable '${p.path}': ${p.message}`,
    location: keyLocationOf(vars, p.path.split('.')[0]!) ?? fallback,
    unsupported: p.unsupported,
  }));
}

function templateFileProblemsAt(path: string): Problem[] {
  return templateTextProblems(path).map((p) => ({ message: p.message, location: p.unsupported?.at ?? { file: displayPath(path), line: 1, column: 1 }, unsupported: p.unsupported }));
}

/** The inventory as a run reads it, then every variable's templates, as a task would render them. */
async function inventoryProblems(source: string, root: string, playbookDirs: string[]): Promise<Problem[]> {
  const read = await loaded(() => loadInventory(source, { cwd: root, playbookDirs }));
  if ('problems' in read) return read.problems;
  const inventory = read.value;
  const seen = new Set<object>();
  const problems: Problem[] = [];
  for (const host of inventory.hosts) {
    for (const layer of inventory.hostVarLayers(host)) {
      if (seen.has(layer.vars)) continue;
      seen.add(layer.vars);
      problems.push(...valueProblems(layer.vars, { file: layer.source, line: 1, column: 1 }));
    }
  }
  return problems;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name)).sort();
}

/** Each problem once, by where it is written and what it says. */
function unique(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const at = p.unsupported?.at ?? p.location;
    const key = `${at ? `${resolve(at.file)}:${at.line}:${at.column}` : ''}\0${p.unsupported ? `${p.unsupported.kind}\0${p.unsupported.name}` : p.message}`;
    return !seen.has(key) && seen.add(key);
  });
}
