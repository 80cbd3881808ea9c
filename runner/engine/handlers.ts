// Handlers run at flush points (end of pre_tasks, tasks and post_tasks, and
// meta: flush_handlers), once each, in the order they are defined, if a task
// notified their name or one of their listen topics (handler-lookup.ts).
import type { HostRuntime, PlayRuntime } from './runtime.js';
import { runModuleTask } from './module-task.js';
import { inherit } from './task-scope.js';
import type { ModuleTask } from '../playbook/types.js';
import { handlersFor } from './handler-lookup.js';

export async function flushHandlers(rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
  // A handler may notify another: keep flushing until nothing new is pending.
  // After an interrupt nothing new starts: the notified handlers are recorded as pending instead.
  while (host.state.notified.size > 0 && !host.state.failed && !host.state.unreachable && !rt.interrupted) {
    const notified = new Set(host.state.notified);
    host.state.notified.clear();
    const reached = new Map<ModuleTask, string[]>();
    for (const name of notified) for (const handler of handlersFor(name, rt.handlers)) reached.set(handler, [...(reached.get(handler) ?? []), name]);
    const due = rt.handlers.filter((h) => reached.has(h));
    for (const [index, handler] of due.entries()) {
      const base = { keywords: rt.play.keywords, tags: [], layers: [] };
      // Handlers run whatever --tags says, like Ansible: they were notified by selected tasks.
      const inherited = { ...inherit(base, handler), tags: ['always'], handler: true };
      const stop = await runModuleTask({ task: handler, inherited, rt, host });
      // A name or topic is done once the last handler it notified has run (a killed run keeps the rest pending).
      const later = new Set(due.slice(index + 1).flatMap((h) => reached.get(h)!));
      rt.handlersRan(host.state.name, reached.get(handler)!.filter((n) => !later.has(n)));
      if (stop) return true;
    }
  }
  return false;
}
