// Keyword values after templating: Ansible's conversions (boolean(), int(),
// text), then the keyword table's rendered schema (ajv, every error at once).
// Used per host and item by the engine, and at load time for values written
// without a template, so `retries: three` is refused before anything runs.
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { TASK_KEYWORDS } from '../playbook/keywords.js';
import type { Schema } from '../schema.js';
import { ansibleBoolean } from './coerce.js';

const Ajv = AjvModule.default ?? AjvModule;
// validateSchema off: checking our own schemas against JSON Schema's meta-schema cost ~12 ms of
// every start (compiling the meta-schema); test/schemas-of-modules-and-keywords-are-valid.test.ts does it.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: false, validateSchema: false });
const validators = new Map<string, ValidateFunction>();

/** Python's int() on a keyword value: integers and whole-number text; a fraction is cut (int(2.5) is 2). */
function ansibleInt(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === 'string' && /^\s*[-+]?[0-9]+\s*$/.test(value)) return Number(value);
  return undefined;
}

function ansibleNumber(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && /^\s*[-+]?([0-9]+\.?[0-9]*|\.[0-9]+)\s*$/.test(value)) return Number(value);
  return undefined;
}

/** Text as Python's str() gives it for a scalar (True, not true). */
function text(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return value;
}

const CONVERSIONS: Partial<Record<string, { convert: (v: unknown) => unknown; expected: string }>> = {
  boolean: { convert: ansibleBoolean, expected: 'a boolean (true/false, yes/no, on/off, 1/0)' },
  integer: { convert: ansibleInt, expected: 'a whole number' },
  number: { convert: ansibleNumber, expected: 'a number' },
};

/** The value converted as Ansible would, or a message saying what was expected. */
function convert(value: unknown, schema: Schema): { value: unknown } | { expected: string } {
  const type = typeof schema.type === 'string' ? schema.type : undefined;
  const conversion = type ? CONVERSIONS[type] : undefined;
  if (conversion) {
    const converted = conversion.convert(value);
    return converted === undefined ? { expected: conversion.expected } : { value: converted };
  }
  if (type === 'string') return { value: text(value) };
  if (type === 'object' && typeof schema.additionalProperties === 'object' && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const inner = schema.additionalProperties;
    return { value: Object.fromEntries(Object.entries(value).map(([k, v]) => [k, inner.type === 'string' ? text(v) : v])) };
  }
  return { value };
}

function validatorFor(keyword: string, schema: Schema): ValidateFunction {
  let validate = validators.get(keyword);
  if (!validate) {
    validate = ajv.compile(schema);
    validators.set(keyword, validate);
  }
  return validate;
}

const WORDS: Record<string, string> = { array: 'a list', object: 'a mapping', string: 'a string' };

function describe(error: ErrorObject): string {
  if (error.keyword === 'type') return `must be ${WORDS[String(error.params.type)] ?? String(error.params.type)}`;
  if (error.keyword === 'enum') return `must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')}`;
  return error.instancePath ? `${error.instancePath.slice(1).replace(/\//g, '.')} ${error.message}` : `${error.message}`;
}

export interface KeywordValueProblem {
  keyword: string;
  message: string;
}

/** What a rendered (or literal) keyword value converts to, or why it is refused. */
export function checkKeywordValue(keyword: string, value: unknown): { value: unknown } | { problem: KeywordValueProblem } {
  const rendered = TASK_KEYWORDS[keyword]?.rendered;
  if (!rendered) return { value };
  const shown = JSON.stringify(value) ?? String(value);
  const converted = convert(value, rendered.schema);
  if ('expected' in converted) return { problem: { keyword, message: `keyword '${keyword}' must be ${converted.expected}, got ${shown}` } };
  const validate = validatorFor(keyword, rendered.schema);
  if (!validate(converted.value)) {
    const reasons = [...new Set((validate.errors ?? []).map(describe))].join(', ');
    return { problem: { keyword, message: `keyword '${keyword}' ${reasons}, got ${shown}` } };
  }
  return { value: rendered.seconds ? (converted.value as number) * 1000 : converted.value };
}
