// runner/playbook/kv-args.ts against ansible-core 2.14's own parse_kv on the
// same strings (quotes, escapes, Jinja blocks kept whole, free-form options,
// unbalanced input), recorded by scripts/record-kv-parsing.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ArgsSyntaxError, parseKv } from '../runner/playbook/kv-args.js';

interface Recorded {
  text: string;
  freeForm: boolean;
  result?: Record<string, string>;
  error?: string;
}

const cases = JSON.parse(readFileSync('test/fixtures/legacy-syntax/expected-kv-parsing.json', 'utf8')) as Recorded[];

for (const c of cases) {
  test(`parse_kv${c.freeForm ? ' (free form)' : ''} ${JSON.stringify(c.text)}`, () => {
    if (c.error !== undefined) assert.throws(() => parseKv(c.text, { freeForm: c.freeForm }), ArgsSyntaxError);
    else assert.deepEqual(parseKv(c.text, { freeForm: c.freeForm }), c.result);
  });
}
