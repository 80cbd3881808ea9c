// Lookups render templates (lookup('template', ...), and a term written with a template
// in it is rendered again), while rendering evaluates expressions that call lookups: a
// loop in what runs, not in what depends on what. So that the imports stay one-way
// (render -> expression -> registry -> lookups -> this file), render.ts hands its
// renderers to this file when it loads, and lookups take them from here.
import type { Names } from './values.js';

export interface LookupRenderers {
  renderValue(value: unknown, names: Names): unknown;
  renderText(text: string, names: Names, name: string): string;
}

let installed: LookupRenderers | undefined;

export function installLookupRenderers(renderers: LookupRenderers): void {
  installed = renderers;
}

export function lookupRenderers(): LookupRenderers {
  // Every way into template evaluation (index.ts, scope.ts, condition.ts) loads render.ts first.
  if (installed === undefined) throw new Error('a lookup ran before runner/template/render.ts was loaded');
  return installed;
}
