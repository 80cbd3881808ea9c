// Whether a play runs in lock-step (lockstep.ts). Ansible's linear strategy
// keeps every host of a batch at the same task; drover lets hosts run
// independently, which gives the same results except where one host's
// failure or meta action decides what the others do. Those plays, and only
// those, run in lock-step: any_errors_fatal (play, block or task, or
// ANSIBLE_ANY_ERRORS_FATAL), max_fail_percentage, the meta actions Ansible
// runs once for the whole batch (end_batch, end_play, clear_host_errors), and
// tasks that read other hosts' state (hostvars, ansible_play_hosts,
// ansible_play_batch, play_hosts), which in Ansible see every host at the
// same task.
import type { MetaAction, Play, TaskNode } from '../playbook/types.js';
import { InputError } from '../errors.js';
import { render } from './templating.js';
import { playScope } from './play-hosts.js';
import type { RunSettings, Strategy } from './runtime.js';

/** Meta actions Ansible's linear strategy runs once, on the first host at the task, for the whole batch. */
export const BATCH_META_ACTIONS: readonly MetaAction[] = ['end_batch', 'end_play', 'clear_host_errors'];

export function needsLockstep(play: Play, anyErrorsFatalDefault: boolean): boolean {
  if (anyErrorsFatalDefault || play.maxFailPercentage !== undefined || play.keywords.any_errors_fatal === true) return true;
  const nodes = [...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers];
  return nodes.some(dependsOnOtherHosts) || nodes.some(readsOtherHosts) || OTHER_HOSTS.test(JSON.stringify(play.vars));
}

/** The variables through which a task sees the other hosts' state (runner/scale/refusals.ts refuses them in slices for the same reason). */
const OTHER_HOSTS = /\b(hostvars|ansible_play_hosts(?!_all)|play_hosts|ansible_play_batch)\b/;

/** A task (or a block holding one) whose keywords or arguments as written read other hosts' state. */
function readsOtherHosts(node: TaskNode): boolean {
  if (OTHER_HOSTS.test(JSON.stringify(node.keywords)) || (node.kind === 'module' && OTHER_HOSTS.test(JSON.stringify(node.rawParams ?? null)))) return true;
  return node.kind === 'block' && [...node.block, ...node.rescue, ...node.always].some(readsOtherHosts);
}

/** A task (or a block holding one) whose effect on a host depends on the other hosts of the batch. */
export function dependsOnOtherHosts(node: TaskNode): boolean {
  if (node.keywords.any_errors_fatal === true) return true;
  if (node.kind === 'meta') return BATCH_META_ACTIONS.includes(node.action);
  return node.kind === 'block' && [...node.block, ...node.rescue, ...node.always].some(dependsOnOtherHosts);
}

/** Strategies drover runs: linear (lock-step where it matters), and free and host_pinned, whose hosts run ahead as drover's do. */
const STRATEGIES = new Set(['linear', 'free', 'host_pinned']);

/**
 * The play's strategy, rendered as Ansible renders it when the play starts;
 * an unknown one is refused. Under free and host_pinned hosts never wait for
 * each other: any_errors_fatal and max_fail_percentage do nothing (Ansible
 * warns so), and meta end_batch, end_play and clear_host_errors act for each
 * host that reaches them.
 */
export function playStrategy(play: Play, settings: Pick<RunSettings, 'extraVars' | 'strategy'>): Strategy {
  // ANSIBLE_STRATEGY stands where a play names none, as Ansible's DEFAULT_STRATEGY.
  const strategy = play.strategy ?? settings.strategy;
  if (strategy === undefined) return 'linear';
  let rendered: unknown;
  try {
    rendered = typeof strategy === 'string' && strategy.includes('{{') ? render(strategy, playScope(play, settings.extraVars)) : strategy;
  } catch (error) {
    throw new InputError([{ message: `play '${play.name}': strategy: ${(error as Error).message}`, location: play.location }]);
  }
  const name = String(rendered).replace(/^ansible\.(builtin|legacy)\./, '');
  if (!STRATEGIES.has(name)) {
    throw new InputError([{ message: `play '${play.name}': Invalid play strategy specified: ${String(rendered)} (drover runs linear, free and host_pinned)`, location: play.location }]);
  }
  return name as Strategy;
}

/** Ansible's free strategy warns that it ignores these (host_pinned is the free strategy). */
export function freeStrategyWarnings(play: Play): string[] {
  const warnings: string[] = [];
  if (play.maxFailPercentage !== undefined) warnings.push('Using max_fail_percentage with the free strategy is not supported, as tasks are executed independently on each host');
  const nodes = [...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers];
  if (play.keywords.any_errors_fatal === true || nodes.some(hasAnyErrorsFatal)) warnings.push('Using any_errors_fatal with the free strategy is not supported, as tasks are executed independently on each host');
  return warnings;
}

function hasAnyErrorsFatal(node: TaskNode): boolean {
  return node.keywords.any_errors_fatal === true || (node.kind === 'block' && [...node.block, ...node.rescue, ...node.always].some(hasAnyErrorsFatal));
}
