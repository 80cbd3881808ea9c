// Handlers run at flush points (end of pre_tasks, tasks and post_tasks, and
// meta: flush_handlers), once each, in the order they are defined, if a task
// notified their name or one of their listen topics.
import type { HostRuntime, PlayRuntime } from './runtime.js';
import { runModuleTask } from './module-task.js';
import { inherit } from './task-scope.js';
import type { ModuleTask } from '../playbook/types.js';

function namesOf(handler: ModuleTask): string[] {
  return [handler.keywords.name, ...(handler.keywords.listen ?? [])].filter((n): n is string => Boolean(n));
}

export async function flushHandlers(rt: PlayRuntime, host: HostRuntime): Promise<boolean> {
  // A handler may notify another: keep flushing until nothing new is pending.
  // After an interrupt nothing new starts: the notified handlers are recorded as pending instead.
  while (host.state.notified.size > 0 && !host.state.failed && !host.state.unreachable && !rt.interrupted) {
    const notified = new Set(host.state.notified);
    host.state.notified.clear();
    const due = rt.play.handlers.filter((h) => namesOf(h).some((n) => notified.has(n)));
    for (const [index, handler] of due.entries()) {
      const base = { keywords: rt.play.keywords, tags: [], layers: [] };
      // Handlers run whatever --tags says, like Ansible: they were notified by selected tasks.
      const inherited = { ...inherit(base, handler), tags: ['always'], handler: true };
      const stop = await runModuleTask({ task: handler, inherited, rt, host });
      // A name or topic is done once the last handler it notified has run (a killed run keeps the rest pending).
      const later = new Set(due.slice(index + 1).flatMap(namesOf));
      rt.handlersRan(host.state.name, namesOf(handler).filter((n) => notified.has(n) && !later.has(n)));
      if (stop) return true;
    }
  }
  return false;
}
