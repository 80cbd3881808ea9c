// Which handlers a notification reaches, as in Ansible 2.14
// (strategy/__init__.py, search_handler_blocks_by_name): a name reaches one
// handler, found by looking through the handler blocks last to first and in
// each block first to last (a role's handlers come before the play's, so the
// play's win; in one list of handlers the first of a name wins); the name is
// the written `name` or `role : name`. A listen topic reaches every handler
// that listens to it.
import type { ModuleTask } from '../playbook/types.js';

/** The handlers a notification reaches (empty: none answers it). */
export function handlersFor(notification: string, handlers: readonly ModuleTask[]): ModuleTask[] {
  const answers = (h: ModuleTask) => {
    const name = h.keywords.name;
    return name !== undefined && (name === notification || (h.role !== undefined && `${h.role.name} : ${name}` === notification));
  };
  const byName = blocksLastFirst(handlers).find(answers);
  const listening = handlers.filter((h) => h.keywords.listen?.includes(notification));
  return byName && !listening.includes(byName) ? [byName, ...listening] : listening;
}

/** The handlers in search order: their blocks (runs of one handlerBlock) last to first, each in its own order. */
function blocksLastFirst(handlers: readonly ModuleTask[]): ModuleTask[] {
  const blocks: ModuleTask[][] = [];
  for (const handler of handlers) {
    const last = blocks.at(-1);
    if (last && handler.handlerBlock !== undefined && last[0]!.handlerBlock === handler.handlerBlock) last.push(handler);
    else blocks.push([handler]);
  }
  return blocks.reverse().flat();
}
