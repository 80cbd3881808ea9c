// The few operations on playbook values that templates and expressions share.
// Values are plain data (YAML, JSON facts, registered results): strings,
// numbers, booleans, null, arrays and plain objects. Member access goes
// through `getMember` only, which reads own data properties and nothing
// inherited, so no template can reach a prototype, a constructor or a method.
import { TemplateError } from './errors.js';

/** What a lookup returns when a name or member does not exist. */
export const MISSING: unique symbol = Symbol('missing');
export type Missing = typeof MISSING;

/** Where the names in templates and expressions come from: a Scope, or a block inside a template. */
export interface Names {
  /** The value of a top-level name, already rendered; MISSING when it is not defined. */
  resolve(name: string): unknown;
}

/** Names that never resolve, even as own keys: no path to prototypes. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/** A YAML/JSON mapping: a plain object, not an array, Date, Buffer or class instance. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `a.b`, `a[0]`, `a['b']`, `text[-1]`: own data only; MISSING otherwise. */
export function getMember(container: unknown, key: unknown): unknown {
  if (typeof key === 'number' || (typeof key === 'string' && /^-?\d+$/.test(key))) {
    const index = Number(key);
    if (Array.isArray(container) || typeof container === 'string') {
      const i = index < 0 ? container.length + index : index;
      return Number.isInteger(i) && i >= 0 && i < container.length ? container[i] : MISSING;
    }
  }
  if (typeof key !== 'string' && typeof key !== 'number') return MISSING;
  const name = String(key);
  if (FORBIDDEN.has(name)) return MISSING;
  // `length` of a list or text is what Handlebars authors write ({{ list.length }}).
  if (name === 'length' && (Array.isArray(container) || typeof container === 'string')) return container.length;
  if (!isMapping(container) || !Object.hasOwn(container, name)) return MISSING;
  // Own getters are drover's (the engine's lazy `hostvars`): data from YAML or
  // JSON never has them. A function is not data and is never handed out.
  const value = container[name];
  return typeof value === 'function' ? MISSING : value;
}

/** Define an own property, even one named `__proto__`, without touching prototypes. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** The playbook author's name for a value's type, for messages. */
export function typeName(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (Array.isArray(value)) return 'list';
  if (isMapping(value)) return 'dict';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'number' || typeof value === 'bigint') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'object';
}

/** `a list`, `a dict`, `none`: a value's type as a message says it. */
export function aType(value: unknown): string {
  const name = typeName(value);
  return name === 'none' ? 'none' : `a ${name}`;
}

/**
 * Truthiness, one rule for conditions, `and`/`or`/`not`, `{% if %}`, select and
 * ternary: Python's bool(), as Jinja and Ansible's conditionals read a value.
 * Text is true when it is not empty: `when: mode` with mode "no" holds, as in
 * ansible-core 2.14 (a YAML `no` unquoted is the boolean false instead).
 */
export function truthy(value: unknown): boolean {
  if (typeof value === 'string') return value.length > 0;
  if (typeof value === 'number') return value !== 0 && !Number.isNaN(value);
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return value !== null && value !== undefined && value !== false;
}

/** Text of a value in a rendered string: lists and dicts as compact JSON, none as nothing. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return toJson(value);
}

export function toJson(value: unknown, indent?: number, sortKeys = false): string {
  try {
    const replacer = sortKeys ? sortedKeysReplacer : undefined;
    return JSON.stringify(value, replacer, indent) ?? 'null';
  } catch (error) {
    throw new TemplateError(`cannot convert ${aType(value)} to JSON (${(error as Error).message})`);
  }
}

function sortedKeysReplacer(_key: string, value: unknown): unknown {
  if (!isMapping(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) setOwn(sorted, key, value[key]);
  return sorted;
}

/** Structural equality, as Python's == on lists and dicts. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isMapping(a) && isMapping(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** Order two values: numbers with numbers, text with text, lists item by item. */
export function compareValues(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      const c = compareValues(a[i], b[i]);
      if (c !== 0) return c;
    }
    return a.length - b.length;
  }
  throw new TemplateError(`cannot compare ${aType(a)} with ${aType(b)}`);
}

/** Python's `item in container`: substring, list member, dict key. */
export function contains(container: unknown, item: unknown): boolean {
  if (typeof container === 'string') {
    if (typeof item !== 'string') throw new TemplateError(`'in <string>' needs a string on the left, got ${aType(item)}`);
    return container.includes(item);
  }
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (isMapping(container)) return (typeof item === 'string' || typeof item === 'number') && getMember(container, String(item)) !== MISSING;
  throw new TemplateError(`cannot look for a value in ${aType(container)}`);
}

/** Items of a list, characters of text, keys of a dict: what `for x in value` would visit. */
export function iterate(value: unknown, what: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isMapping(value)) return Object.keys(value);
  throw new TemplateError(`${what} needs a list, got ${aType(value)}`);
}
