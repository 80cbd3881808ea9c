// Ansible's `throttle`: at most N hosts run a task at the same time, whatever
// --forks allows (it can only lower it). Each task has its own limit; a task
// inherits the keyword from its block or play, but not a shared slot count.
import type { TaskNode } from '../playbook/types.js';

/** The hosts waiting for, and running, each throttled task of a play. */
export class TaskThrottle {
  private readonly slots = new Map<TaskNode, { running: number; waiting: Array<() => void> }>();

  /** Waits for a free slot of `task` (at most `limit` at once); the returned function frees it. */
  async acquire(task: TaskNode, limit: number): Promise<() => void> {
    let slot = this.slots.get(task);
    if (!slot) {
      slot = { running: 0, waiting: [] };
      this.slots.set(task, slot);
    }
    const own = slot;
    if (own.running >= limit) await new Promise<void>((resolve) => own.waiting.push(resolve));
    else own.running += 1;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      // The slot passes straight to the next host in line, so the count never drops below what runs.
      const next = own.waiting.shift();
      if (next) next();
      else own.running -= 1;
    };
  }
}
