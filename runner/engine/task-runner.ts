// Walks a host through a task tree: blocks with rescue/always, includes,
// meta actions and module tasks. Returns whether the host failed, so blocks
// know when to rescue.
import { resolve } from 'node:path';
import type { BlockTask, Keywords, TaskNode } from '../playbook/types.js';
import { formatLocation } from '../errors.js';
import { ConnectionError } from '../connection/types.js';
import type { TaskRef } from './events.js';
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import { isSelected } from './tags.js';
import { condition, render } from './templating.js';
import { flushHandlers } from './handlers.js';
import { runModuleTask } from './module-task.js';

/** Run tasks in order; stop at the first failure. True when the host failed. */
export async function runTasks(nodes: TaskNode[], inherited: Inherited, rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
  for (const node of nodes) {
    if (stopped(rt, host)) return host.state.failed;
    if (await runNode(node, inherited, rt, host)) return true;
  }
  return false;
}

export function stopped(rt: PlayRuntime, host: HostRuntime): boolean {
  return rt.ended || host.state.failed || host.state.unreachable || host.state.endedPlay;
}

/**
 * Keywords flow down: a child's own value wins; tags and vars accumulate, and
 * so do conditions: as in Ansible, every task checks its own `when` and those
 * of its blocks, roles and includes, at the moment it runs.
 */
export function inherit(parent: Inherited, node: { keywords: Keywords; location: { file: string; line: number } }): Inherited {
  const { vars, tags, name: _name, when, ...rest } = node.keywords;
  void _name;
  const layers = vars ? [...parent.layers, { source: `vars of ${formatLocation(node.location as never)}`, vars }] : parent.layers;
  const keywords: Keywords = { ...parent.keywords, ...rest };
  const conditions = [...asConditions(parent.keywords.when), ...asConditions(when)];
  if (conditions.length > 0) keywords.when = conditions;
  return { keywords, tags: [...parent.tags, ...(tags ?? [])], layers, rescuable: parent.rescuable };
}

function asConditions(when: Keywords['when']): unknown[] {
  return when === undefined ? [] : Array.isArray(when) ? when : [when];
}

async function runNode(node: TaskNode, inherited: Inherited, rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
  switch (node.kind) {
    case 'block':
      return runBlock(node, inherited, rt, host);
    case 'module':
      return runModuleTask(node, inherit(inherited, node), rt, host);
    case 'meta':
      return runMeta(node.action, node, inherited, rt, host);
    case 'include':
      return runInclude(node, inherited, rt, host);
  }
}

async function runBlock(node: BlockTask, inherited: Inherited, rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
  const scope = inherit(inherited, node);
  let failed = await runTasks(node.block, { ...scope, rescuable: node.rescue.length > 0 || scope.rescuable }, rt, host);
  if (failed && !host.state.unreachable && node.rescue.length > 0) {
    // The failure is handled: the host is no longer failed, the failure counts as rescued.
    host.state.failed = false;
    host.state.stats.failed -= 1;
    host.state.stats.rescued += 1;
    failed = await runTasks(node.rescue, scope, rt, host);
  }
  if (node.always.length > 0 && !host.state.unreachable) {
    const wasFailed = host.state.failed;
    host.state.failed = false;
    const alwaysFailed = await runTasks(node.always, scope, rt, host);
    host.state.failed = wasFailed || alwaysFailed;
    failed = failed || alwaysFailed;
  }
  return failed;
}

async function runMeta(action: string, node: TaskNode, inherited: Inherited, rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
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

async function runInclude(node: TaskNode & { kind: 'include' }, inherited: Inherited, rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
  const scope = inherit(inherited, node);
  const ref = taskRefOf(node, rt, `include_tasks ${node.file}`);
  try {
    // A skipped include is never loaded: its file name may only make sense when the condition holds.
    if (scope.keywords.when !== undefined && !condition(scope.keywords.when, host.scope(scope.layers))) {
      rt.emit({ type: 'host.task.result', host: host.state.name, task: ref, status: 'skipped', planOnly: false, changes: [], diff: [], message: 'Conditional result was False', durationMs: 0 });
      host.state.stats.skipped += 1;
      return false;
    }
    const file = String(render(node.file, host.scope(scope.layers)));
    const tasks = await rt.loadInclude(resolve(node.baseDir, file), node.role);
    return runTasks(tasks, scope, rt, host);
  } catch (error) {
    if (error instanceof ConnectionError) throw error;
    return failHost(rt, host, ref, (error as Error).message);
  }
}

export function taskRefOf(node: TaskNode, rt: PlayRuntime, fallbackName: string): TaskRef {
  const name = node.keywords.name ?? fallbackName;
  // The reporter shows the role (`role : task`), so the name stays as written.
  const ref: TaskRef = { play: rt.play.name, name, location: formatLocation(node.location) };
  if (node.kind === 'module') ref.module = node.module;
  if (node.role) ref.role = node.role.name;
  return ref;
}

/** Report a failure that happened outside a module (a bad template, an include that cannot load). */
export function failHost(rt: PlayRuntime, host: HostRuntime, task: TaskRef, message: string): true {
  host.state.failed = true;
  host.state.stats.failed += 1;
  rt.emit({ type: 'host.task.result', host: host.state.name, task, status: 'failed', planOnly: false, changes: [], diff: [], message, durationMs: 0 });
  return true;
}

