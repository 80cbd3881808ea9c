// Dynamic includes on one host, as Ansible 2.14 runs them: the include is a
// task of its own (its tags select it, its when is evaluated once per loop
// item, it reports "included" as ok), and what it includes is read when it is
// reached. The included tasks inherit from where the include sits, skipping
// the include's own keywords: only its vars, the loop item and `apply` reach
// them (Task._get_parent_attribute skips a parent that is not static).
import { access } from 'node:fs/promises';
import type { IncludeRoleTask, IncludeTask, TaskNode } from '../playbook/types.js';
import { includeCandidates } from '../playbook/includes.js';
import { rethrowUnlessTaskFailure } from './drover-bug.js';
import { loopItemVars, loopSettings, type LoopSettings } from './loop-vars.js';
import type { TaskRef } from './events.js';
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import { isSelected } from './tags.js';
import { countResult } from './state.js';
import { condition, render, type VarLayer } from './templating.js';
import { hostKeywords } from './task-keywords.js';
import { inherit, taskRefOf } from './task-scope.js';
import { NO_LOG_ITEM } from './mask.js';
import { displayPath } from '../playbook/yaml-source.js';

interface At {
  rt: PlayRuntime;
  host: HostRuntime;
}

type RunTasks = (nodes: TaskNode[], inherited: Inherited, at: At) => Promise<boolean>;

/** What one include (for one loop item) brings: tasks to run, and what to say about it. */
interface Included {
  tasks: TaskNode[];
  shown: string;
}

/** Runs an include_tasks or include_role on this host; true when the host failed. */
export async function runInclude(node: IncludeTask | IncludeRoleTask, inherited: Inherited, at: At, runTasks: RunTasks): Promise<boolean> {
  const { rt, host } = at;
  const own = inherit(inherited, node);
  if (!isSelected(own.tags, rt.settings.tags)) return false;
  const ref = taskRefOf(node, rt, node.kind === 'include' ? `include_tasks ${node.file}` : `include_role : ${node.name}`);
  // The included tasks: where the include sits, plus its vars, then apply as a block around them.
  const around: Inherited = { ...inherited, layers: own.layers };
  const children = node.apply ? inherit(around, { keywords: node.apply, location: node.location }) : around;
  const evaluated = hostKeywords(own.keywords, host.scope(own.layers, node.role));
  if ('problems' in evaluated) return report(at, ref, { failed: evaluated.problems.map((p) => p.message).join('; ') }, false);
  const { loop, ignoreErrors, noLog } = evaluated.values;
  // loop_var and index_var are templated; an included task sees neither ansible_loop_var nor ansible_index_var, as in Ansible.
  let settings: LoopSettings | undefined;
  try {
    settings = loop === undefined ? undefined : loopSettings(own.keywords.loop_control, host.scope(own.layers, node.role));
  } catch (error) {
    // A loop_var that is not a variable name is the playbook's error: the include fails, as a keyword problem does.
    rethrowUnlessTaskFailure(error, ref);
    return report(at, ref, { failed: (error as Error).message }, false);
  }
  const items: (VarLayer | undefined)[] = loop === undefined || settings === undefined
    ? [undefined]
    : loop.map((_item, index) => ({ source: 'loop item', verbatim: true, vars: loopItemVars(settings, loop, index, { include: true }) }));
  // Every item is decided (when, file or role) before any included task runs, as Ansible does.
  const runs: { tasks: TaskNode[]; layers: VarLayer[] }[] = [];
  let failed = false;
  for (const [index, layer] of items.entries()) {
    const layers = layer ? [layer] : [];
    const item = layer === undefined ? undefined : noLog ? NO_LOG_ITEM : label(loop![index]);
    const scope = host.scope([...own.layers, ...layers], node.role);
    try {
      // A skipped include is never loaded: its file may only make sense when the condition holds.
      if (own.keywords.when !== undefined && !condition(own.keywords.when, scope, (message) => rt.emit({ type: 'warning', message }))) {
        report(at, ref, { skipped: true, item }, ignoreErrors);
        continue;
      }
      const included = node.kind === 'include' ? await includedFile(node, scope, rt) : await includedRole(node, scope, at, own);
      report(at, ref, { shown: included.shown, item }, ignoreErrors);
      runs.push({ tasks: included.tasks, layers });
    } catch (error) {
      rethrowUnlessTaskFailure(error, ref);
      failed = report(at, ref, { failed: (error as Error).message, item }, ignoreErrors) || failed;
    }
  }
  if (failed) return true;
  for (const run of runs) {
    if (await runTasks(run.tasks, { ...children, layers: [...children.layers, ...run.layers] }, at)) return true;
  }
  return false;
}

