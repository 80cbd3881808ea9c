// Ansible's module_defaults: default parameters per module, on a play, block
// or task (a mapping, or a list of them). As Ansible's
// get_action_args_with_defaults: the written layers are applied outermost
// first and each module's entry replaces an earlier one whole (not merged
// parameter by parameter); keys name a module by its short name, an alias or
// ansible.builtin./ansible.legacy.; the task's own parameters win. Action
// groups (group/...) are collections' and refused, as are modules drover lacks.
import type { Problem, SourceLocation } from '../errors.js';
import type { AnyModule, ModuleRegistry } from '../module-api.js';
import { keyLocationOf, locationOf } from './yaml-source.js';

/** The layers as written: a mapping or list of mappings per play, block and task, outermost first. */
export function moduleDefaultLayers(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Problems of a written module_defaults: not mappings, groups, or names of modules drover does not have. */
export function moduleDefaultsProblems(value: unknown, registry: ModuleRegistry, at: SourceLocation | undefined): Problem[] {
  const problems: Problem[] = [];
  // A template: its keys are known only when rendered, and Ansible requires them static.
  if (typeof value === 'string') return [{ message: 'module_defaults must be a mapping of module names (or a list of them); its keys cannot be templated', location: at }];
  for (const layer of moduleDefaultLayers(value)) {
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer)) {
      problems.push({ message: 'module_defaults must be a mapping of module names to their default parameters (or a list of such mappings)', location: locationOf(layer) ?? at });
      continue;
    }
    for (const [name, params] of Object.entries(layer)) {
      const where = keyLocationOf(layer, name) ?? at;
      if (name.startsWith('group/')) {
        problems.push({ message: `module_defaults: action group '${name}' is not supported by drover (groups are collections'): give each module its own entry`, location: where, unsupported: { kind: 'keyword', name: `module_defaults ${name}`, instead: 'an entry per module' } });
      } else if (!registry.find(name)) {
        problems.push({ message: `module_defaults: '${name}' is not a module drover has; did you mean '${registry.suggest(name)}'?`, location: where, unsupported: { kind: 'module', name, instead: registry.suggest(name) } });
      } else if (params !== null && (typeof params !== 'object' || Array.isArray(params))) {
        problems.push({ message: `module_defaults: the defaults of '${name}' must be a mapping of parameters`, location: where });
      }
    }
  }
  return problems;
}

/** The default parameters for `module` from the layers, as written (their values are rendered by the caller). */
export function defaultsFor(layers: unknown, module: AnyModule, registry: ModuleRegistry): Record<string, unknown> {
  let found: Record<string, unknown> = {};
  for (const layer of moduleDefaultLayers(layers)) {
    if (typeof layer !== 'object' || layer === null) continue;
    for (const [name, params] of Object.entries(layer)) {
      if (registry.find(name) === module) found = { ...((params as Record<string, unknown> | null) ?? {}) };
    }
  }
  return found;
}
