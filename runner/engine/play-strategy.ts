// Whether a play runs in lock-step (lockstep.ts). Ansible's linear strategy
// keeps every host of a batch at the same task; drover lets hosts run
// independently, which gives the same results except where one host's
// failure or meta action decides what the others do. Those plays, and only
// those, run in lock-step: any_errors_fatal (play, block or task, or
// ANSIBLE_ANY_ERRORS_FATAL), max_fail_percentage, and the meta actions Ansible
// runs once for the whole batch (end_batch, end_play, clear_host_errors).
import type { MetaAction, Play, TaskNode } from '../playbook/types.js';

/** Meta actions Ansible's linear strategy runs once, on the first host at the task, for the whole batch. */
export const BATCH_META_ACTIONS: readonly MetaAction[] = ['end_batch', 'end_play', 'clear_host_errors'];

export function needsLockstep(play: Play, anyErrorsFatalDefault: boolean): boolean {
  if (anyErrorsFatalDefault || play.maxFailPercentage !== undefined || play.keywords.any_errors_fatal === true) return true;
  return [...play.preTasks, ...play.tasks, ...play.postTasks, ...play.handlers].some(dependsOnOtherHosts);
}

/** A task (or a block holding one) whose effect on a host depends on the other hosts of the batch. */
export function dependsOnOtherHosts(node: TaskNode): boolean {
  if (node.keywords.any_errors_fatal === true) return true;
  if (node.kind === 'meta') return BATCH_META_ACTIONS.includes(node.action);
  return node.kind === 'block' && [...node.block, ...node.rescue, ...node.always].some(dependsOnOtherHosts);
}