async function includedFile(node: IncludeTask, scope: ReturnType<HostRuntime['scope']>, rt: PlayRuntime): Promise<Included> {
  const file = String(render(node.file, scope));
  const candidates = includeCandidates(file, node, rt.play.baseDir);
  const path = await firstExisting(candidates);
  if (path === undefined) throw new Error(`Could not find or access '${file}' (looked in ${candidates.map(displayPath).join(', ')})`);
  return { tasks: await rt.loadInclude(path, node.role), shown: displayPath(path) };
}

/** The role's tasks (its dependencies first); its handlers join the play's, and with public: true its variables do too. */
async function includedRole(node: IncludeRoleTask, scope: ReturnType<HostRuntime['scope']>, at: At, own: Inherited): Promise<Included> {
  const { rt, host } = at;
  const name = String(render(node.name, scope));
  const from = render(node.from, scope) as IncludeRoleTask['from'];
  const roles = await rt.loadRole(name, from, node.location);
  for (const loaded of roles) {
    for (const handler of loaded.handlers) if (!rt.handlers.includes(handler)) rt.handlers.push(handler);
    if (node.public && !rt.roles.includes(loaded.role)) rt.roles.push(loaded.role);
  }
  const main = roles[roles.length - 1]!;
  // Ansible reuses a role with the same name, *_from files and parameters; allow_duplicates: false runs it once per host.
  const identity = `${main.role.dir}\u0000${JSON.stringify(from)}\u0000${JSON.stringify(own.keywords.vars ?? {})}`;
  const ranBefore = host.rolesRun.has(identity);
  host.rolesRun.add(identity);
  const tasks = !node.allowDuplicates && ranBefore ? [] : roles.flatMap((r) => r.tasks);
  return { tasks, shown: `role ${name}` };
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const path of paths) if (await access(path).then(() => true, () => false)) return path;
  return undefined;
}

function label(item: unknown): string {
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/** The include's own result: included (ok), skipped or failed; true when the host failed. */
function report(at: At, ref: TaskRef, outcome: { shown?: string; skipped?: true; failed?: string; item?: string }, ignoreErrors: boolean): boolean {
  const { rt, host } = at;
  const status = outcome.failed !== undefined ? 'failed' : outcome.skipped ? 'skipped' : 'ok';
  const ignored = status === 'failed' && ignoreErrors;
  countResult(host.state, { status, ignored });
  // Like Ansible, each loop item of an include is a result of its own ("included: FILE => (item=x)").
  const itemShown = outcome.item !== undefined ? ` => (item=${outcome.item})` : '';
  const message = (outcome.failed ?? (outcome.skipped ? 'Conditional result was False' : `included: ${outcome.shown}`)) + itemShown;
  const result = { changed: false, ...(status === 'failed' ? { failed: true, msg: message } : {}), ...(outcome.skipped ? { skipped: true } : {}) };
  rt.emit({ type: 'host.task.start', host: host.state.name, task: ref });
  rt.emit({
    type: 'host.task.result', host: host.state.name, task: ref, status, planOnly: false, changes: [], diff: [], message, result, durationMs: 0,
    ...(ignored ? { ignored: true } : {}),
  });
  if (status === 'failed' && !ignored) host.state.lastFailure = { task: { name: ref.name, action: ref.module ?? 'include' }, result: { failed: true, msg: message } };
  return status === 'failed' && !ignored;
}
