// Module parameters: free-form strings and Ansible aliases normalised, then
// checked by ajv against the module's schema. Errors read as sentences that
// name the parameter, never as ajv's internal paths.
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { closest } from 'fastest-levenshtein';
import type { AnyModule } from '../module-api.js';
import { FREE_FORM_MODULES, parseKv } from '../playbook/kv-args.js';
import { coerceParams } from './coerce.js';
import { insteadOf } from './instead.js';
import type { Unsupported } from '../errors.js';

// ajv ships CommonJS; its default export is the class under ESM interop.
const Ajv = AjvModule.default ?? AjvModule;

// validateSchema off: checking our own schemas against JSON Schema's meta-schema cost ~12 ms of
// every start (compiling the meta-schema); test/schemas-of-modules-and-keywords-are-valid.test.ts does it.
const ajv = new Ajv({ allErrors: true, useDefaults: true, allowUnionTypes: true, strict: true, strictRequired: false, validateSchema: false });
const compiled = new WeakMap<AnyModule, ValidateFunction>();

function validatorFor(module: AnyModule): ValidateFunction {
  let validate = compiled.get(module);
  if (!validate) {
    validate = ajv.compile(module.schema);
    compiled.set(module, validate);
  }
  return validate;
}

/**
 * Turn the task's value for the module key (plus `args:`, which it overrides,
 * as in Ansible) into a parameter object. A string is `key=value` words
 * (see kv-args.ts); for a free-form module the other words are the command.
 */
export function normaliseParams(module: AnyModule, value: unknown, args: Record<string, unknown> = {}): Record<string, unknown> {
  let params: Record<string, unknown>;
  if (value === null || value === undefined) params = {};
  else if (typeof value === 'string' && module.freeForm) params = freeFormParams(module, module.freeForm, value);
  else if (typeof value === 'object' && !Array.isArray(value)) params = { ...(value as Record<string, unknown>) };
  else params = { __value: value };
  params = { ...args, ...params };
  for (const [alias, canonical] of Object.entries(module.paramAliases ?? {})) {
    if (alias in params && !(canonical in params)) {
      params[canonical] = params[alias];
      delete params[alias];
    }
  }
  return params;
}

/** "ls -l /tmp chdir=/srv creates=/x": Ansible's options come out of the string, the other words are the command. */
function freeFormParams(module: AnyModule, key: string, text: string): Record<string, unknown> {
  const { _raw_params: raw, ...options } = parseKv(text, { freeForm: FREE_FORM_MODULES.has(module.name) });
  // A parameter given as key=value wins over the free words (include_vars: a.yml file=b.yml reads b.yml, as Ansible's action does).
  return { [key]: raw ?? '', ...options };
}

export interface ParamProblem {
  /** The parameter concerned ('' for the whole object). */
  param: string;
  message: string;
  /** A missing required parameter: Ansible fails the task when it runs, with 'missing required arguments'. */
  missing?: true;
  /** A parameter, or a value of one, that drover's module does not take (Ansible's may): for `drover compat`. */
  unsupported?: Unsupported;
}

/**
 * The failure of a task whose parameters are wrong at run time. When all that is wrong is missing
 * required parameters, it is Ansible's message word for word (a playbook may test it: file's
 * integration target does); otherwise drover's sentences, which name the module.
 */
export function paramFailureMessage(module: AnyModule, problems: ParamProblem[]): string {
  if (problems.every((p) => p.missing && !p.param.includes('.'))) return `missing required arguments: ${problems.map((p) => p.param).sort().join(', ')}`;
  return `module '${module.name}': ${problems.map((p) => p.message).join('; ')}`;
}

