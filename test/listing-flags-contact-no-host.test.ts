// --syntax-check, --list-hosts, --list-tasks and --list-tags print the plan of
// a run in ansible-playbook's format; the inventory's hosts do not exist, so
// any contact would fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runDrover } from './support/cli.js';

const playbook = 'test/fixtures/keywords/site.yml';
const inventory = ['-i', 'test/fixtures/vars-inventory/hosts.ini'];

test('--list-hosts --list-tasks --list-tags honour --limit and --tags', async () => {
  const r = await runDrover(['run', playbook, ...inventory, '--list-hosts', '--list-tasks', '--list-tags', '--limit', 'all:!web02', '--tags', 'config,debugonly']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      'playbook: test/fixtures/keywords/site.yml',
      '',
      '  play #1 (all): Keywords\tTAGS: []',
      "    pattern: ['all']",
      '    hosts (1):',
      '      web01',
      '    tasks:',
      '      Always tagged\tTAGS: [always]',
      '      Never tagged\tTAGS: [never, debugonly]',
      '      Config tagged\tTAGS: [config]',
      '      TASK TAGS: [always, config, debugonly, never]',
      '',
    ].join('\n'),
  );
});

test('--syntax-check validates everything and names the playbook', async () => {
  const ok = await runDrover(['run', playbook, ...inventory, '--syntax-check']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'playbook: test/fixtures/keywords/site.yml\n');
  const bad = await runDrover(['run', 'test/fixtures/bad/unknown-module.yml', ...inventory, '--syntax-check']);
  assert.equal(bad.code, 5);
  assert.match(bad.stderr, /unknown module 'cpoy'; did you mean 'copy'\?/);
});
