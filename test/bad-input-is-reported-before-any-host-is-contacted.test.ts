// Bad input: exact messages with file:line:col, exit code 5, and no host
// contacted (the inventory points at a closed port: reaching it would be exit 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDrover } from './support/cli.js';

const fixture = (name: string) => `test/fixtures/bad/${name}`;
const run = (playbook: string) => runDrover(['run', fixture(playbook), '-i', fixture('hosts.ini'), '--output', 'plain']);

test('a YAML syntax error names file:line:col and shows the offending line', async () => {
  const r = await run('yaml-syntax.yml');
  assert.equal(r.code, 5);
  assert.equal(
    r.stderr,
    'ERROR! test/fixtures/bad/yaml-syntax.yml:6:5: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]\n' +
      '      - debug: msg=after\n' +
      '      ^\n',
  );
  assert.equal(r.stdout, '');
});

test('an unknown module names the task and suggests the closest module', async () => {
  const r = await run('unknown-module.yml');
  assert.equal(r.code, 5);
  assert.equal(r.stderr, "ERROR! test/fixtures/bad/unknown-module.yml:4:7: task 'Install the motd': unknown module 'cpoy'; did you mean 'copy'?\n");
});

test('wrong and unknown parameters are all reported at once, templated values wait for run time', async () => {
  const r = await run('bad-params.yml');
  assert.equal(r.code, 5);
  assert.equal(
    r.stderr,
    "ERROR! test/fixtures/bad/bad-params.yml:7:9: task 'Install the motd', module 'copy': unknown parameter 'mdoe'; did you mean 'mode'?\n" +
      "test/fixtures/bad/bad-params.yml:12:9: task 'Back it up', module 'copy': parameter 'backup' must be a boolean: \"sometimes\" is not one of yes/no, true/false, on/off, y/n, t/f, 1/0\n",
  );
});

test('an undefined variable fails the host with the task, host and variable named', async () => {
  const r = await run('undefined-var.yml');
  assert.equal(r.code, 2);
  assert.match(r.stdout, /^fatal: \[web01\]: FAILED! => Greet \(test\/fixtures\/bad\/undefined-var\.yml:4\): undefined variable 'greeting_target' in "hello \{\{ greeting_target \}\}"$/m);
  assert.match(r.stdout, /^web01 +: ok=0 +changed=0 +unreachable=0 +failed=1 /m);
});

test('an unknown command-line word is an input error', async () => {
  const r = await runDrover(['run', fixture('undefined-var.yml'), 'oops']);
  assert.equal(r.code, 5);
  assert.equal(r.stderr, "ERROR! unexpected word 'oops': after the playbook give ENV=NAME, GROUP=NAME or KEY=VALUE\n");
});

test('a notify that no handler answers is an input error naming the handlers there are', async () => {
  const r = await run('unknown-handler.yml');
  assert.equal(r.code, 5);
  assert.equal(r.stderr, "ERROR! test/fixtures/bad/unknown-handler.yml:4:7: play 'web': task 'Install the motd' notifies 'restart motd', which no handler answers; handlers are: 'reload motd'\n");
});

test('copy without src or content loads and fails when it runs, with the words of Ansible\'s copy action', async () => {
  const r = await runDrover(['run', fixture('copy-without-source.yml'), '-i', 'test/fixtures/legacy-syntax/hosts.yml']);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /fatal: \[local1\]: FAILED! => Nothing to copy \(test\/fixtures\/bad\/copy-without-source.yml:4\): src \(or content\) is required\n/);
});

test('a task with bad parameters that says ignore_errors: true loads, and fails (ignored) when it runs, as in Ansible', async () => {
  const r = await runDrover(['run', 'test/fixtures/bad/bad-params-expected-to-fail.yml', '-i', 'test/fixtures/legacy-syntax/hosts.yml', '--json']);
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  assert.match(r.stdout, /"status":"failed"[^\n]*"ignored":true/);
});
