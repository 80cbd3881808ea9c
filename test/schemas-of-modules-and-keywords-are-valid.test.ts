// Every module's parameter schema and every keyword's schemas (as written and
// as rendered) are valid JSON Schema: checked here against the meta-schema,
// with the options the run-time validators use, because those validators
// skip that check to keep it out of drover's start-up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import AjvModule from 'ajv';
import { MODULES } from '../modules/registry.js';
import { HANDLER_KEYWORDS, TASK_KEYWORDS } from '../runner/playbook/keywords.js';

const Ajv = AjvModule.default ?? AjvModule;

test('every module parameter schema is valid JSON Schema and compiles in strict mode', () => {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, allowUnionTypes: true, strict: true, strictRequired: false });
  assert.ok(MODULES.length > 40);
  for (const module of MODULES) {
    assert.equal(ajv.validateSchema(module.schema), true, `${module.name}: ${ajv.errorsText(ajv.errors)}`);
    assert.doesNotThrow(() => ajv.compile(module.schema), module.name);
  }
});

test('every keyword schema, as written and as rendered, is valid JSON Schema and compiles', () => {
  const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, strict: false });
  const specs = Object.entries({ ...TASK_KEYWORDS, ...HANDLER_KEYWORDS });
  assert.ok(specs.length > 30);
  for (const [keyword, spec] of specs) {
    for (const schema of [spec.schema, ...(spec.rendered ? [spec.rendered.schema] : [])]) {
      assert.equal(ajv.validateSchema(schema), true, `${keyword}: ${ajv.errorsText(ajv.errors)}`);
      assert.doesNotThrow(() => ajv.compile(schema), keyword);
    }
  }
});

test('an invalid schema is caught by this check (it is not vacuous)', () => {
  const ajv = new Ajv({ allErrors: true });
  assert.equal(ajv.validateSchema({ type: 'strin' }), false);
});
