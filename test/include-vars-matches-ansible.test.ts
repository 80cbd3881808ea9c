// include_vars as ansible-core 2.14 does it (test/fixtures/legacy-syntax/
// include-vars.yml, recorded by scripts/record-ansible-parity.ts into
// expected-include-vars.json): files from a role's vars/ and the playbook's,
// with_first_found and lookup('first_found') in the role, directories in
// sorted walk order with depth, files_matching, ignore_files, extensions and
// name, values templated when used, and include_vars' precedence (above role
// and task vars, below set_fact), kept across plays and seen in hostvars.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomesOf, runParity, type TaskOutcome } from './support/parity.js';

// Ansible puts these failures under `message`, which the recorder does not keep (it records msg);
// their text names absolute paths, so drover's is checked by its shape. Text for depth fails in
// both, Ansible's with a Python TypeError, drover's saying what to write.
const MESSAGES: Record<string, RegExp> = {
  'depth as text fails': /^depth must be a number, got the text '1'/,
  'an unknown extension fails the task': /\/roles\/iv\/vars\/conf\.d\/README does not have a valid extension: yaml, yml, json$/,
  'a list is refused': /\/roles\/iv\/vars\/list\.yml must be stored as a dictionary\/hash$/,
  'a missing file fails': /could not find 'not-there\.yml'/,
};

function compare(got: TaskOutcome[], want: TaskOutcome[]): void {
  assert.deepEqual(got.map((o) => o.name), want.map((o) => o.name));
  got.forEach((o, i) => {
    const expected = want[i]!;
    if (MESSAGES[o.name]) {
      assert.equal(o.status, 'failed', o.name);
      assert.equal(expected.status, 'failed', o.name);
      assert.match(o.error ?? '', MESSAGES[o.name]!, o.name);
    } else assert.deepEqual(o, expected);
  });
}

test('include_vars loads, names and ranks variables as Ansible does, in a role and in the play, twice', async () => {
  const want = JSON.parse(await readFile('test/fixtures/legacy-syntax/expected-include-vars.json', 'utf8')) as { first: TaskOutcome[]; second: TaskOutcome[] };
  const root = await mkdtemp(join(tmpdir(), 'drover-include-vars-'));
  try {
    const first = await runParity('include-vars.yml', root);
    assert.equal(first.code, 0, first.stderr);
    compare(outcomesOf(first), want.first);
    compare(outcomesOf(await runParity('include-vars.yml', root)), want.second);
    // include_vars runs on the controller, so --check changes nothing about it: Ansible's recap
    // under --check is the same as without (ok=36 skipped=1 ignored=5), and so are drover's outcomes.
    compare(outcomesOf(await runParity('include-vars.yml', root, {}, ['--check'])), want.first);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
