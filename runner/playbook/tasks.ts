// Task lists: each task mapping is split into engine keywords and exactly one
// action (a module, a block, import/include, meta). Every problem is collected
// with its file:line:col so that all of them are reported at once.
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Problem, Unsupported } from '../errors.js';
import type { ModuleRegistry } from '../module-api.js';
import { loadTimeParamProblems, normaliseParams } from '../validate/params.js';
import { keywordProblems } from '../validate/keywords.js';
import { moduleDefaultsProblems } from './module-defaults.js';
import { conditionProblems, templateProblems, type TemplateProblem } from '../validate/templates.js';
import { templateFileProblems } from '../validate/template-files.js';
import { BLOCK_KEYS, HANDLER_KEYWORDS, TASK_KEYWORDS, UNSUPPORTED_KEYWORDS, varsMapping } from './keywords.js';
import type { Keywords, MetaAction, ModuleTask, RoleContext, RoleFiles, TaskNode } from './types.js';
import { parseRoleInclude, parseTaskInclude, type IncludeSite } from './includes.js';
import type { LoadTimeVars } from './load-time-vars.js';
import { displayPath, keyLocationOf, locationOf, readYamlFile } from './yaml-source.js';
import { LEGACY_ACTION_KEYS, moduleArguments, splitLegacyAction } from './task-action.js';
import { closest } from 'fastest-levenshtein';
import { ansibleBoolean } from '../validate/coerce.js';
import { LOOKUP_NAMES } from '../template/lookups.js';
import { insteadOf } from '../validate/instead.js';

export interface TaskContext {
  file: string;
  registry: ModuleRegistry;
  problems: Problem[];
  role?: RoleContext;
  /** Loads a role's task list for import_role (provided by the role loader). */
  importRole?: (name: string, from: RoleFiles, at?: Problem['location']) => Promise<TaskNode[]>;
  /** The list is read at run time, from a dynamic include: an `include` in it is dynamic too. */
  dynamicParent?: boolean;
  /** Where the task list being read starts (for tasks that are not mappings). */
  listLocation?: Problem['location'];
  /** Files being imported, to catch import cycles. */
  importStack?: string[];
  /**
   * The tasks being read are inside a block whose failures the playbook handles (a rescue, or
   * ignore_errors: true): problems Ansible reports only when the task runs are left to the run.
   */
  failureHandled?: boolean;
  /** What an import's templated name sees when the playbook loads. */
  loadVars?: LoadTimeVars;
  /** The list is a handlers section, or a file imported into one: `listen` is a keyword there. */
  handlers?: boolean;
  /** The playbook's directory: the last place an import_tasks file is looked for. */
  playDir?: string;
}

/** Where a loop cannot go: what Ansible says, or what drover lacks. */
const LOOP_ALTERNATIVE: Record<string, string> = {
  block: 'Ansible refuses it too: put the loop on each task of the block',
  import_tasks: 'Ansible refuses it too: use include_tasks',
  import_role: 'Ansible refuses it too: use include_role',
  meta: 'not implemented: drop the loop',
};

const META_ACTIONS: readonly MetaAction[] = ['flush_handlers', 'noop', 'end_play', 'end_host', 'end_batch', 'clear_host_errors'];
const IMPORT_KEYS = ['import_tasks', 'include_tasks', 'include', 'import_role', 'include_role', 'meta'];

function strip(key: string): string {
  return key.replace(/^ansible\.(builtin|legacy)\./, '');
}

export async function parseTaskList(value: unknown, ctx: TaskContext, options: { handlers?: boolean } = {}): Promise<TaskNode[]> {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    ctx.problems.push({ message: 'expected a list of tasks', location: locationOf(value) ?? { file: displayPath(ctx.file), line: 1, column: 1 } });
    return [];
  }
  const tasks: TaskNode[] = [];
  // Scalars carry no position of their own: a task that is not a mapping is shown at its list.
  const listLocation = locationOf(value);
  for (const raw of value) {
    const task = await parseTask(raw, { ...ctx, listLocation, handlers: ctx.handlers || options.handlers });
    if (task) tasks.push(...(Array.isArray(task) ? task : [task]));
  }
  return tasks;
}

