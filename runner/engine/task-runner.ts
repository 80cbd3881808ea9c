// Walks a host through a task tree: blocks with rescue/always, includes,
// meta actions and module tasks. Returns whether the host failed, so blocks
// know when to rescue.
import { resolve } from 'node:path';
import type { BlockTask, IncludeTask, MetaTask, TaskNode } from '../playbook/types.js';
import { rethrowUnlessTaskFailure } from './drover-bug.js';
import type { TaskRef } from './events.js';
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import { isSelected } from './tags.js';
import { condition, loopItems, render, type VarLayer } from './templating.js';
import { loopItemVars, loopSettings } from './loop-vars.js';
import { flushHandlers } from './handlers.js';
import { runModuleTask } from './module-task.js';
import { inherit, taskRefOf } from './task-scope.js';

/** The host being walked and its play. */
export interface HostInPlay {
  rt: PlayRuntime;
  host: HostRuntime;
}

/** Run tasks in order; stop at the first failure. True when the host failed. */
export async function runTasks(nodes: TaskNode[], inherited: Inherited, at: HostInPlay): Promise<boolean> {
  for (const node of nodes) {
    if (stopped(at.rt, at.host)) return at.host.state.failed;
    if (await runNode(node, inherited, at)) return true;
  }
  return false;
}

export function stopped(rt: PlayRuntime, host: HostRuntime): boolean {
  return rt.ended || host.state.failed || host.state.unreachable || host.state.endedPlay;
}

async function runNode(node: TaskNode, inherited: Inherited, at: HostInPlay): Promise<boolean> {
  switch (node.kind) {
    case 'block':
      return runBlock(node, inherited, at);
    case 'module':
      return runModuleTask({ task: node, inherited: inherit(inherited, node), ...at });
    case 'meta':
      return runMeta(node, inherited, at);
    case 'include':
      return runInclude(node, inherited, at);
  }
}

async function runBlock(node: BlockTask, inherited: Inherited, at: HostInPlay): Promise<boolean> {
  const { host } = at;
  const scope = inherit(inherited, node);
  let failed = await runTasks(node.block, { ...scope, rescuable: node.rescue.length > 0 || scope.rescuable }, at);
  if (failed && !host.state.unreachable && node.rescue.length > 0) {
    // The failure is handled: the host is no longer failed, the failure counts as rescued.
    host.state.failed = false;
    host.state.stats.failed -= 1;
    host.state.stats.rescued += 1;
    // As Ansible: the rescue section sees what failed.
    const failure = host.state.lastFailure;
    const seen = failure === undefined ? [] : [{ source: 'rescued failure', verbatim: true, vars: { ansible_failed_task: failure.task, ansible_failed_result: failure.result } }];
    failed = await runTasks(node.rescue, { ...scope, layers: [...scope.layers, ...seen] }, at);
  }
  if (node.always.length > 0 && !host.state.unreachable) {
    const wasFailed = host.state.failed;
    host.state.failed = false;
    const alwaysFailed = await runTasks(node.always, scope, at);
    host.state.failed = wasFailed || alwaysFailed;
    failed = failed || alwaysFailed;
  }
  return failed;
}

async function runMeta(node: MetaTask, inherited: Inherited, at: HostInPlay): Promise<boolean> {
  const { rt, host } = at;
  const action = node.action;
  const tags = inherit(inherited, node).tags;
  if (!isSelected(tags, rt.settings.tags) && action !== 'flush_handlers') return false;
  if (action === 'flush_handlers') {
    return flushHandlers(rt, host);
  }
  if (action === 'end_host') host.state.endedPlay = true;
  if (action === 'end_play') rt.ended = true;
  if (action === 'clear_host_errors') host.state.failed = false;
  return false;
}

async function runInclude(node: IncludeTask, inherited: Inherited, at: HostInPlay): Promise<boolean> {
  const { rt, host } = at;
  // The loop is the include's own: the included tasks inherit the rest of its keywords, not the loop.
  const { loop, loop_with: loopWith, loop_control: loopControl, ...own } = node.keywords;
  const scope = inherit(inherited, { ...node, keywords: own });
  const ref = taskRefOf(node, rt, `include_tasks ${node.file}`);
  try {
    let outcome: Inclusion = 'skipped';
    if (loop === undefined) outcome = await includeFile(node, scope, at);
    else {
      const items = loopItems(loop, loopWith, host.scope(scope.layers));
      if (!Array.isArray(items)) return failHost(at, ref, `Invalid data passed to 'loop', it requires a list, got this instead: ${JSON.stringify(items)}`);
      const settings = loopSettings(loopControl, host.scope(scope.layers));
      // As Ansible: each item includes the file once, its tasks seeing the item, one item after the other.
      for (const index of items.keys()) {
        if (index > 0 && settings.pauseMs > 0) await new Promise((r) => setTimeout(r, settings.pauseMs));
        const layer: VarLayer = { source: 'loop item', verbatim: true, vars: loopItemVars(settings, items, index, { include: true }) };
        const item = await includeFile(node, { ...scope, layers: [...scope.layers, layer] }, at);
        if (item === 'failed') return true;
        if (item === 'ran') outcome = 'ran';
        if (stopped(rt, host)) return host.state.failed;
      }
    }
    if (outcome === 'skipped') {
      rt.emit({ type: 'host.task.result', host: host.state.name, task: ref, status: 'skipped', planOnly: false, changes: [], diff: [], message: 'Conditional result was False', durationMs: 0 });
      host.state.stats.skipped += 1;
    }
    return false;
  } catch (error) {
    rethrowUnlessTaskFailure(error, ref);
    return failHost(at, ref, (error as Error).message);
  }
}

type Inclusion = 'skipped' | 'ran' | 'failed';

/** One inclusion of the file (for one loop item), unless the include's conditions do not hold. */
async function includeFile(node: IncludeTask, scope: Inherited, at: HostInPlay): Promise<Inclusion> {
  const vars = at.host.scope(scope.layers);
  // A skipped include is never loaded: its file name may only make sense when the condition holds.
  if (scope.keywords.when !== undefined && !condition(scope.keywords.when, vars)) return 'skipped';
  const file = String(render(node.file, vars));
  const tasks = await at.rt.loadInclude(resolve(node.baseDir, file), node.role);
  return (await runTasks(tasks, scope, at)) ? 'failed' : 'ran';
}

/** Report a failure that happened outside a module (a bad template, an include that cannot load). */
export function failHost(at: HostInPlay, task: TaskRef, message: string): true {
  const { rt, host } = at;
  host.state.failed = true;
  host.state.stats.failed += 1;
  rt.emit({ type: 'host.task.result', host: host.state.name, task, status: 'failed', planOnly: false, changes: [], diff: [], message, durationMs: 0 });
  return true;
}

