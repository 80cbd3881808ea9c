// What each item of a loop sees and registers, as Ansible's _run_loop sets
// it: the loop variable, ansible_loop_var, the index variable and
// ansible_index_var, and with `extended` the ansible_loop mapping. Shared by
// module tasks and looped include_tasks.
import type { Keywords } from '../playbook/types.js';
import { ModuleFailure } from '../module-api.js';
import { ansibleBoolean } from '../validate/coerce.js';
import { render, type Scope } from './templating.js';

/** loop_control rendered for one host (Ansible post-validates it before the first item; the label is rendered per item). */
export interface LoopSettings {
  loopVar: string;
  indexVar?: string;
  extended: boolean;
  allItems: boolean;
  pauseMs: number;
}

export function loopSettings(control: Keywords['loop_control'], scope: Scope): LoopSettings {
  const name = (value: unknown, what: string): string | undefined => {
    if (value === undefined) return undefined;
    const rendered = render(value, scope);
    if (typeof rendered !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(rendered)) throw new ModuleFailure(`loop_control.${what} must be a variable name, got ${JSON.stringify(rendered)}`);
    return rendered;
  };
  const flag = (value: unknown, fallback: boolean, what: string): boolean => {
    if (value === undefined) return fallback;
    const b = ansibleBoolean(render(value, scope));
    if (b === undefined) throw new ModuleFailure(`loop_control.${what} must be a boolean, got ${JSON.stringify(value)}`);
    return b;
  };
  return {
    loopVar: name(control?.loop_var, 'loop_var') ?? 'item',
    indexVar: name(control?.index_var, 'index_var'),
    extended: flag(control?.extended, false, 'extended'),
    allItems: flag(control?.extended_allitems, true, 'extended_allitems'),
    pauseMs: (control?.pause ?? 0) * 1000,
  };
}

/**
 * The variables item `index` of `items` sees; its registered result carries the
 * same ones. The tasks of a looped include see fewer: Ansible's IncludedFile
 * passes on the loop and index variables and ansible_loop, not the
 * ansible_loop_var and ansible_index_var names.
 */
export function loopItemVars(settings: LoopSettings, items: readonly unknown[], index: number, options: { include?: boolean } = {}): Record<string, unknown> {
  const names = options.include === true ? {} : { ansible_loop_var: settings.loopVar, ...(settings.indexVar === undefined ? {} : { ansible_index_var: settings.indexVar }) };
  return {
    [settings.loopVar]: items[index],
    ...(settings.indexVar === undefined ? {} : { [settings.indexVar]: index }),
    ...names,
    ...(settings.extended ? { ansible_loop: extendedLoopVars(items, index, settings.allItems) } : {}),
  };
}

/** Ansible's `ansible_loop` (loop_control.extended) for item `index` of `items`. */
function extendedLoopVars(items: readonly unknown[], index: number, allItems: boolean): Record<string, unknown> {
  const length = items.length;
  return {
    index: index + 1,
    index0: index,
    revindex: length - index,
    revindex0: length - index - 1,
    first: index === 0,
    last: index === length - 1,
    length,
    ...(allItems ? { allitems: items } : {}),
    ...(index > 0 ? { previtem: items[index - 1] } : {}),
    ...(index < length - 1 ? { nextitem: items[index + 1] } : {}),
  };
}
