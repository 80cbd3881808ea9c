// The template module and lookup as ansible-core 2.14 runs them
// (test/fixtures/legacy-syntax/template-module.yml, recorded by
// scripts/record-ansible-parity.ts into expected-template-module.json):
// ansible_managed, template_path, template_destpath, template_fullpath,
// template_uid and template_host while a file renders (and in the lookup,
// without a destination); a `#jinja2:` line_statement_prefix header; a header
// without a colon failing the task when it runs, where a rescue and
// ignore_errors handle it (the playbook loads); a lookup term written with a
// template rendered again; mode=preserve. Run twice: the second run changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomesOf, runParity, treeOf, type TaskOutcome } from './support/parity.js';

// Ansible's template action puts the exception's type before the text ("AnsibleError: ");
// drover says where instead (the template's file:line:col). The words between are the same.
const HEADER_ERROR = "failed to parse jinja2 override 'lstrip_blocks=True'. Did you use something different from colon as key-value separator?";
const withoutFraming = (text: unknown): string => String(text).replace(/^AnsibleError: /, '').replace(/ in \S*bad-header\.j2:1:1$/, '');

function compare(got: TaskOutcome[], want: TaskOutcome[]): void {
  assert.deepEqual(got.map((o) => o.name), want.map((o) => o.name));
  got.forEach((o, i) => {
    const expected = want[i]!;
    const framed = (x: TaskOutcome) => ({ ...x, ...(x.error === undefined ? {} : { error: withoutFraming(x.error) }), ...(x.msg === undefined ? {} : { msg: typeof x.msg === 'string' ? withoutFraming(x.msg) : x.msg }) });
    assert.deepEqual(framed(o), framed(expected), o.name);
  });
  assert.ok(want.some((o) => o.error !== undefined && withoutFraming(o.error) === HEADER_ERROR), 'the recording has the header error');
}

test('the template module and lookup render, fail and preserve modes as Ansible does, twice', async () => {
  const want = JSON.parse(await readFile('test/fixtures/legacy-syntax/expected-template-module.json', 'utf8')) as { first: TaskOutcome[]; second: TaskOutcome[]; tree: unknown };
  const root = await mkdtemp(join(tmpdir(), 'drover-template-module-'));
  try {
    const first = await runParity('template-module.yml', root);
    assert.equal(first.code, 0, first.stderr);
    compare(outcomesOf(first), want.first);
    compare(outcomesOf(await runParity('template-module.yml', root)), want.second);
    assert.deepEqual(treeOf(root), want.tree);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
