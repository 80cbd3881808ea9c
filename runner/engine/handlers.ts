// Handlers run at flush points (end of pre_tasks, tasks and post_tasks, and
// meta: flush_handlers), once each, in the order they are defined, if a task
// notified their name or one of their listen topics (handler-lookup.ts).
import type { HostRuntime, Inherited, PlayRuntime } from './runtime.js';
import { runModuleTask } from './module-task.js';
import { inherit } from './task-scope.js';
import type { ModuleTask } from '../playbook/types.js';
import { handlersFor } from './handler-lookup.js';
import type { Position } from './lockstep.js';
import { waitForTurn } from './turns.js';

/**
 * Run the handlers notified on `host`; `position` is the flush's place in the
 * play (lock-step order); `force` (force_handlers) runs them for a host that
 * failed too, as the always section Ansible wraps each part of the play in.
 */
export async function flushHandlers(rt: PlayRuntime, host: HostRuntime, position: Position, options: { force?: boolean } = {}): Promise<boolean> {
  // A handler may notify another: keep flushing until nothing new is pending.
  // After an interrupt nothing new starts: the notified handlers are recorded as pending instead.
  const failedBefore = host.state.failed;
  for (let round = 0; host.state.notified.size > 0 && (!host.state.failed || options.force) && !host.state.unreachable && !rt.interrupted && !rt.ended; round++) {
    const notified = new Set(host.state.notified);
    host.state.notified.clear();
    const reached = new Map<ModuleTask, string[]>();
    for (const name of notified) for (const handler of handlersFor(name, rt.handlers)) reached.set(handler, [...(reached.get(handler) ?? []), name]);
    const due = rt.handlers.filter((h) => reached.has(h));
    for (const [index, handler] of due.entries()) {
      // A handler an import brought in inherits from the import statements first, as a block's task does.
      const base = (handler.handlerParents ?? []).reduce(inherit, { keywords: rt.play.keywords, tags: [], layers: [] } as Inherited);
      // Handlers run whatever --tags says, like Ansible: they were notified by selected tasks.
      const inherited = { ...inherit(base, handler), tags: ['always'], handler: true, position: [...position, round, rt.handlers.indexOf(handler)] };
      await waitForTurn(rt, host, handler, inherited.keywords, inherited);
      if (rt.ended || host.state.unreachable) return host.state.failed;
      // A forced flush runs every notified handler of a failed host; a handler failing stops the rest.
      if (options.force) host.state.failed = false;
      const stop = await runModuleTask({ task: handler, inherited, rt, host });
      if (options.force && !stop) host.state.failed = failedBefore;
      // A name or topic is done once the last handler it notified has run (a killed run keeps the rest pending).
      const later = new Set(due.slice(index + 1).flatMap((h) => reached.get(h)!));
      rt.handlersRan(host.state.name, reached.get(handler)!.filter((n) => !later.has(n)));
      if (stop) {
        host.state.handlerFailed = true;
        return true;
      }
    }
  }
  return host.state.failed;
}
