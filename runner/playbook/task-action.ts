// The action of a task in each spelling Ansible accepts (its ModuleArgsParser):
//   copy: {src: a}          copy: src=a dest=b          command: ls chdir=/tmp
//   action: copy src=a      action: {module: copy, src: a}   local_action: ...
// `local_action` is `action` plus delegate_to: localhost. String arguments are
// parsed here, before templating, exactly as Ansible does (kv-args.ts).
import { ArgsSyntaxError, FREE_FORM_MODULES, parseKv, splitArgs } from './kv-args.js';

export const LEGACY_ACTION_KEYS = ['action', 'local_action'] as const;

export interface LegacyAction {
  /** The module (or meta/include...) key, as written after `action:`. */
  key: string;
  /** Its arguments: a mapping, or the argument string still to parse. */
  value: unknown;
}

/** `action: copy src=a` or `action: {module: copy, ...}` as a module key and its value; a message when malformed. */
export function splitLegacyAction(thing: unknown): LegacyAction | string {
  try {
    if (typeof thing === 'string') {
      const [key, rest] = splitModuleString(thing);
      return key ? { key, value: rest } : 'action needs a module name';
    }
    if (typeof thing === 'object' && thing !== null && !Array.isArray(thing)) {
      const { module, args, ...rest } = thing as Record<string, unknown>;
      if (typeof module !== 'string') return "action as a mapping needs 'module: NAME'";
      const [key, moduleArgs] = splitModuleString(module);
      const params: Record<string, unknown> = { ...rest, ...(moduleArgs ? parseKv(moduleArgs, { freeForm: FREE_FORM_MODULES.has(bare(key)) }) : {}) };
      // `args:` inside the action mapping (a mapping or a key=value string) is merged in.
      if (typeof args === 'string') Object.assign(params, parseKv(args));
      else if (typeof args === 'object' && args !== null) Object.assign(params, args);
      return { key, value: params };
    }
    return `action must be a string or a mapping, got ${JSON.stringify(thing)}`;
  } catch (error) {
    if (error instanceof ArgsSyntaxError) return error.message;
    throw error;
  }
}

function splitModuleString(text: string): [string, string] {
  const words = splitArgs(text);
  return [(words[0] ?? '').trim(), words.slice(1).join(' ')];
}

function bare(key: string): string {
  return key.replace(/^ansible\.(builtin|legacy)\./, '');
}

/**
 * A module's value as a parameter mapping: `key=value` strings parsed, with
 * the free words of a free-form module as its command. Returns a message for
 * words Ansible would refuse ("extra params") or a string it could not split.
 */
export function moduleArguments(module: { name: string; freeForm?: string }, value: unknown): { params: unknown } | { error: string } {
  if (typeof value !== 'string') return { params: value };
  let parsed: Record<string, string>;
  try {
    parsed = parseKv(value, { freeForm: FREE_FORM_MODULES.has(module.name) });
  } catch (error) {
    if (error instanceof ArgsSyntaxError) return { error: `cannot split the arguments: ${error.message} (quote the whole value)` };
    throw error;
  }
  const { _raw_params: raw, ...params } = parsed;
  if (raw === undefined) return { params };
  // A parameter given as key=value wins over the free words (include_vars: a.yml file=b.yml reads b.yml, as Ansible's action does).
  if (module.freeForm) return { params: { [module.freeForm]: raw, ...params } };
  if (raw.includes('{{')) return { error: `the arguments '${value}' are a template for the whole parameter set, which drover does not take: write the parameters as a mapping` };
  return { error: `'${raw}' is not a key=value parameter (only free-form modules such as command and shell take words without '='); quote values with spaces: key="a b"` };
}
