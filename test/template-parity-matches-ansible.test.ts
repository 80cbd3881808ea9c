// The template parity corpus (test/fixtures/template-parity): every file in
// templates/ rendered by drover must be byte-identical to what Ansible 2.14's
// template module wrote for it (recorded in expected/ by
// scripts/record-template-parity.sh), with the same vars and the same include
// search path. A template Ansible could not render (an include-only helper
// with its loop variable missing) has no recording and must fail in drover too.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { renderText, Scope, UndefinedVariableError } from '../runner/template/index.js';

const root = join(import.meta.dirname, 'fixtures', 'template-parity');
const templates = join(root, 'templates');
const vars = parse(readFileSync(join(root, 'vars.yml'), 'utf8')) as Record<string, unknown>;
const scope = new Scope([{ source: 'vars.yml', vars: { ...vars, playbook_dir: root } }]);
const loader = {
  read(name: string): { text: string; path: string } | null {
    for (const dir of [join(root, 'templates'), root]) {
      const path = join(dir, name);
      if (existsSync(path)) return { text: readFileSync(path, 'utf8'), path };
    }
    return null;
  },
};

describe('template parity with Ansible 2.14', () => {
  const names = readdirSync(templates).sort();
  it('covers at least 60 templates', () => assert.ok(names.length >= 60, `${names.length} templates`));
  for (const name of names) {
    it(name, () => {
      const text = readFileSync(join(templates, name), 'utf8');
      const expectedPath = join(root, 'expected', name);
      if (!existsSync(expectedPath)) {
        assert.throws(() => renderText(text, scope, name, { loader }), UndefinedVariableError);
        return;
      }
      assert.equal(JSON.stringify(renderText(text, scope, name, { loader })), JSON.stringify(readFileSync(expectedPath, 'utf8')));
    });
  }
});
