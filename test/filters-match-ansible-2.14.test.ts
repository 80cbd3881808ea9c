// Every filter, test and Python method case recorded from ansible-core 2.14 by
// scripts/record-filter-parity.ts (test/fixtures/filter-parity/): drover's
// value must equal Ansible's, and where Ansible fails drover must fail too.
// A case drover does not support must be refused with an error, never answered
// differently: REFUSED names each with the reason.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { evaluateExpression, Scope, TemplateError } from '../runner/template/index.js';

interface Recorded {
  expr: string;
  vars: Record<string, unknown>;
  /** Ansible's value as JSON (to_json), when it has one. */
  json?: string;
  /** to_json failed (a datetime, bytes) but the value rendered. */
  jsonError?: string;
  /** Ansible's str() rendering of the value inside a longer string. */
  str?: string;
  type?: string;
  /** Ansible failed: drover must fail too. */
  error?: string;
}

const recorded = JSON.parse(readFileSync('test/fixtures/filter-parity/expected.json', 'utf8')) as {
  vars: Record<string, unknown>;
  cases: Recorded[];
};

/** Cases drover refuses with an error where Ansible gives a value, and why. */
const REFUSED: Record<string, string> = {
  "'<a href=\"x\">&</a>' | e": 'Markup escaping: Ansible does not autoescape, drover has no Markup type',
  "'<a>' | escape": 'Markup escaping',
  "'x' is escaped": 'Markup values do not exist in drover',
  "'abc'.encode('utf-8') | type_debug": 'bytes values do not exist in drover',
};

const play = new Scope([{ source: 'play vars', vars: { ...recorded.vars, inventory_hostname: 'localhost' } }]);

/** The value as JSON sees it: tuples are lists, and no undefined members. */
function plain(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value) ?? 'null') as unknown;
}

describe('filters, tests and methods give ansible-core 2.14 results', () => {
  it(`has at least 300 recorded cases (${recorded.cases.length})`, () => {
    assert.ok(recorded.cases.length >= 300);
  });
  for (const c of recorded.cases) {
    it(c.expr + (Object.keys(c.vars).length > 0 ? ` with ${JSON.stringify(c.vars)}` : ''), () => {
      const scope = play.with({ source: 'task vars', vars: c.vars });
      const run = (): unknown => evaluateExpression(c.expr, scope);
      if (c.error !== undefined || Object.hasOwn(REFUSED, c.expr)) {
        assert.throws(run, (error: unknown) => error instanceof TemplateError, `Ansible: ${c.error ?? 'a value'}`);
        return;
      }
      const value = run();
      if (c.json !== undefined) assert.deepEqual(plain(value), JSON.parse(c.json));
      else if (c.str !== undefined && typeof value === 'string') assert.equal(value, c.str);
    });
  }
});
