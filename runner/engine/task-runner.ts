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
import { waitForTurn } from './turns.js';
import { BATCH_META_ACTIONS } from './play-strategy.js';

/** The host being walked and its play. */
export interface HostInPlay {
  rt: PlayRuntime;
  host: HostRuntime;
}

/** Run tasks in order; stop at the first failure. True when the host failed. */
export async function runTasks(nodes: TaskNode[], inherited: Inherited, at: HostInPlay): Promise<boolean> {
  for (const [index, node] of nodes.entries()) {
    if (stopped(at.rt, at.host)) return at.host.state.failed;
    const here = { ...inherited, position: [...(inherited.position ?? []), index] };
    // Only a lock-step play waits (and only it needs the node's inherited keywords here).
    if (node.kind !== 'block' && at.rt.batch?.lockstep) {
      await waitForTurn(at.rt, at.host, node, inherit(here, node).keywords, here);
      if (stopped(at.rt, at.host)) return at.host.state.failed;
    }
    if (await runNode(node, here, at)) return true;
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
  // Lock-step order: the block's tasks, then its rescue, then its always (Ansible's all_tasks order).
  const part = (index: number, recovering: boolean): Inherited => ({ ...scope, position: [...(scope.position ?? []), index], recovering });
  let failed = await runTasks(node.block, { ...part(0, false), rescuable: node.rescue.length > 0 || scope.rescuable }, at);
  // A play ended for all (any_errors_fatal, max_fail_percentage, end_play) runs no rescue or always.
  if (at.rt.ended) return failed;
  if (failed && !host.state.unreachable && node.rescue.length > 0) {
    // The failure is handled: the host is no longer failed, the failure counts as rescued (a handler's still counts as failed, as in Ansible).
    host.state.failed = false;
    if (!host.state.handlerFailed) {
      host.state.stats.failed -= 1;
      host.state.stats.rescued += 1;
    }
    host.state.handlerFailed = false;
    // As Ansible: the rescue section sees what failed.
    const failure = host.state.lastFailure;
    const seen = failure === undefined ? [] : [{ source: 'rescued failure', verbatim: true, vars: { ansible_failed_task: failure.task, ansible_failed_result: failure.result } }];
    failed = await runTasks(node.rescue, { ...part(1, true), layers: [...scope.layers, ...seen] }, at);
  }
  if (node.always.length > 0 && !host.state.unreachable) {
    const wasFailed = host.state.failed;
    const clearedBefore = host.state.errorsCleared ?? 0;
    host.state.failed = false;
    const alwaysFailed = await runTasks(node.always, part(2, true), at);
    // meta clear_host_errors in the always section clears the block's failure too (Ansible resets the host's fail state): the host goes on.
    const cleared = (host.state.errorsCleared ?? 0) !== clearedBefore;
    host.state.failed = (wasFailed && !cleared) || alwaysFailed;
    failed = (failed && !cleared) || alwaysFailed;
  }
  return failed;
}

async function runMeta(node: MetaTask, inherited: Inherited, at: HostInPlay): Promise<boolean> {
  const { rt, host } = at;
  const action = node.action;
  const scope = inherit(inherited, node);
  if (!isSelected(scope.tags, rt.settings.tags) && action !== 'flush_handlers') return false;
  const batch = rt.batch;
  if (BATCH_META_ACTIONS.includes(action)) {
    // As Ansible's linear strategy: run once, by the first host at the task, for the whole batch (includes.ts sees that such a play runs in lock-step).
    // The free strategy runs it for each host that reaches it, each time for the whole batch.
    if (batch?.lockstep && batch.lockstep.hostsAtCurrent()[0] !== host.state.name) return false;
  }
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
    return flushHandlers(rt, host, scope.position ?? []);
  }
  if (action === 'end_host') host.state.endedPlay = true;
  if (action === 'end_play') rt.ended = true;
  for (const state of batch?.states ?? []) {
    if (action === 'end_batch' && !state.unreachable) state.endedPlay = true;
    // The hosts count as neither failed nor unreachable for the run's result and later plays; those that stopped stay stopped, as in Ansible.
    if (action === 'clear_host_errors') {
      state.failed = false;
      state.unreachable = false;
      state.errorsCleared = (state.errorsCleared ?? 0) + 1;
      state.handlerFailed = false;
    }
  }
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

