// Load a playbook: every play, role and imported task file is read and
// validated up front, and all problems are raised together as one InputError
// before any host is contacted.
import { ansibleRolesPath } from '../paths.js';
import { dirname, resolve } from 'node:path';
import { closest } from 'fastest-levenshtein';
import { InputError, type Problem } from '../errors.js';
import type { ModuleRegistry } from '../module-api.js';
import { TASK_KEYWORDS, UNSUPPORTED_KEYWORDS, varsMapping } from './keywords.js';
import { insteadOf } from '../validate/instead.js';
import { loadRole, type LoadedRole, type RoleLoader } from './roles.js';
import { handlerTasks, parseTaskList } from './tasks.js';
import type { Keywords, ModuleTask, Play, Playbook, RoleFiles, TaskNode } from './types.js';
import { displayPath, keyLocationOf, locationOf, readYamlFile } from './yaml-source.js';
import { keywordProblems } from '../validate/keywords.js';
import { parseVarsPrompt } from './vars-prompt.js';
import { moduleDefaultsProblems } from './module-defaults.js';
import { importedPlay, parsePlaybookImport } from './playbook-import.js';

/** Every key a play may have (the playbook JSON Schema derives its play properties from this set). */
export const PLAY_KEYS = new Set([
  'name', 'hosts', 'vars', 'vars_files', 'gather_facts', 'serial', 'become', 'become_user', 'pre_tasks', 'roles', 'tasks',
  'post_tasks', 'handlers', 'tags', 'environment', 'no_log', 'ignore_errors', 'check_mode', 'diff',
  'remote_user', 'strategy', 'order', 'vars_prompt', 'throttle', 'become_method', 'connection', 'any_errors_fatal', 'max_fail_percentage', 'force_handlers', 'module_defaults',
]);
/** Play keywords of Ansible that drover does not implement: refused, never accepted and ignored. */
export const UNSUPPORTED_PLAY_KEYS: Record<string, string> = {};
/** Play keywords every task inherits. */
const INHERITED = ['any_errors_fatal', 'become', 'become_user', 'become_method', 'connection', 'remote_user', 'environment', 'no_log', 'ignore_errors', 'check_mode', 'diff', 'tags', 'throttle', 'module_defaults'] as const;

export interface LoadOptions {
  registry: ModuleRegistry;
  /** -e values: what an import's templated name (import_playbook, import_role, import_tasks) sees above the play's vars. */
  extraVars?: Record<string, unknown>;
  /**
   * Where roles are looked for after the playbook's own roles/ (default: ./roles, then Ansible's
   * roles_path); `drover compat DIR` gives DIR's, as a run from DIR would see them.
   */
  rolesPath?: string[];
}

export async function loadPlaybook(path: string, options: LoadOptions): Promise<Playbook> {
  const problems: Problem[] = [];
  const plays = await loadPlays(resolve(path), options, problems, []);
  if (problems.length > 0) throw new InputError(problems);
  return { path: resolve(path), plays };
}

/**
 * A playbook built in memory (drover exec's one-task play), loaded and
 * validated exactly as a file's would be; `path` names it in messages, and its
 * directory is the play's (playbook_dir, roles/).
 */
export async function loadPlaybookContent(content: unknown, path: string, options: LoadOptions): Promise<Playbook> {
  const problems: Problem[] = [];
  const plays = await playsOf(content, resolve(path), options, problems, []);
  if (problems.length > 0) throw new InputError(problems);
  return { path: resolve(path), plays };
}

async function loadPlays(path: string, options: LoadOptions, problems: Problem[], stack: string[], importVars: Record<string, unknown> = {}): Promise<Play[]> {
  return playsOf(await readYamlFile(path), path, options, problems, stack, importVars);
}

/** `importVars`: the vars of the import_playbook that reads this file, seen at load time by plays without vars of their own (Ansible's Play.load(vars=)). */
async function playsOf(content: unknown, path: string, options: LoadOptions, problems: Problem[], stack: string[], importVars: Record<string, unknown> = {}): Promise<Play[]> {
  const file = displayPath(path);
  if (!Array.isArray(content)) {
    problems.push({ message: 'a playbook must be a list of plays', location: locationOf(content) ?? { file, line: 1, column: 1 } });
    return [];
  }
  const plays: Play[] = [];
  for (const entry of content) {
    const playImport = parsePlaybookImport(entry, options.extraVars ?? {}, problems);
    if (playImport === 'invalid') continue;
    if (playImport) {
      const target = resolve(dirname(path), playImport.file);
      if (stack.includes(target)) problems.push({ message: `import_playbook cycle through ${displayPath(target)}`, location: locationOf(entry) });
      else plays.push(...(await loadPlays(target, options, problems, [...stack, path], playImport.vars)).map((play) => importedPlay(play, playImport)));
      continue;
    }
    const play = await loadPlay(entry, path, options, problems, importVars);
    if (play) plays.push(play);
  }
  return plays;
}

