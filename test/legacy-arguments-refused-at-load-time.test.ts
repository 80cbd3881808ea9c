// What Ansible would refuse or fail on in key=value arguments and boolean
// parameters is refused by drover when the playbook loads, with file:line:col
// and the parameter; nothing is accepted and ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRegistry } from '../modules/registry.js';
import { loadPlaybook } from '../runner/playbook/load.js';
import { InputError } from '../runner/errors.js';

async function problemsOf(tasks: string): Promise<string[]> {
  const dir = await mkdtemp(join(tmpdir(), 'drover-legacy-'));
  try {
    await writeFile(join(dir, 'site.yml'), `- hosts: all\n  tasks:\n${tasks}`);
    await loadPlaybook(join(dir, 'site.yml'), { registry: defaultRegistry });
    return [];
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return error.problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.message}`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

test('a boolean parameter that is none of Ansible\'s boolean words is refused, naming it', async () => {
  const problems = await problemsOf('    - lineinfile: path=/x line=a create=maybe\n');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^3:7 .*module 'lineinfile': parameter 'create' must be a boolean: "maybe" is not one of yes\/no/);
});

test('words without = for a module that is not free-form are refused, as Ansible refuses extra params', async () => {
  const problems = await problemsOf('    - debug: msg=hello world\n');
  assert.equal(problems.length, 1);
  assert.match(problems[0]!, /^3:7 .*module 'debug': 'world' is not a key=value parameter/);
});

test('unbalanced quotes in key=value arguments are refused', async () => {
  const problems = await problemsOf('    - debug: msg="hello\n');
  assert.match(problems[0] ?? '', /^3:7 .*cannot split the arguments/);
});

test('action: with an unknown module names it', async () => {
  const problems = await problemsOf('    - action: nosuchmodule a=b\n');
  assert.match(problems[0] ?? '', /^3:7 .*unknown module 'nosuchmodule' in action/);
});

test('an integer parameter given as digits is accepted, other text is refused', async () => {
  assert.deepEqual(await problemsOf('    - wait_for: path=/x timeout=5\n'), []);
  const problems = await problemsOf('    - wait_for: path=/x timeout=five\n');
  assert.match(problems[0] ?? '', /parameter 'timeout' must/);
});

test('a with_NAME loop or lookup() of a plugin drover does not have is refused at load time, listing what it has', async () => {
  const loop = await problemsOf('    - debug: msg=x\n      with_cartesian: [[1], [2]]\n');
  assert.match(loop[0] ?? '', /^4:7 .*'with_cartesian' loops over the lookup 'cartesian', which drover does not have; drover has with_dict, /);
  const lookup = await problemsOf(`    - debug: msg="{{ lookup('ini', 'x') }}"\n`);
  assert.match(lookup[0] ?? '', /lookup plugin 'ini' is not supported by drover; did you mean '.*'\? \(drover has: dict, env, file/);
});

test('two loops on one task are refused', async () => {
  const problems = await problemsOf('    - debug: msg=x\n      loop: [1]\n      with_items: [2]\n');
  assert.match(problems[0] ?? '', /only one of 'loop', 'with_items' can be given/);
});

test('a loop on a block or an import is refused as Ansible refuses it, instead of being dropped', async () => {
  const block = await problemsOf('    - block:\n        - debug: msg=x\n      loop: [1, 2]\n');
  assert.match(block[0] ?? '', /^5:7 .*'loop' on block is not supported by drover \(Ansible refuses it too/);
  const imported = await problemsOf('    - import_tasks: other.yml\n      with_items: [1]\n');
  assert.match(imported[0] ?? '', /^4:7 .*'with_items' on import_tasks is not supported by drover \(Ansible refuses it too: use include_tasks/);
});

test('play keywords drover does not implement are refused, never accepted and ignored; failure keywords with a value Ansible would not take are refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drover-legacy-'));
  try {
    const play = "- hosts: all\n  max_fail_percentage: 'many'\n  force_handlers: '{{ force }}'\n  module_defaults: { nosuchmodule: {} }\n  order: sorted\n  tasks:\n    - debug: msg=x\n      any_errors_fatal: '{{ fatal }}'\n";
    await writeFile(join(dir, 'site.yml'), play);
    const error = await loadPlaybook(join(dir, 'site.yml'), { registry: defaultRegistry }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof InputError);
    const lines = error.problems.map((p) => `${p.location?.line} ${p.message}`);
    assert.ok(lines.some((l) => l.startsWith('2 ') && l.includes('max_fail_percentage must be a number or a percentage')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('3 ') && l.includes('force_handlers must be true or false')), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('4 ') && l.includes("module_defaults: 'nosuchmodule' is not a module drover has")), lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('5 ') && l.includes("order 'sorted' is not supported")));
    assert.ok(lines.some((l) => l.startsWith('8 ') && l.includes('any_errors_fatal')), lines.join('\n'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
