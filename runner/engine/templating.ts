// The engine's one door to templating: variable scopes, rendering values and
// evaluating conditions. Kept to a few functions so the engine does not depend
// on how runner/template/ is organised inside.
import { Scope, UndefinedVariableError, renderValue, renderText, evaluateCondition, runLoopLookup, type FileRenderOptions, type Layer } from '../template/index.js';

export type VarLayer = Layer;
export { Scope, UndefinedVariableError };

export function createScope(layers: VarLayer[]): Scope {
  return new Scope(layers);
}

export function render(value: unknown, scope: Scope): unknown {
  return renderValue(value, scope);
}

export function renderTemplateText(text: string, scope: Scope, name: string, options?: FileRenderOptions): string {
  return renderText(text, scope, name, options);
}

/** A condition's truth; `warn` hears Ansible's warnings about it (a condition holding `{{ }}`), to show once a run. */
export function condition(expression: unknown, scope: Scope, warn: (message: string) => void): boolean {
  return evaluateCondition(expression as string | boolean | string[], scope, warn);
}

/** Ansible's `omit`: a parameter rendered to this value is left out. */
export const OMIT = '__drover_omit_placeholder__';

/**
 * A task's loop items: `loop` rendered, or for `with_NAME` the lookup NAME run on the rendered terms (a list gives the terms).
 * `action` is the module as written: as in Ansible, one whose name holds 'template', 'var' or 'file' has first_found search that subdirectory.
 */
export function loopItems(loop: unknown, lookup: string | undefined, scope: Scope, action = ''): unknown {
  const value = renderValue(loop, scope);
  if (lookup === undefined) return value;
  const subdir = `${['template', 'var', 'file'].find((word) => action.includes(word)) ?? 'file'}s`;
  return runLoopLookup(lookup, value, { names: scope, subdir });
}
