// Load-time check of task keywords against the engine's keyword table. A
// keyword whose value is checked after templating (it has a rendered schema)
// is checked now when it is written without a template.
import AjvModule, { type ValidateFunction } from 'ajv';
import { HANDLER_KEYWORDS, TASK_KEYWORDS } from '../playbook/keywords.js';
import { containsTemplate } from '../template/index.js';
import { checkKeywordValue } from './keyword-values.js';

const Ajv = AjvModule.default ?? AjvModule;
// validateSchema off: checking our own schemas against JSON Schema's meta-schema cost ~12 ms of
// every start (compiling the meta-schema); test/schemas-of-modules-and-keywords-are-valid.test.ts does it.
const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: false, validateSchema: false });
const validators = new Map<string, ValidateFunction>();

function validatorFor(keyword: string): ValidateFunction | undefined {
  const spec = TASK_KEYWORDS[keyword] ?? HANDLER_KEYWORDS[keyword];
  if (!spec) return undefined;
  let validate = validators.get(keyword);
  if (!validate) {
    validate = ajv.compile(spec.schema);
    validators.set(keyword, validate);
  }
  return validate;
}

/** One message per keyword whose value has the wrong shape. */
export function keywordProblems(keywords: Record<string, unknown>): { keyword: string; message: string }[] {
  const problems: { keyword: string; message: string }[] = [];
  for (const [keyword, value] of Object.entries(keywords)) {
    if (TASK_KEYWORDS[keyword]?.rendered) {
      if (containsTemplate(value) || value === null) continue;
      const checked = checkKeywordValue(keyword, value);
      if ('problem' in checked) problems.push(checked.problem);
      continue;
    }
    const validate = validatorFor(keyword);
    if (validate && !validate(value)) {
      problems.push({ keyword, message: `keyword '${keyword}' ${describeExpected(keyword)}, got ${JSON.stringify(value)}` });
    }
  }
  return problems;
}

function describeExpected(keyword: string): string {
  const schema = (TASK_KEYWORDS[keyword] ?? HANDLER_KEYWORDS[keyword])!.schema as { type?: unknown; anyOf?: { type?: unknown }[]; pattern?: string };
  const types = schema.anyOf ? schema.anyOf.map((s) => s.type ?? 'template') : [schema.type];
  const shown = [...new Set(types.flat().filter(Boolean) as string[])].map((t) => (t === 'array' ? 'list' : t === 'object' ? 'mapping' : t));
  return `must be ${shown.join(' or ')}${schema.pattern && !schema.anyOf ? ` matching ${schema.pattern}` : ''}`;
}