async function loadPlay(entry: unknown, path: string, options: LoadOptions, problems: Problem[], importVars: Record<string, unknown>): Promise<Play | null> {
  const location = locationOf(entry) ?? { file: displayPath(path), line: 1, column: 1 };
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    problems.push({ message: 'a play must be a mapping with at least hosts:', location });
    return null;
  }
  const raw = entry as Record<string, unknown>;
  const name = typeof raw.name === 'string' ? raw.name : String(raw.hosts ?? '');
  for (const key of Object.keys(raw)) {
    if (key === 'order' && raw.order !== 'inventory') {
      const unsupported = { kind: 'keyword', name: `order: ${String(raw.order)}`, instead: 'hosts run in inventory order: remove it or write order: inventory' } as const;
      problems.push({ message: `play '${name}': order '${String(raw.order)}' is not supported by drover (${unsupported.instead})`, location: keyLocationOf(raw, key), unsupported });
      continue;
    }
    if (PLAY_KEYS.has(key)) continue;
    if (key in UNSUPPORTED_PLAY_KEYS) {
      const unsupported = { kind: 'keyword', name: key, instead: UNSUPPORTED_PLAY_KEYS[key]! } as const;
      problems.push({ message: `play '${name}': keyword '${key}' is not supported by drover (${unsupported.instead})`, location: keyLocationOf(raw, key), unsupported });
      continue;
    }
    const near = closest(key, [...PLAY_KEYS]);
    const hint = key in TASK_KEYWORDS || /^[a-z_.]+$/.test(key) ? `; did you mean '${near}'? (tasks go under tasks:)` : '';
    // A task keyword drover lacks (vars_prompt, connection, collections) written on a play says the same instead.
    const instead = UNSUPPORTED_KEYWORDS[key] ?? insteadOf(key, near, 'docs/keywords.md lists the keywords drover has');
    const unsupported = { kind: 'keyword', name: key, instead } as const;
    problems.push({ message: `play '${name}': unknown play keyword '${key}'${hint}`, location: keyLocationOf(raw, key), unsupported });
  }
  if (typeof raw.hosts !== 'string' && !Array.isArray(raw.hosts)) {
    problems.push({ message: `play '${name}' needs hosts: (a host pattern such as 'all' or 'web:&prod')`, location });
  } else if (Array.isArray(raw.hosts)) {
    // As Ansible's Play._validate_hosts: every item a pattern string, and at least one.
    const at = keyLocationOf(raw, 'hosts');
    if (raw.hosts.length === 0) problems.push({ message: `play '${name}': hosts list cannot be empty`, location: at });
    raw.hosts.forEach((item: unknown, i) => {
      if (typeof item === 'string') return;
      const shown = item === null ? 'null' : typeof item === 'object' ? (Array.isArray(item) ? 'a list' : 'a mapping') : `${typeof item} ${String(item)}`;
      problems.push({ message: `play '${name}': hosts list item ${i + 1} is ${shown}, not a host pattern string (quote it: '${typeof item === 'object' ? 'web' : String(item)}')`, location: locationOf(item) ?? at });
    });
  }
  const baseDir = dirname(path);
  const keywords: Record<string, unknown> = {};
  for (const key of INHERITED) if (raw[key] !== undefined) keywords[key] = raw[key];
  for (const p of keywordProblems(keywords)) problems.push({ message: `play '${name}': ${p.message}`, location: keyLocationOf(raw, p.keyword) });
  for (const p of moduleDefaultsProblems(raw.module_defaults, options.registry, keyLocationOf(raw, 'module_defaults'))) problems.push({ ...p, message: `play '${name}': ${p.message}` });
  if (typeof keywords.tags === 'string') keywords.tags = keywords.tags.split(',').map((t) => t.trim());

  // import_role runs the role each time (allow_duplicates), and its defaults and vars become the play's.
  const imported: LoadedRole[] = [];
  // Imports are read now, before any host: their templated names see the play's vars (or, for a play with none, its import's).
  const loadVars = { play: raw.vars !== undefined ? playVars(raw.vars, name, []) : importVars, extra: options.extraVars ?? {} };
  const ctx = (file: string) => ({
    file,
    registry: options.registry,
    problems,
    loadVars,
    playDir: baseDir,
    importRole: async (role: string, from: RoleFiles, at?: Problem['location']) => {
      const loaded = await loadRole(role, { ...roleLoader, applied: new Set() }, at, { from, once: false });
      imported.push(...loaded);
      return loaded.flatMap((r) => r.tasks);
    },
  });
  const roleSearchPath = [resolve(baseDir, 'roles'), ...(options.rolesPath ?? [resolve('roles'), ...ansibleRolesPath()]), baseDir];
  const roleLoader: RoleLoader = { searchPath: roleSearchPath, registry: options.registry, problems, applied: new Set(), imported, loadVars, playDir: baseDir };
  const roles = [];
  for (const [i, spec] of asList(raw.roles).entries()) roles.push(...(await loadRole(spec, roleLoader, keyLocationOf(raw.roles, String(i)) ?? location)));
  const handlers = handlerTasks(await parseTaskList(raw.handlers, ctx(path), { handlers: true }), problems);

  const preTasks = await parseTaskList(raw.pre_tasks, ctx(path));
  const tasks = [...roles.flatMap((r) => r.tasks), ...(await parseTaskList(raw.tasks, ctx(path)))] as TaskNode[];
  const postTasks = await parseTaskList(raw.post_tasks, ctx(path));
  const allRoles = [...roles, ...imported];
  const allHandlers = [...allRoles.flatMap((r) => r.handlers), ...handlers];
  const everyTask = [...preTasks, ...tasks, ...postTasks, ...allHandlers];
  // Handlers of an include_role are known once it runs: then an unknown notify is reported when it fires.
  const dynamicHandlers = everyTask.some(hasRoleInclude);
  if (!dynamicHandlers) checkNotifications(everyTask, allHandlers, name, problems);
  return {
    name,
    hosts: Array.isArray(raw.hosts) ? raw.hosts.join(':') : String(raw.hosts ?? ''),
    location,
    baseDir,
    vars: playVars(raw.vars, name, problems),
    varsFiles: asList(raw.vars_files).map(String),
    varsPrompt: parseVarsPrompt(raw.vars_prompt, keyLocationOf(raw, 'vars_prompt') ?? location, problems),
    gatherFacts: raw.gather_facts === undefined ? true : raw.gather_facts === true,
    serial: raw.serial === undefined ? undefined : asList(raw.serial).map((s) => (typeof s === 'number' ? s : String(s))),
    ...failureKeywords(raw, name, problems),
    ...(raw.strategy === undefined || raw.strategy === null ? {} : { strategy: raw.strategy }),
    keywords: keywords as Keywords,
    preTasks,
    tasks,
    postTasks,
    handlers: allHandlers,
    roles: allRoles.map((r) => r.role),
    roleSearchPath,
    dynamicHandlers,
  };
}