/** Validate in place (defaults are filled in). Returns every problem at once; conversions worth a warning go to `notes`. */
export function validateParams(module: AnyModule, params: Record<string, unknown>, notes: string[] = []): ParamProblem[] {
  if ('__value' in params) {
    return [{ param: '', message: `expects a mapping of parameters${module.freeForm ? ' or a string' : ''}, got ${describe(params.__value)}` }];
  }
  const coercion = coerceParams(module.schema, params, notes);
  const validate = validatorFor(module);
  if (validate(params) && coercion.length === 0) return [];
  const failed = new Set(coercion.map((p) => p.param));
  const problems = (validate.errors ?? []).map((e) => explain(module, e)).filter((p): p is ParamProblem => p !== null && !failed.has(p.param));
  return dedupe([...coercion, ...problems]);
}

/**
 * At load time values may still be templates ("{{ port }}"): their type is
 * known only per host. Problems about such values (or anything inside them)
 * wait for run time; every other problem is reported now.
 */
export function loadTimeParamProblems(module: AnyModule, params: Record<string, unknown>): ParamProblem[] {
  if ('__value' in params && isTemplate(params.__value)) return [];
  const copy = structuredClone(params);
  if ('__value' in copy) return validateParams(module, copy);
  const coercion = coerceParams(module.schema, copy);
  const validate = validatorFor(module);
  if (validate(copy) && coercion.length === 0) return [];
  const failed = new Set(coercion.map((p) => p.param));
  const errors = (validate.errors ?? []).filter((e) => !underTemplate(params, e.instancePath));
  const problems = errors.map((e) => explain(module, e)).filter((p): p is ParamProblem => p !== null && !failed.has(p.param));
  return dedupe([...coercion, ...problems]);
}

function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && value.includes('{{');
}

function underTemplate(params: unknown, instancePath: string): boolean {
  let value = params;
  for (const part of instancePath.split('/').slice(1)) {
    if (isTemplate(value)) return true;
    value = (value as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isTemplate(value);
}

function explain(module: AnyModule, error: ErrorObject): ParamProblem | null {
  // Errors inside a oneOf/anyOf branch only say why that branch did not fit; the oneOf error says it better.
  if (/\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath)) return null;
  const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const known = Object.keys((module.schema as { properties?: object }).properties ?? {});
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = (error.params as { additionalProperty: string }).additionalProperty;
      const full = path ? `${path}.${name}` : name;
      const near = !path && known.length ? closest(name, known) : undefined;
      const hint = near === undefined ? '' : `; did you mean '${near}'?`;
      const instead = insteadOf(name, near, `drover doc ${module.name} lists its parameters`);
      return { param: full, message: `unknown parameter '${full}'${hint}`, unsupported: { kind: 'parameter', name: `${module.name}: ${full}`, instead } };
    }
    case 'required': {
      const name = (error.params as { missingProperty: string }).missingProperty;
      const full = path ? `${path}.${name}` : name;
      return { param: full, message: `missing required parameter '${full}'`, missing: true };
    }
    case 'type':
      return { param: path, message: `parameter '${path}' must be ${(error.params as { type: string | string[] }).type.toString().replace(',', ' or ')}` };
    case 'enum': {
      const allowed = (error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ');
      const unsupported = { kind: 'parameter', name: `${module.name}: ${path}`, instead: `one of ${allowed}` } as const;
      return { param: path, message: `parameter '${path}' must be one of ${allowed}`, unsupported };
    }
    case 'oneOf':
    case 'anyOf':
      return { param: path, message: oneOfMessage(module, path) };
    case 'if':
    case 'not':
      return null;
    default:
      return { param: path, message: `parameter '${path || '(all)'}' ${error.message ?? 'is invalid'}` };
  }
}

/** oneOf at the top is how modules say "exactly one of these": name them. */
function oneOfMessage(module: AnyModule, path: string): string {
  const schema = module.schema as { oneOf?: { required?: string[] }[] };
  const choices = (schema.oneOf ?? []).flatMap((s) => s.required ?? []);
  if (!path && choices.length) return `exactly one of ${choices.map((c) => `'${c}'`).join(', ')} is required`;
  return `parameter '${path}' does not match any allowed form`;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'a list' : `${typeof value} ${JSON.stringify(value)}`;
}

function dedupe(problems: ParamProblem[]): ParamProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.message) && seen.add(p.message));
}
