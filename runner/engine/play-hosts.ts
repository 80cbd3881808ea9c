// A play's hosts: pattern may be a template. Ansible renders it when the play
// starts, with the play's variables and the extra vars (no host's inventory
// variables: there is no host yet), and refuses an undefined variable.
import { InputError } from '../errors.js';
import type { Play } from '../playbook/types.js';
import { createScope, render } from './templating.js';

export function playHostPattern(play: Play, extraVars: Record<string, unknown>): string {
  if (!play.hosts.includes('{{')) return play.hosts;
  const scope = playScope(play, extraVars);
  let rendered: unknown;
  try {
    rendered = render(play.hosts, scope);
  } catch (error) {
    throw new InputError([{ message: `play '${play.name}': The field 'hosts' has an invalid value, which includes an undefined variable: ${(error as Error).message}`, location: play.location }]);
  }
  // A list renders to pattern items, joined as a written hosts: list is.
  return Array.isArray(rendered) ? rendered.map(String).join(':') : String(rendered);
}

/** What a play keyword rendered before the play starts sees: the play's variables and the extra vars. */
export function playScope(play: Play, extraVars: Record<string, unknown>): ReturnType<typeof createScope> {
  return createScope([
    { source: `play '${play.name}' vars`, vars: play.vars },
    { source: 'extra vars (-e, KEY=VALUE)', vars: extraVars },
  ]);
}