/**
 * max_fail_percentage (a number or `N%`, Ansible's percent type) and
 * force_handlers (a boolean), written as values: a template is refused, as
 * drover renders play keywords only where it says so.
 */
function failureKeywords(raw: Record<string, unknown>, play: string, problems: Problem[]): Pick<Play, 'maxFailPercentage' | 'forceHandlers'> {
  const out: Pick<Play, 'maxFailPercentage' | 'forceHandlers'> = {};
  const mfp = raw.max_fail_percentage;
  if (mfp !== undefined && mfp !== null) {
    const n = typeof mfp === 'number' ? mfp : typeof mfp === 'string' && /^\s*\d+(\.\d+)?\s*%?\s*$/.test(mfp) ? Number.parseFloat(mfp) : Number.NaN;
    if (Number.isNaN(n)) problems.push({ message: `play '${play}': max_fail_percentage must be a number or a percentage such as 30%, not ${JSON.stringify(mfp)}`, location: keyLocationOf(raw, 'max_fail_percentage') });
    else out.maxFailPercentage = n;
  }
  const force = raw.force_handlers;
  if (force !== undefined && force !== null) {
    if (typeof force === 'boolean') out.forceHandlers = force;
    else problems.push({ message: `play '${play}': force_handlers must be true or false, not ${JSON.stringify(force)}`, location: keyLocationOf(raw, 'force_handlers') });
  }
  return out;
}

/** A notify that no handler answers (by name or listen topic) is a mistake found before running. */
function checkNotifications(nodes: TaskNode[], handlers: ModuleTask[], play: string, problems: Problem[]): void {
  const known = new Set(handlers.flatMap((h) => [h.keywords.name, ...(h.keywords.listen ?? [])]));
  const visit = (node: TaskNode): void => {
    if (node.kind === 'block') [...node.block, ...node.rescue, ...node.always].forEach(visit);
    for (const name of node.keywords.notify ?? []) {
      // A templated name is known only per host, at run time.
      if (known.has(name) || name.includes('{{')) continue;
      const hint = known.size ? `; handlers are: ${[...known].filter(Boolean).map((k) => `'${k}'`).join(', ')}` : '; this play has no handlers';
      problems.push({ message: `play '${play}': task '${node.keywords.name ?? node.kind}' notifies '${name}', which no handler answers${hint}`, location: node.location });
    }
  };
  nodes.forEach(visit);
}

function hasRoleInclude(node: TaskNode): boolean {
  if (node.kind === 'include_role') return true;
  return node.kind === 'block' && [...node.block, ...node.rescue, ...node.always].some(hasRoleInclude);
}

function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function playVars(value: unknown, play: string, problems: Problem[]): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  const vars = varsMapping(value);
  if (vars) return vars;
  problems.push({ message: `play '${play}': Vars in a Play must be specified as a dictionary, or a list of dictionaries`, location: locationOf(value) });
  return {};
}
