// The shape shared by filters (`x | f(a)`), tests (`x is t(a)`) and Handlebars
// helpers (`{{f x a}}`): one definition, one way to bind positional and
// keyword arguments, so a filter and the helper of the same name cannot drift.
import { force, TemplateError } from './errors.js';
import { aType, isMapping } from './values.js';

/** Lets a filter call other filters and tests by name (map, selectattr). */
export interface CallContext {
  filter(name: string, args: unknown[], kwargs?: [string, unknown][]): unknown;
  test(name: string, args: unknown[], kwargs?: [string, unknown][]): boolean;
}

export interface Callable {
  /**
   * Parameter names, the piped value first: `name` is required, `name?` optional,
   * `...name` collects the remaining positional arguments into a list, and
   * names after it can only be given as keywords (`combine(b, c, recursive=true)`),
   * and a last `**name` collects unknown keyword arguments into a dict (`dict(a=1)`).
   */
  params: readonly string[];
  /** The first argument may be Undefined instead of raising (default, mandatory, is defined). */
  acceptsUndefined?: boolean;
  /** Arguments in `params` order; an omitted optional one is undefined. */
  run(args: unknown[], ctx: CallContext): unknown;
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Align positional and keyword arguments with `params`, forcing undefined values. */
export function bindArgs(what: string, callable: Callable, positional: unknown[], named: [string, unknown][] = []): unknown[] {
  const extraAt = callable.params.findIndex((p) => p.startsWith('**'));
  const params = callable.params
    .filter((p) => !p.startsWith('**'))
    .map((p) => ({ name: p.replace(/^\.\.\.|\?$/g, ''), optional: p.endsWith('?'), rest: p.startsWith('...') }));
  const extra: Record<string, unknown> = {};
  const restAt = params.findIndex((p) => p.rest);
  const fixed = restAt === -1 ? params.length : restAt;
  const args: unknown[] = new Array(params.length).fill(undefined);
  const values = positional.map((value, i) => (i === 0 && callable.acceptsUndefined === true ? value : force(value)));
  values.slice(0, fixed).forEach((value, i) => (args[i] = value));
  if (restAt === -1 && positional.length > params.length) {
    throw new TemplateError(`${what} takes at most ${params.length - 1} argument${params.length === 2 ? '' : 's'}, got ${positional.length - 1}`);
  }
  if (restAt !== -1) args[restAt] = values.slice(restAt);
  for (const [key, value] of named) {
    const index = params.findIndex((p) => p.name === key && !p.rest);
    if (index === -1 && extraAt !== -1 && !FORBIDDEN_KEYS.has(key)) {
      extra[key] = force(value);
      continue;
    }
    if (index === -1) throw new TemplateError(`${what} has no parameter '${key}'`);
    if (index < positional.length) throw new TemplateError(`${what} got '${key}' twice`);
    args[index] = force(value);
  }
  params.forEach((p, i) => {
    if (!p.optional && !p.rest && i > 0 && args[i] === undefined && !(i < positional.length)) {
      throw new TemplateError(`${what} needs the argument '${p.name}'`);
    }
  });
  if (positional.length === 0 && params.length > 0 && !params[0]!.optional) throw new TemplateError(`${what} needs a value`);
  if (extraAt !== -1) args.push(extra);
  return args;
}

/** The piped value must be text; numbers and booleans are read as their text, as Jinja does. */
export function asText(what: string, value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateError(`${what} needs a string, got ${aType(value)}`);
}

export function asList(what: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw new TemplateError(`${what} needs a list, got ${aType(value)}`);
}

export function asDict(what: string, value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  throw new TemplateError(`${what} needs a dict, got ${aType(value)}`);
}

export function asInt(what: string, value: unknown): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new TemplateError(`${what} needs an integer, got ${value === undefined ? 'nothing' : `${aType(value)}`}`);
}

/** A filter of text: the piped value read as text, then the other arguments in `params` order. */
export function textFilter(name: string, run: (text: string, args: unknown[]) => unknown, params: string[] = []): Callable {
  return { params: ['value', ...params], run: ([value, ...args]) => run(asText(`filter '${name}'`, value), args) };
}

/** A Callable from a function of the piped value alone. */
export function unary(run: (value: unknown) => unknown): Callable {
  return { params: ['value'], run: ([value]) => run(value) };
}
