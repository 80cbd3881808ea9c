// Parameter values converted to the type the module's schema asks for, as
// Ansible's argument spec does (module_utils/common/validation.py) before
// checking: `update_cache=yes` and `force: "True"` are booleans, `retries='5'`
// an integer, `name=a,b` a list. A value the schema already accepts is left
// alone, so `mode=0700` stays the string '0700' where mode takes strings.
import { pyStr } from '../template/python-text.js';
import type { Schema } from '../schema.js';

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/** The boolean words Ansible accepts, for messages. */
export const BOOLEAN_WORDS = "yes/no, true/false, on/off, y/n, t/f, 1/0";

/** Ansible's boolean(value, strict=True); undefined when the value is none of its words. */
export function ansibleBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const word = value.trim().toLowerCase();
  return TRUE.has(word) ? true : FALSE.has(word) ? false : undefined;
}

type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object' | 'null';

/** The JSON types a property schema allows (through type, anyOf, oneOf); null when any. */
function allowedTypes(schema: Schema | undefined): Set<JsonType> | null {
  if (schema === undefined || typeof schema !== 'object') return null;
  const s = schema as { type?: JsonType | JsonType[]; anyOf?: Schema[]; oneOf?: Schema[]; enum?: unknown[] };
  if (s.type !== undefined) return new Set(Array.isArray(s.type) ? s.type : [s.type]);
  const branches = s.anyOf ?? s.oneOf;
  if (branches) {
    const types = new Set<JsonType>();
    for (const branch of branches) {
      const inner = allowedTypes(branch);
      if (inner === null) return null;
      inner.forEach((t) => types.add(t));
    }
    return types;
  }
  if (s.enum) return new Set(s.enum.map(jsonType));
  return null;
}

function jsonType(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function accepts(types: Set<JsonType>, value: unknown): boolean {
  const type = jsonType(value);
  return types.has(type) || (type === 'integer' && types.has('number'));
}

export interface CoercionProblem {
  param: string;
  message: string;
}

/** A value of the wanted type, or undefined when Ansible could not convert it either. */
function convert(types: Set<JsonType>, value: unknown): { value: unknown } | undefined {
  if (types.has('boolean')) {
    const b = ansibleBoolean(value);
    if (b !== undefined) return { value: b };
  }
  if ((types.has('integer') || types.has('number')) && typeof value === 'string') {
    // Python's int(): optional sign, digits with single underscores, surrounding spaces.
    if (/^\s*[+-]?\d+(_\d+)*\s*$/.test(value)) return { value: Number(value.replace(/_/g, '')) };
    if (types.has('number') && /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(value)) return { value: Number(value) };
  }
  if (types.has('number') && typeof value === 'boolean') return undefined;
  if (types.has('array') && (typeof value === 'string' || typeof value === 'number')) {
    // check_type_list: "a,b" -> ['a', 'b']; a number becomes a one-item list of its text.
    return { value: typeof value === 'string' ? value.split(',') : [String(value)] };
  }
  if (types.has('string') && typeof value === 'number') return { value: String(value) };
  // check_type_str: Ansible writes a boolean given for a string as Python's 'True'/'False', silently
  // (`creates: yes` is the path 'True'); drover does the same and warns (coerceParams' notes).
  if (types.has('string') && typeof value === 'boolean') return { value: value ? 'True' : 'False' };
  // check_type_str: a list or dict given for a string (a template that rendered to one) becomes its Python str().
  if (types.size === 1 && types.has('string') && typeof value === 'object' && value !== null) return { value: pyStr(value) };
  return undefined;
}

/**
 * Convert, in place, every top-level parameter whose value the schema does not
 * accept but Ansible would convert. Values that still hold a template are left
 * for run time. A boolean turned into text is said in `notes` (the Norway problem: `name: no`
 * is the user 'False', as in Ansible, so the user is told). A string that should be a boolean and is none of Ansible's
 * boolean words is a problem named here (ajv would only say "must be boolean").
 */
export function coerceParams(schema: Schema, params: Record<string, unknown>, notes: string[] = []): CoercionProblem[] {
  const properties = (schema as { properties?: Record<string, Schema> }).properties ?? {};
  const problems: CoercionProblem[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (!Object.hasOwn(properties, name) || value === undefined || (typeof value === 'string' && value.includes('{{'))) continue;
    const types = allowedTypes(properties[name]);
    if (types === null || accepts(types, value)) continue;
    const converted = convert(types, value);
    if (converted !== undefined) {
      if (typeof value === 'boolean' && typeof converted.value === 'string') {
        notes.push(`parameter '${name}' is the boolean ${value}, used as the text '${converted.value}' as Ansible does; quote the value if you meant a word like "${value ? 'yes' : 'no'}"`);
      }
      params[name] = converted.value;
    }
    else if (types.has('boolean') && types.size === 1 && (typeof value === 'string' || typeof value === 'number')) {
      problems.push({ param: name, message: `parameter '${name}' must be a boolean: ${JSON.stringify(value)} is not one of ${BOOLEAN_WORDS}` });
    }
  }
  return problems;
}
