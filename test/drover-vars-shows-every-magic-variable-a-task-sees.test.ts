// The magic variables come from one builder: what a task sees, what
// `drover vars HOST -p PLAYBOOK` prints, and (for the names Ansible also
// computes the same way) what ansible-playbook 2.14 shows.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { jsonEvents, runDrover } from './support/cli.js';

const MAGIC = [
  'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'hostvars', 'play_hosts', 'ansible_play_hosts',
  'ansible_play_batch', 'ansible_play_hosts_all', 'ansible_play_name', 'playbook_dir', 'inventory_dir', 'inventory_file', 'omit',
  'ansible_check_mode', 'ansible_diff_mode', 'ansible_version', 'ansible_forks', 'ansible_run_tags', 'ansible_skip_tags',
  'ansible_verbosity', 'ansible_inventory_sources', 'ansible_limit', 'ansible_role_names', 'role_names',
];
/** Values that are Ansible's own (its placeholder for omit, its version, its default forks) are not compared with it. */
const SAME_AS_ANSIBLE = MAGIC.filter((n) => !['hostvars', 'omit', 'ansible_version', 'ansible_forks', 'ansible_role_names', 'role_names'].includes(n));

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-magic-'));
  await writeFile(join(dir, 'hosts.ini'), '[web]\nweb1.example ansible_connection=local\nweb2.example ansible_connection=local\n[db]\ndb1 ansible_connection=local\n');
  const tasks = MAGIC.map((name) => `    - debug:\n        var: ${name}\n`).join('');
  await writeFile(join(dir, 'site.yml'), `- name: Magic\n  hosts: web\n  gather_facts: false\n  serial: 1\n  tasks:\n${tasks}`);
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** name -> value as the task on web1.example saw it. */
function taskValues(stdout: string): Record<string, unknown> {
  const seen: Record<string, unknown> = {};
  for (const e of jsonEvents(stdout)) {
    if (e.type !== 'host.task.result' || e.host !== 'web1.example') continue;
    const result = (e as { result?: Record<string, unknown> }).result ?? {};
    for (const name of MAGIC) if (name in result) seen[name] = result[name];
  }
  return seen;
}

test('drover vars HOST -p shows every magic variable a task on that host sees, with the same values', async () => {
  const common = ['-i', join(dir, 'hosts.ini'), '-l', 'web*,db1'];
  const run = await runDrover(['run', join(dir, 'site.yml'), ...common, '--json']);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const seen = taskValues(run.stdout);
  assert.deepEqual(Object.keys(seen).sort(), [...MAGIC].sort(), 'a task sees every magic variable');
  const shown = await runDrover(['vars', 'web1.example', '-p', join(dir, 'site.yml'), ...common]);
  assert.equal(shown.code, 0, shown.stderr);
  const printed = parse(shown.stdout) as Record<string, unknown>;
  for (const name of MAGIC) {
    if (name === 'hostvars') continue;
    assert.deepEqual(printed[name], seen[name], `drover vars shows ${name} as the task saw it`);
  }
  // hostvars: every inventory host, each with its own inventory_hostname.
  const hostvars = printed.hostvars as Record<string, Record<string, unknown>>;
  assert.deepEqual(Object.keys(hostvars), ['web1.example', 'web2.example', 'db1']);
  assert.equal(hostvars.db1!.inventory_hostname, 'db1');
  assert.deepEqual(hostvars['web2.example']!.group_names, ['web']);
  assert.deepEqual(seen.ansible_version, { string: '2.14.0', full: '2.14.0', major: 2, minor: 14, revision: 0 });
});

test('the magic variables Ansible computes the same way have ansible-playbook 2.14 values', async () => {
  const common = ['-i', join(dir, 'hosts.ini'), '-l', 'web*,db1'];
  const drover = taskValues((await runDrover(['run', join(dir, 'site.yml'), ...common, '--json'])).stdout);
  const ansible = await promisify(execFile)('ansible-playbook', [join(dir, 'site.yml'), ...common], {
    // oneline: `HOST | SUCCESS => {result as JSON}`, one line per task and host.
    env: { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'oneline', ANSIBLE_NOCOLOR: '1' },
    maxBuffer: 64 * 1024 * 1024,
  });
  const oracle: Record<string, unknown> = {};
  for (const line of ansible.stdout.split('\n')) {
    if (line.startsWith('web1.example | SUCCESS => ')) Object.assign(oracle, JSON.parse(line.slice(line.indexOf('{'))));
  }
  for (const name of SAME_AS_ANSIBLE) assert.deepEqual(drover[name], oracle[name], `${name}: drover ${JSON.stringify(drover[name])}, ansible ${JSON.stringify(oracle[name])}`);
});
