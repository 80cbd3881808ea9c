// The template parity corpus (test/fixtures/template-parity): every file in
// templates/ rendered by drover must be byte-identical to what Ansible 2.14's
// template module wrote for it (recorded in expected/ by
// scripts/record-template-parity.sh), with the same vars, the same module
// parameters (params.yml), the variables the template module adds
// (ansible_managed, template_path...) and the same include search path. A
// template Ansible could not render (an include-only helper with its loop
// variable missing, a #jinja2: header without a colon) has no recording and
// must fail in drover too, with the same kind of error.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { AnsibleRunTimeError, renderText, Scope, UndefinedVariableError } from '../runner/template/index.js';
import { ansibleTemplateVars } from '../runner/template/template-vars.js';
import { templateSyntax, type TemplateJinjaParams } from '../modules/template.js';

const root = join(import.meta.dirname, 'fixtures', 'template-parity');
const templates = join(root, 'templates');
const vars = parse(readFileSync(join(root, 'vars.yml'), 'utf8')) as Record<string, unknown>;
const { params } = parse(readFileSync(join(root, 'params.yml'), 'utf8')) as { params: Record<string, TemplateJinjaParams> };
const scope = new Scope([{ source: 'vars.yml', vars: { ...vars, playbook_dir: root } }]);
/** What Ansible refused to render, by the error drover must refuse it with (UndefinedVariableError for the rest). */
const REFUSED: Record<string, typeof UndefinedVariableError | typeof AnsibleRunTimeError> = { 'override_separator.j2': AnsibleRunTimeError };
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
      const path = join(templates, name);
      const text = readFileSync(path, 'utf8');
      const names = scope.with({ source: 'template vars', vars: ansibleTemplateVars(path, path, null), verbatim: true });
      const render = () => renderText(text, names, name, { loader, syntax: templateSyntax(params[name] ?? {}) });
      const expectedPath = join(root, 'expected', name);
      if (!existsSync(expectedPath)) {
        assert.throws(render, REFUSED[name] ?? UndefinedVariableError);
        return;
      }
      assert.equal(JSON.stringify(render()), JSON.stringify(readFileSync(expectedPath, 'utf8')));
    });
  }
});
