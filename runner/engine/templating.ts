// The engine's one door to templating: variable scopes, rendering values and
// evaluating conditions. Kept to a few functions so the engine does not depend
// on how runner/template/ is organised inside.
import { Scope, renderValue, renderText, evaluateCondition, type FileRenderOptions, type Layer } from '../template/index.js';

export type VarLayer = Layer;
export { Scope };

export function createScope(layers: VarLayer[]): Scope {
  return new Scope(layers);
}

export function render(value: unknown, scope: Scope): unknown {
  return renderValue(value, scope);
}

export function renderTemplateText(text: string, scope: Scope, name: string, options?: FileRenderOptions): string {
  return renderText(text, scope, name, options);
}

export function condition(expression: unknown, scope: Scope): boolean {
  return evaluateCondition(expression as string | boolean | string[], scope);
}

/** Ansible's `omit`: a parameter rendered to this value is left out. */
export const OMIT = '__drover_omit_placeholder__';
