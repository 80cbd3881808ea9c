// Ansible's lookups: `lookup(name, terms..., wantlist=, errors=, options...)`,
// `query(...)`/`q(...)` (always a list), and the `with_NAME` loops, which run
// the same plugins. Each plugin is a function of its terms, its options and
// the variables in scope, returning a list, as ansible-core's LookupBase.run.
// lookup() then joins a list of strings with commas, returns a single
// non-string item as it is, and anything else as the list (Templar._lookup).
// A closed table: an unknown name is an error that suggests the nearest one.
import { closest, distance } from 'fastest-levenshtein';
import { force, TemplateError, UndefinedVariableError } from './errors.js';
import { dataLookups } from './lookups-data.js';
import { fileLookups } from './lookups-files.js';
import { lookupRenderers } from './lookup-rendering.js';
import { LookupFailure, type LookupContext, type LookupPlugin } from './lookup-types.js';
import { isMapping, type Names } from './values.js';

const LOOKUPS: ReadonlyMap<string, LookupPlugin> = new Map(Object.entries({ ...fileLookups, ...dataLookups }));

/** The lookup names drover has, for docs and suggestions. */
export const LOOKUP_NAMES: readonly string[] = [...LOOKUPS.keys()].sort();

/** The template functions this file answers: lookup, query and its short name q. */
export function isLookupFunction(name: string): boolean {
  return name === 'lookup' || name === 'query' || name === 'q';
}

function plugin(name: unknown): [string, LookupPlugin] {
  if (typeof name !== 'string') throw new TemplateError(`a lookup name must be a string, got ${JSON.stringify(name)}`);
  const bare = name.replace(/^ansible\.(builtin|legacy)\./, '');
  const found = LOOKUPS.get(bare);
  if (found) return [bare, found];
  const guess = closest(bare, LOOKUP_NAMES as string[]);
  const hint = distance(bare, guess) <= 3 ? ` (did you mean '${guess}'?)` : '';
  throw new TemplateError(`lookup plugin '${name}' is not supported by drover${hint}; drover has: ${LOOKUP_NAMES.join(', ')}`);
}

/** Run a plugin by name with already evaluated terms: the `with_NAME` loops and query(). */
export function runLookup(name: string, terms: unknown[], options: Record<string, unknown>, ctx: LookupContext): unknown[] {
  const [bare, lookup] = plugin(name);
  for (const key of Object.keys(options)) {
    if (!(lookup.options ?? []).includes(key)) {
      const known = lookup.options?.length ? `; it takes ${lookup.options.join(', ')}` : '; it takes no options';
      throw new TemplateError(`lookup '${bare}' has no option '${key}'${known}`);
    }
  }
  return lookup.run(terms, options, ctx);
}

/**
 * A `with_NAME` loop: the plugin run on the rendered terms, as Ansible's
 * listify_lookup_plugin_terms hands them over: a list as it is, a mapping as
 * the plugin takes one (see loopMapping), anything else as the one term.
 */
export function runLoopLookup(name: string, terms: unknown, ctx: LookupContext): unknown[] {
  if (Array.isArray(terms)) return runLookup(name, terms, {}, ctx);
  if (!isMapping(terms)) return runLookup(name, [terms], {}, ctx);
  const taken = plugin(name)[1].loopMapping;
  if (taken === 'whole') return runLookup(name, [terms], {}, ctx);
  if (taken !== undefined) throw new LookupFailure(taken.refuse);
  return runLookup(name, Object.keys(terms), {}, ctx);
}

/**
 * `lookup(...)`, `query(...)` and `q(...)` as called from a template or condition.
 * Ansible templates the terms once more (listify_lookup_plugin_terms): a term
 * written with a template in it (`'{{ python }} -c ...'`, `templated[i]`) is
 * rendered here; a value that came from a variable was rendered already, and
 * one from a host is never templated (Ansible marks such values unsafe).
 */
export function callLookupFunction(fn: string, args: unknown[], kwargs: [string, unknown][], names: Names | undefined, templated: boolean[] = []): unknown {
  if (names === undefined) throw new TemplateError(`${fn}() is only available in playbook templates and conditions`);
  if (args.length === 0) throw new TemplateError(`${fn}() needs the name of a lookup plugin`);
  const { renderValue } = lookupRenderers();
  const [name, ...terms] = args.map((a, i) => (i > 0 && templated[i] === true ? renderValue(force(a), names) : force(a)));
  const options: Record<string, unknown> = {};
  let wantlist = fn !== 'lookup';
  let errors = 'strict';
  for (const [key, raw] of kwargs) {
    const value = force(raw);
    if (key === 'wantlist') wantlist = wantlist || value === true;
    else if (key === 'errors') errors = String(value);
    else options[key] = value;
  }
  if (!['strict', 'ignore'].includes(errors)) {
    throw new TemplateError(`${fn}(): errors='${errors}' is not supported by drover (it has no warning channel in templates); use 'strict' or 'ignore'`);
  }
  let ran: unknown[];
  try {
    ran = runLookup(String(name), terms, options, { names });
  } catch (error) {
    if (errors === 'ignore' && error instanceof LookupFailure && !(error instanceof UndefinedVariableError)) return wantlist ? [] : null;
    throw error;
  }
  if (wantlist || ran.length === 0) return ran;
  if (ran.every((item) => typeof item === 'string')) return ran.join(',');
  return ran.length === 1 ? ran[0] : ran;
}