async function parseTask(raw: unknown, ctx: TaskContext): Promise<TaskNode | null> {
  const location = locationOf(raw) ?? ctx.listLocation ?? { file: displayPath(ctx.file), line: 1, column: 1 };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    ctx.problems.push({ message: `a task must be a mapping, got ${JSON.stringify(raw)}`, location });
    return null;
  }
  const entry = raw as Record<string, unknown>;
  const label = typeof entry.name === 'string' ? `task '${entry.name}'` : 'task';
  const keywords: Record<string, unknown> = {};
  const actions: string[] = [];
  for (const key of Object.keys(entry)) {
    if (key in TASK_KEYWORDS || (ctx.handlers && key in HANDLER_KEYWORDS)) keywords[key] = entry[key];
    else if ((BLOCK_KEYS as readonly string[]).includes(key)) continue;
    else if (key.startsWith('with_')) {
      const has = `with_${LOOKUP_NAMES.join(', with_')} (or use loop:)`;
      const unsupported = { kind: 'lookup', name: key.slice(5), instead: `drover has ${has}` } as const;
      ctx.problems.push({ message: `${label}: '${key}' loops over the lookup '${key.slice(5)}', which drover does not have; drover has ${has}`, location: keyLocationOf(entry, key), unsupported });
    } else if (key in UNSUPPORTED_KEYWORDS) {
      const unsupported = { kind: 'keyword', name: key, instead: UNSUPPORTED_KEYWORDS[key]! } as const;
      ctx.problems.push({ message: `${label}: keyword '${key}' is not supported by drover (${UNSUPPORTED_KEYWORDS[key]})`, location: keyLocationOf(entry, key), unsupported });
    } else actions.push(key);
  }
  const loops = Object.keys(keywords).filter((k) => k === 'loop' || k.startsWith('with_'));
  if (loops.length > 1) ctx.problems.push({ message: `${label}: only one of ${loops.map((l) => `'${l}'`).join(', ')} can be given (each is a loop)`, location: keyLocationOf(entry, loops[1]!) });
  for (const p of keywordProblems(keywords)) ctx.problems.push({ message: `${label}: ${p.message}`, location: keyLocationOf(entry, p.keyword) });
  if (keywords.module_defaults !== undefined) {
    for (const p of moduleDefaultsProblems(keywords.module_defaults, ctx.registry, keyLocationOf(entry, 'module_defaults'))) ctx.problems.push({ ...p, message: `${label}: ${p.message}` });
  }
  for (const p of keywordTemplateProblems(keywords)) ctx.problems.push({ message: `${label}: keyword '${p.path}': ${p.message}`, location: keyLocationOf(entry, p.path.split('.')[0]!), unsupported: p.unsupported });
  const base = { keywords: normaliseKeywords(keywords), location, role: ctx.role, baseDir: dirname(ctx.file) };

  if (loops.length > 0 && (('block' in entry) || actions.some((a) => !ctx.registry.has(a) && !(LEGACY_ACTION_KEYS as readonly string[]).includes(a)))) {
    const what = 'block' in entry ? 'block' : strip(actions[0] ?? '');
    if (what in LOOP_ALTERNATIVE) {
      const alternative = LOOP_ALTERNATIVE[what] ?? 'loop over a module task instead';
      // Where Ansible refuses the loop too it is a mistake, not something drover lacks.
      const unsupported = alternative.startsWith('Ansible refuses') ? undefined : ({ kind: 'keyword', name: `${loops[0]} on ${what}`, instead: alternative } as const);
      ctx.problems.push({ message: `${label}: '${loops[0]}' on ${what} is not supported by drover (${alternative})`, location: keyLocationOf(entry, loops[0]!), unsupported });
      return null;
    }
  }
  if ('block' in entry) {
    if (actions.length) ctx.problems.push({ message: `${label}: a block cannot also have '${actions.join("', '")}'`, location });
    const inner = { ...ctx, failureHandled: ctx.failureHandled || ignoresErrors(entry) };
    const rescued = Array.isArray(entry.rescue) && entry.rescue.length > 0;
    return {
      ...base,
      kind: 'block',
      block: await parseTaskList(entry.block, { ...inner, failureHandled: inner.failureHandled || rescued }),
      rescue: await parseTaskList(entry.rescue, inner),
      always: await parseTaskList(entry.always, inner),
    };
  }
  if (actions.length === 0) {
    ctx.problems.push({ message: `${label} has no module: add one module key (for example 'command:' or 'copy:')`, location });
    return null;
  }
  if (actions.length > 1) {
    const unknown = actions.filter((a) => !ctx.registry.has(a) && !IMPORT_KEYS.includes(strip(a)));
    const hint = unknown.length ? `; '${unknown[0]}' is neither a module nor a keyword (did you mean '${suggest(unknown[0]!, ctx)}'?)` : '';
    ctx.problems.push({ message: `${label} has more than one action: '${actions.join("', '")}'${hint}`, location });
    return null;
  }
  let key = actions[0]!;
  let value = entry[key];
  if ((LEGACY_ACTION_KEYS as readonly string[]).includes(key)) {
    const legacy = splitLegacyAction(value);
    if (typeof legacy === 'string') {
      ctx.problems.push({ message: `${label}: ${key}: ${legacy}`, location: keyLocationOf(entry, key) });
      return null;
    }
    // local_action is action plus delegate_to: localhost (it wins over a delegate_to written beside it, as in Ansible).
    if (key === 'local_action') base.keywords = { ...base.keywords, delegate_to: 'localhost' };
    key = legacy.key;
    value = legacy.value;
    if (!ctx.registry.has(key) && !IMPORT_KEYS.includes(strip(key))) {
      ctx.problems.push({ message: `${label}: unknown module '${key}' in ${actions[0]}; did you mean '${suggest(key, ctx)}'?`, location: keyLocationOf(entry, actions[0]!), unsupported: unknownModule(key, ctx) });
      return null;
    }
  }
  const action = strip(key);
  if (action === 'meta') {
    if (!META_ACTIONS.includes(value as MetaAction)) {
      ctx.problems.push({ message: `${label}: meta '${String(value)}' is not one of ${META_ACTIONS.join(', ')}`, location: keyLocationOf(entry, key) });
      return null;
    }
    return { ...base, kind: 'meta', action: value as MetaAction };
  }
  if (action === 'import_tasks' || action === 'include_tasks' || action === 'include') {
    const parsed = parseTaskInclude(includeSite(ctx, entry, key, action, label), value, base, normaliseKeywords);
    if (parsed === null || !('staticFile' in parsed)) return parsed;
    // Static: inlined now, so its tasks are validated up front.
    const path = importedFilePath(parsed.staticFile, ctx);
    return { ...base, kind: 'block', block: await importTaskFile(path, ctx, location), rescue: [], always: [], imported: true };
  }
  if (action === 'import_role' || action === 'include_role') {
    const parsed = parseRoleInclude(includeSite(ctx, entry, key, action, label), value, base, normaliseKeywords);
    if (parsed === null || !('staticRole' in parsed)) return parsed;
    if (!ctx.importRole) {
      ctx.problems.push({ message: `${label}: import_role cannot be used here`, location: keyLocationOf(entry, key) });
      return null;
    }
    return { ...base, kind: 'block', block: await ctx.importRole(parsed.staticRole, parsed.from, keyLocationOf(entry, key)), rescue: [], always: [], imported: true };
  }
  return parseModuleTask(key, value, entry, base, ctx, label);
}

