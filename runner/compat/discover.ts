// What an Ansible repository holds, found by its layout as Ansible finds it:
// playbooks (YAML lists of plays), roles (any directory under a roles/
// directory, collections' roles included), task files outside roles,
// templates, inventories and the ansible.cfg a run from the directory reads.
// Nothing is validated here; check.ts loads each with drover's own loader.
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { isScript } from './scripts.js';

export interface ProjectRole {
  /** As a playbook names it: `ntp`, or `ns.collection.ntp` for a collection's role. */
  name: string;
  dir: string;
}

export interface Project {
  root: string;
  playbooks: string[];
  /** YAML lists of tasks outside roles (the files playbooks import or include). */
  taskFiles: string[];
  roles: ProjectRole[];
  /** `*.j2` files outside roles (a role's templates/ are checked with the role). */
  templates: string[];
  /** Inventory sources: inventories/* and inventory (files or directories), hosts files at the top. */
  inventories: string[];
  /** YAML files that could not be parsed, so what they are is unknown. */
  unreadable: string[];
  /** Makefiles and shell scripts, which may run ansible-playbook. */
  scripts: string[];
}

/** Directories that hold no Ansible content, or content read with something else (vars are read with inventories and roles). */
const SKIPPED_DIRS = new Set(['.git', 'node_modules', '.github', '.gitlab', '.tox', '.venv', 'venv', '__pycache__', 'group_vars', 'host_vars', 'inventories', 'inventory', 'files', 'molecule']);
/** Role sub-directories; a directory under roles/ with one of them is a role. */
const ROLE_PARTS = ['tasks', 'handlers', 'defaults', 'vars', 'meta', 'templates', 'files'];
/** Lists of mappings that are not tasks. */
const NOT_TASKS = /(^|[-_.])requirements\.ya?ml$|^\.pre-commit|^galaxy\.ya?ml$/;

export async function discoverProject(root: string): Promise<Project> {
  const project: Project = { root, playbooks: [], taskFiles: [], roles: [], templates: [], inventories: await inventorySources(root), unreadable: [], scripts: [] };
  // A role's own repository (a Galaxy role checked out alone) is that one role.
  if (await hasRoleMain(root)) project.roles.push({ name: basename(root), dir: root });
  else await walk(root, project);
  for (const list of [project.playbooks, project.taskFiles, project.templates, project.inventories, project.unreadable, project.scripts]) list.sort();
  project.roles.sort((a, b) => a.dir.localeCompare(b.dir));
  return project;
}

async function walk(dir: string, project: Project): Promise<void> {
  for (const entry of (await readdir(dir)).sort()) {
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info === undefined) continue;
    if (info.isDirectory()) {
      if ((basename(dir) === 'roles' && (await isRole(path))) || (await hasRoleMain(path))) project.roles.push({ name: roleName(project.root, path), dir: path });
      else if (!SKIPPED_DIRS.has(entry) && !entry.startsWith('.')) await walk(path, project);
      continue;
    }
    if (entry.endsWith('.j2')) project.templates.push(path);
    else if (isScript(entry)) project.scripts.push(path);
    else if (/\.ya?ml$/.test(entry) && !NOT_TASKS.test(entry)) await classifyYaml(path, project);
  }
}

async function isRole(dir: string): Promise<boolean> {
  const parts = await readdir(dir).catch(() => [] as string[]);
  return parts.some((p) => ROLE_PARTS.includes(p));
}

/** Outside a roles/ directory (next to a playbook, which Ansible also searches), a role is a directory with tasks/main or meta/main. */
async function hasRoleMain(dir: string): Promise<boolean> {
  for (const part of ['tasks', 'meta']) {
    const files = await readdir(join(dir, part)).catch(() => [] as string[]);
    if (files.some((f) => /^main(\.ya?ml)?$/.test(f))) return true;
  }
  return false;
}

/** ansible_collections/NS/COLL/roles/NAME is NS.COLL.NAME, as a playbook writes it. */
function roleName(root: string, dir: string): string {
  const parts = relative(root, dir).split(sep);
  const at = parts.lastIndexOf('ansible_collections');
  if (at >= 0 && parts.length === at + 5 && parts[at + 3] === 'roles') return `${parts[at + 1]}.${parts[at + 2]}.${parts[at + 4]}`;
  return basename(dir);
}

/** A list of plays is a playbook, another list of mappings a task file; mappings (vars, configs) are not loaded on their own. */
async function classifyYaml(path: string, project: Project): Promise<void> {
  let content: unknown;
  try {
    content = parse(await readFile(path, 'utf8'), { logLevel: 'silent' }) as unknown;
  } catch {
    project.unreadable.push(path);
    return;
  }
  if (!Array.isArray(content) || content.length === 0 || !content.every((e) => typeof e === 'object' && e !== null && !Array.isArray(e))) return;
  const isPlay = (e: Record<string, unknown>) => 'hosts' in e || 'import_playbook' in e || 'ansible.builtin.import_playbook' in e;
  if (content.some(isPlay)) project.playbooks.push(path);
  else project.taskFiles.push(path);
}

/** Where a project keeps its inventories: inventories/* and inventory/ (each a source), or a hosts file at the top. */
async function inventorySources(root: string): Promise<string[]> {
  const sources: string[] = [];
  const inventories = join(root, 'inventories');
  for (const entry of (await readdir(inventories).catch(() => [] as string[])).sort()) {
    const path = join(inventories, entry);
    const info = await stat(path);
    // A directory is one environment; a file beside them is a source only if it reads as one (not a key file).
    if (info.isDirectory() || /^(hosts|inventory)|\.(ini|ya?ml)$/.test(entry)) sources.push(path);
  }
  for (const name of ['inventory', 'inventory.ini', 'inventory.yml', 'inventory.yaml', 'hosts', 'hosts.ini', 'hosts.yml', 'hosts.yaml']) {
    if (await stat(join(root, name)).catch(() => undefined)) sources.push(join(root, name));
  }
  return sources;
}
