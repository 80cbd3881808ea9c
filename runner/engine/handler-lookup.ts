// Which handlers a notification reaches, as in Ansible 2.14: a name reaches
// one handler, the last one loaded with that name (written `name` or
// `role : name`); a listen topic reaches every handler that listens to it.
import type { ModuleTask } from '../playbook/types.js';

/** The handlers a notification reaches (empty: none answers it). */
export function handlersFor(notification: string, handlers: readonly ModuleTask[]): ModuleTask[] {
  const byName = [...handlers].reverse().find((h) => {
    const name = h.keywords.name;
    return name !== undefined && (name === notification || (h.role !== undefined && `${h.role.name} : ${name}` === notification));
  });
  const listening = handlers.filter((h) => h.keywords.listen?.includes(notification));
  return byName && !listening.includes(byName) ? [byName, ...listening] : listening;
}