function parseModuleTask(
  key: string,
  written: unknown,
  entry: Record<string, unknown>,
  base: Omit<ModuleTask, 'kind' | 'module' | 'moduleKey' | 'rawParams'>,
  ctx: TaskContext,
  label: string,
): ModuleTask | null {
  const module = ctx.registry.find(key);
  if (!module) {
    ctx.problems.push({ message: `${label}: unknown module '${key}'; did you mean '${suggest(key, ctx)}'?`, location: keyLocationOf(entry, key), unsupported: unknownModule(key, ctx) });
    return null;
  }
  const parsed = moduleArguments(module, written);
  if ('error' in parsed) {
    ctx.problems.push({ message: `${label}, module '${module.name}': ${parsed.error}`, location: keyLocationOf(entry, key) });
    return null;
  }
  const value = parsed.params;
  const args = typeof entry.args === 'object' && entry.args !== null ? (entry.args as Record<string, unknown>) : {};
  const params = normaliseParams(module, value, args);
  // Ansible fails such a task only when it runs; a playbook that handles its failure expects just that.
  // A task written to fail (ignore_errors, as tests of error handling are) defers every parameter problem
  // to run time, where validation reports the same; inside a rescued block only missing parameters wait.
  const expectsFailure = ignoresErrors(entry);
  const handled = ctx.failureHandled === true || expectsFailure;
  for (const p of expectsFailure ? [] : loadTimeParamProblems(module, params)) {
    if (handled && p.missing) continue;
    const at = (typeof value === 'object' && value !== null && p.param && keyLocationOf(value, p.param.split('.')[0]!)) || keyLocationOf(entry, key);
    ctx.problems.push({ message: `${label}, module '${module.name}': ${p.message}`, location: at, unsupported: p.unsupported });
  }
  for (const { message, ansibleRunTime, unsupported } of templateFileProblems(module, params, { roleDir: ctx.role?.dir, baseDir: base.baseDir })) {
    if (handled && ansibleRunTime) continue;
    const at = (typeof value === 'object' && value !== null && keyLocationOf(value, module.templateFile!.param)) || keyLocationOf(entry, key);
    ctx.problems.push({ message: `${label}, module '${module.name}', ${message}`, location: at, unsupported });
  }
  for (const p of templateProblems(value)) {
    const at = (typeof value === 'object' && value !== null && p.path && keyLocationOf(value, p.path.split('.')[0]!)) || keyLocationOf(entry, key);
    ctx.problems.push({ message: `${label}, module '${module.name}'${p.path ? `, parameter '${p.path}'` : ''}: ${p.message}`, location: at, unsupported: p.unsupported });
  }
  return { ...base, kind: 'module', module: module.name, moduleKey: key, rawParams: value };
}

