// Record what ansible-core does with a vendored Galaxy role (test/galaxy-roles/NAME):
// converge a fresh namespace host, run again, and run --check on a second fresh
// host, keeping the recap, each task's status and the host's end state (the
// role's probe) into test/galaxy-roles/expected-NAME.json. The test
// (test/galaxy-roles-run-unchanged-like-ansible.test.ts) runs drover the same
// way and compares; no Ansible at test time.
// Run: node --import tsx scripts/record-galaxy-roles.ts nfs   (needs ansible-playbook, root)
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startHosts } from '../runner/testground/namespace-hosts.js';
import { GALAXY_DIR, probe, readRoleCase, runRole } from '../test/support/galaxy-role-run.js';

const role = process.argv[2];
if (!role) throw new Error('usage: record-galaxy-roles.ts NAME (test/galaxy-roles/NAME)');
const c = await readRoleCase(role);
const ground = await startHosts({ names: [`${role}1`, `${role}2`] });
try {
  const first = await runRole(ground, `${role}1`, c, 'ansible');
  const state = await probe(ground, `${role}1`, c);
  const second = await runRole(ground, `${role}1`, c, 'ansible');
  const check = await runRole(ground, `${role}2`, c, 'ansible', { check: true });
  const checkState = await probe(ground, `${role}2`, c);
  const recordedWith = execFileSync('ansible', ['--version']).toString().split('\n')[0];
  writeFileSync(join(GALAXY_DIR, `expected-${role}.json`), `${JSON.stringify({ recordedWith, first, state, second, check, checkState }, null, 2)}\n`);
} finally {
  await ground.stop();
}
