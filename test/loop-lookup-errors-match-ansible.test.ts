// The words of a failing with_NAME loop and of a filter or test named by a
// value that does not exist, as ansible-core 2.14 gives them
// (test/fixtures/legacy-syntax/lookup-errors.yml, recorded by
// scripts/record-ansible-parity.ts into expected-lookup-errors.json): the
// plugin's own message is the task's whole msg, also as
// ansible_failed_result.msg in a rescue; a mapping is not a list for
// with_indexed_items; the template module says TemplateSyntaxError:
// Could not load "NAME": ... (drover adds where, after Ansible's words).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomesOf, runParity, type TaskOutcome } from './support/parity.js';

/** Ansible's TemplateSyntaxError ends in `\n  line 0`; drover says where instead, after the same words. */
function withoutWhere(o: TaskOutcome): TaskOutcome {
  if (o.error?.startsWith('TemplateSyntaxError: ')) return { ...o, error: o.error.replace(/\n  line 0$/, '').replace(/ at column \d+ in [^]*$/, '') };
  return o;
}

test('with_NAME plugin errors and missing filters or tests named by a value fail in Ansible\'s words', async () => {
  const want = JSON.parse(await readFile('test/fixtures/legacy-syntax/expected-lookup-errors.json', 'utf8')) as { first: TaskOutcome[] };
  const root = await mkdtemp(join(tmpdir(), 'drover-lookup-errors-'));
  try {
    const run = await runParity('lookup-errors.yml', root);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(outcomesOf(run).map(withoutWhere), want.first.map(withoutWhere));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