/**
 * Where an import_tasks file is: beside the importing file, then (in a role) the role's tasks/
 * or handlers/ and the role's own directory, then the playbook's directory; the first that
 * exists, else the first (named in the error). A short form of Ansible's search (helpers.py,
 * path_dwim_relative): a role's handlers/main.yml may import a file of the playbook's directory.
 */
function importedFilePath(file: string, ctx: TaskContext): string {
  const subdir = ctx.handlers ? 'handlers' : 'tasks';
  const candidates = [resolve(dirname(ctx.file), file)];
  if (ctx.role) candidates.push(resolve(ctx.role.dir, subdir, file), resolve(ctx.role.dir, 'tasks', file), resolve(ctx.role.dir, file));
  if (ctx.playDir) candidates.push(...(ctx.role ? [resolve(ctx.playDir, subdir, file)] : []), resolve(ctx.playDir, file));
  return candidates.find((path) => existsSync(path)) ?? candidates[0]!;
}

async function importTaskFile(path: string, ctx: TaskContext, at: Problem['location']): Promise<TaskNode[]> {
  const stack = ctx.importStack ?? [];
  if (stack.includes(path)) {
    ctx.problems.push({ message: `import cycle: ${[...stack, path].map(displayPath).join(' -> ')}`, location: at });
    return [];
  }
  let content: unknown;
  try {
    content = await readYamlFile(path);
  } catch (error) {
    const inner = (error as { problems?: Problem[] }).problems;
    ctx.problems.push(...(inner ?? [{ message: (error as Error).message, location: at }]));
    return [];
  }
  return parseTaskList(content, { ...ctx, file: path, importStack: [...stack, path] });
}

/** ignore_errors written as true (a templated value is known only per host, so it does not count). */
function ignoresErrors(entry: Record<string, unknown>): boolean {
  return ansibleBoolean(entry.ignore_errors) === true;
}

