// `-i 'web1:2222, 10.0.0.1,'`: a source that is no path and holds a comma is
// a list of hosts, as Ansible's host_list plugin reads it: each in ungrouped,
// with its port, IPv6 in brackets, empty entries skipped, a name that is no
// address kept as written. The oracle is ansible-inventory --list on the
// same list.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { runDrover } from './support/cli.js';

test('a host list gives the inventory ansible-inventory --list shows', async () => {
  const source = 'web1:2222, 10.0.0.1,,[::1]:2200,bad!name';
  const oracle = execFileSync('/usr/bin/ansible-inventory', ['-i', source, '--list'], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', ANSIBLE_NOCOLOR: '1' } });
  const ours = await runDrover(['inventory', '-i', source, '--list']);
  assert.equal(ours.code, 0, ours.stderr);
  assert.match(oracle, /"ansible_port": 2222/);
  assert.equal(ours.stdout, oracle);
});
