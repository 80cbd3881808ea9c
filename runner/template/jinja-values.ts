// Values that only templates make: macros (and `caller`, `loop.cycle`), which
// an expression may call, and Jinja's `namespace()` objects, the one value a
// `{% set ns.x = ... %}` may change. A call reaches only these objects' own
// `invoke`, never a JavaScript function found in data.
import { TemplateError } from './errors.js';
import { isMapping, setOwn } from './values.js';

/** Something a template defined that expressions can call: a macro, `caller`, `loop.cycle`. */
export class TemplateFunction {
  constructor(
    readonly name: string,
    readonly invoke: (args: unknown[], kwargs: [string, unknown][]) => unknown,
  ) {}
}

const namespaces = new WeakSet<object>();

/** Jinja's namespace(a=1): a dict whose attributes `{% set ns.a = 2 %}` may set, even from inside a loop. */
export function makeNamespace(args: unknown[], kwargs: [string, unknown][]): Record<string, unknown> {
  const ns: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  for (const arg of args) {
    if (!isMapping(arg)) throw new TemplateError('namespace() takes a dict or keyword arguments');
    for (const [k, v] of Object.entries(arg)) setOwn(ns, k, v);
  }
  for (const [k, v] of kwargs) setOwn(ns, k, v);
  namespaces.add(ns);
  return ns;
}

export function isNamespace(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && namespaces.has(value);
}