function includeSite(ctx: TaskContext, entry: Record<string, unknown>, key: string, action: string, label: string): IncludeSite {
  return { entry, key, action, label, problems: ctx.problems, dynamicParent: ctx.dynamicParent, loadVars: ctx.loadVars, role: ctx.role };
}

function suggest(key: string, ctx: TaskContext): string {
  return closest(key, [ctx.registry.suggest(key), ...Object.keys(TASK_KEYWORDS), ...IMPORT_KEYS]);
}

/** A task key that is neither a keyword nor a module drover has: an Ansible module (or collection module) drover lacks, or a typo. */
function unknownModule(key: string, ctx: TaskContext): Unsupported {
  return { kind: 'module', name: key, instead: insteadOf(key, suggest(key, ctx), 'drover doc --list shows every module; command or shell runs the tool a missing module wraps') };
}

/** Lists where Ansible accepts a string or a list; old loop spellings become `loop`. */
function normaliseKeywords(raw: Record<string, unknown>): Keywords {
  const k = { ...raw } as Record<string, unknown>;
  for (const key of ['notify', 'listen']) if (typeof k[key] === 'string') k[key] = [k[key]];
  if (typeof k.tags === 'string') k.tags = k.tags.split(',').map((t) => t.trim()).filter(Boolean);
  if (Array.isArray(k.tags)) k.tags = k.tags.map(String);
  if (Array.isArray(k.vars)) k.vars = varsMapping(k.vars) ?? k.vars;
  // with_NAME: the terms stay in `loop`, rendered per host; the engine runs lookup NAME on them.
  const withKey = Object.keys(k).find((key) => key.startsWith('with_'));
  if (withKey !== undefined) {
    k.loop = k[withKey];
    k.loop_with = withKey.slice('with_'.length);
    delete k[withKey];
  }
  return k as Keywords;
}

/** Template syntax in keywords: conditions are bare expressions, the rest may hold `{{ }}`. */
function keywordTemplateProblems(keywords: Record<string, unknown>): TemplateProblem[] {
  // vars are lazy, as in Ansible: a value no task uses is never rendered, so it is not checked here.
  return Object.entries(keywords).filter(([keyword]) => keyword !== 'vars').flatMap(([keyword, value]) =>
    ['when', 'changed_when', 'failed_when', 'until'].includes(keyword) ? conditionProblems(value, keyword) : templateProblems(value, keyword),
  );
}

/**
 * A handlers section as the handlers it holds: a file `import_tasks` (or a `block:`) brought in
 * gives its tasks, each remembering the statements it came through and its handler block. A
 * dynamic include, a role include or a meta task as a handler is refused: drover runs module
 * tasks as handlers.
 */
export function handlerTasks(nodes: readonly TaskNode[], problems: Problem[], parents: NonNullable<ModuleTask['handlerParents']> = [], inBlock?: object): ModuleTask[] {
  const handlers: ModuleTask[] = [];
  let run: object | undefined = inBlock;
  for (const node of nodes) {
    const through = [...parents, { keywords: node.keywords, location: node.location }];
    if (node.kind === 'module') {
      run ??= {};
      handlers.push({ ...node, handlerBlock: run, ...(parents.length > 0 ? { handlerParents: parents } : {}) });
    } else if (node.kind === 'block' && node.rescue.length === 0 && node.always.length === 0) {
      // An import's handlers join the run they are read into; a written block is a block of its own.
      if (node.imported) handlers.push(...handlerTasks(node.block, problems, through, (run ??= {})));
      else {
        handlers.push(...handlerTasks(node.block, problems, through, inBlock ?? {}));
        run = inBlock;
      }
    } else {
      const what = node.kind === 'block' ? 'a block with rescue or always' : node.kind === 'include' ? 'include_tasks' : node.kind === 'include_role' ? 'include_role' : `meta: ${node.action}`;
      problems.push({ message: `${what} as a handler is not supported by drover (write the handlers' tasks, or import_tasks their file)`, location: node.location, unsupported: { kind: 'keyword', name: `${what} in handlers`, instead: 'import_tasks the handler file' } });
    }
  }
  return handlers;
}
