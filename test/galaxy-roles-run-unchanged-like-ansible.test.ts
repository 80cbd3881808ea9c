// Public Galaxy roles, vendored unchanged under test/galaxy-roles/ (each with
// its LICENSE and ORIGIN), run by drover on fresh namespace hosts as their
// READMEs apply them: converge, a second run with 0 changed, and --check on
// another fresh host. Each run is compared with what ansible-core 2.14 did
// on the same kind of host (expected-NAME.json, recorded by
// scripts/record-galaxy-roles.ts): the same tasks changed, the same end
// state (the role's probe), and a second run that changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHosts } from '../runner/testground/namespace-hosts.js';
import { GALAXY_DIR, probe, readRoleCase, runRole, type RoleRun } from './support/galaxy-role-run.js';

interface Recorded {
  first: RoleRun;
  state: string;
  second: RoleRun;
  check: RoleRun;
  checkState: string;
}

// Under --check both tools skip a command without creates/removes (the nfs handler's `exportfs -ra`).
// --check on a fresh host fails at firewall's service task in both tools: the init script it would
// start is only written by the real run (a limit of the role's check mode, not of either tool).
const ROLES = ['nfs', 'firewall'];

/** The tasks of a run with this status, without Ansible's `role : ` prefix. */
const withStatus = (run: RoleRun, status: string) => run.tasks.filter((t) => t.startsWith(`${status} `)).map((t) => t.slice(status.length + 1).replace(/^\S+ : /, ''));
const changed = (run: RoleRun) => withStatus(run, 'changed');

test('Galaxy roles converge, then change nothing, and --check a fresh host, as with ansible-playbook', { concurrency: true }, async (t) => {
  await Promise.all(
    ROLES.map((role) =>
      t.test(`geerlingguy.${role}`, async () => {
        const c = await readRoleCase(role);
        const want = JSON.parse(await readFile(join(GALAXY_DIR, `expected-${role}.json`), 'utf8')) as Recorded;
        const ground = await startHosts({ names: [`${role}1`, `${role}2`] });
        try {
          const first = await runRole(ground, `${role}1`, c, 'drover');
          assert.equal(first.exitCode, 0, first.tasks.join('\n'));
          assert.equal(want.first.exitCode, 0);
          assert.deepEqual(changed(first), changed(want.first));
          assert.equal(first.stats.changed, want.first.stats.changed);
          assert.equal(await probe(ground, `${role}1`, c), want.state);

          const second = await runRole(ground, `${role}1`, c, 'drover');
          assert.equal(second.exitCode, 0, second.tasks.join('\n'));
          assert.deepEqual(changed(second), []);
          assert.equal(second.stats.changed, want.second.stats.changed);

          const check = await runRole(ground, `${role}2`, c, 'drover', { check: true });
          assert.equal(check.exitCode, want.check.exitCode, check.tasks.join('\n'));
          assert.deepEqual(changed(check), changed(want.check));
          assert.deepEqual(withStatus(check, 'failed'), withStatus(want.check, 'failed'));
          assert.equal(await probe(ground, `${role}2`, c), want.checkState, '--check left the host as it was');
        } finally {
          await ground.stop();
        }
      }),
    ),
  );
});
