// Walks a host through a task tree: blocks with rescue/always, includes,
// meta actions and module tasks. Returns whether the host failed, so blocks
// know when to rescue.
import type { BlockTask, MetaTask, TaskNode } from '../playbook/types.js';
import { runInclude } from './includes.js';
import type { TaskRef } from './events.js';
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import { isSelected } from './tags.js';
import { condition } from './templating.js';
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
    case 'include_role':
      return runInclude(node, inherited, at, runTasks);
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
  const scope = inherit(inherited, node);
  if (!isSelected(scope.tags, rt.settings.tags) && action !== 'flush_handlers') return false;
  // As Ansible's _execute_meta: every action but noop honours when; a skipped meta is reported, not counted.
  if (action !== 'noop' && scope.keywords.when !== undefined) {
    const ref = taskRefOf(node, rt, `meta: ${action}`);
    let holds: boolean;
    try {
      holds = condition(scope.keywords.when, host.scope(scope.layers, node.role), (message) => rt.emit({ type: 'warning', message }));
    } catch (error) {
      return failHost(at, ref, (error as Error).message);
    }
    if (!holds) {
      rt.emit({ type: 'host.task.result', host: host.state.name, task: ref, status: 'skipped', planOnly: false, changes: [], diff: [], message: `${action} conditional evaluated to False`, durationMs: 0 });
      return false;
    }
  }
  if (action === 'flush_handlers') {
    return flushHandlers(rt, host);
  }
  if (action === 'end_host') host.state.endedPlay = true;
  if (action === 'end_play') rt.ended = true;
  if (action === 'clear_host_errors') host.state.failed = false;
  return false;
}

/** Report a failure that happened outside a module (a bad template, an include that cannot load). */
export function failHost(at: HostInPlay, task: TaskRef, message: string): true {
  const { rt, host } = at;
  host.state.failed = true;
  host.state.stats.failed += 1;
  rt.emit({ type: 'host.task.result', host: host.state.name, task, status: 'failed', planOnly: false, changes: [], diff: [], message, durationMs: 0 });
  return true;
}

