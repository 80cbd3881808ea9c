// What a task node takes from where it sits: keywords, tags, variables and
// conditions inherited from its play, blocks, roles and includes, and how it
// is named in events. Apart from the task runner so that handlers and module
// tasks can use it without importing the runner (which imports them).
import type { Keywords, TaskNode } from '../playbook/types.js';
import { moduleDefaultLayers } from '../playbook/module-defaults.js';
import { formatLocation } from '../errors.js';
import type { TaskRef } from './events.js';
import type { Inherited, PlayRuntime } from './runtime.js';

/**
 * Keywords flow down: a child's own value wins; tags and vars accumulate, and
 * so do conditions: as in Ansible, every task checks its own `when` and those
 * of its blocks, roles and includes, at the moment it runs.
 */
export function inherit(parent: Inherited, node: { keywords: Keywords; location: { file: string; line: number } }): Inherited {
  const { vars, tags, name: _name, when, ...rest } = node.keywords;
  void _name;
  const layers = vars ? [...parent.layers, { source: `vars of ${formatLocation(node.location as never)}`, vars }] : parent.layers;
  const keywords: Keywords = { ...parent.keywords, ...rest };
  // environment merges, play < block < task (Ansible's extend + dict.update): each level stays a layer, rendered in turn.
  if (parent.keywords.environment !== undefined && rest.environment !== undefined) {
    keywords.environment = [...environmentLayers(parent.keywords.environment), rest.environment];
  }
  // module_defaults extend, play < block < task (Ansible's extend + prepend), each level a layer applied in turn.
  if (parent.keywords.module_defaults !== undefined && rest.module_defaults !== undefined) {
    keywords.module_defaults = [...moduleDefaultLayers(parent.keywords.module_defaults), ...moduleDefaultLayers(rest.module_defaults)];
  }
  const conditions = [...asConditions(parent.keywords.when), ...asConditions(when)];
  if (conditions.length > 0) keywords.when = conditions;
  return { keywords, tags: [...parent.tags, ...(tags ?? [])], layers, rescuable: parent.rescuable, position: parent.position, recovering: parent.recovering };
}

/** The environment layers written so far (a merged environment is a list of them; a written one is a mapping or a template). */
export function environmentLayers(environment: unknown): unknown[] {
  return Array.isArray(environment) ? environment : [environment];
}

function asConditions(when: Keywords['when']): unknown[] {
  return when === undefined ? [] : Array.isArray(when) ? when : [when];
}

export function taskRefOf(node: TaskNode, rt: PlayRuntime, fallbackName: string): TaskRef {
  const name = node.keywords.name ?? fallbackName;
  // The reporter shows the role (`role : task`), so the name stays as written.
  const ref: TaskRef = { play: rt.play.name, name, location: formatLocation(node.location) };
  if (node.kind === 'module') ref.module = node.module;
  if (node.role) ref.role = node.role.name;
  return ref;
}
