// A reviewed plan must not fail at apply for want of something on the host:
// a package task whose package manager the host lacks (dnf on this Debian
// machine) and a service the host does not have fail when the plan is made,
// naming what is missing, and the plan records the failure, so apply refuses it.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runDrover } from './support/cli.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-plan-prerequisites-'));
  await writeFile(join(dir, 'hosts.ini'), 'controller ansible_connection=local\n');
  await writeFile(
    join(dir, 'site.yml'),
    '- hosts: all\n  gather_facts: false\n  tasks:\n    - dnf: { name: vim }\n      ignore_errors: true\n    - service: { name: no-such-unit-4411, state: started }\n      ignore_errors: true\n',
  );
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('a plan for a package manager or a service the host lacks fails at plan time, naming it; apply refuses that plan', async () => {
  const plan = await runDrover(['plan', 'site.yml', '-i', 'hosts.ini', '-o', 'plan.json'], { cwd: dir });
  assert.match(plan.stdout, /dnf .*rpm is not installed on this host: the dnf backend needs rpm and dnf/);
  assert.match(plan.stdout, /Could not find the requested service no-such-unit-4411/);
  assert.doesNotMatch(plan.stdout, /changed \(check\)/);
  const apply = await runDrover(['apply', 'plan.json'], { cwd: dir });
  assert.equal(apply.code, 3, apply.stdout + apply.stderr);
  assert.match(apply.stderr, /refusing to apply plan\.json: the plan has failed or unreachable tasks \(nothing was changed\)/);
  assert.match(apply.stderr, /controller: dnf \(site\.yml:4:7\): failed when planned: rpm is not installed on this host/);
});
