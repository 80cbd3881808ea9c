// include_role, import_role and include_tasks as Ansible 2.14 runs them, and
// the silent differences drover had there: tasks_from ignored, a second
// include of a role vanishing, role handlers unreachable, every included file
// validated before the run, a loop or apply refused, a templated notify never
// firing, meta end_host ignoring when, environment replacing the play's, a
// templated hosts: matching no host. Each run's outcomes equal what
// ansible-core recorded for the same playbook (test/fixtures/includes/
// expected-*.json, recorded by scripts/record-ansible-parity.ts NAME includes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { outcomesByHost, outcomesOf, runParity } from './support/parity.js';
import { runDrover } from './support/cli.js';

async function expected(name: string) {
  return JSON.parse(await readFile(`test/fixtures/includes/expected-${name}.json`, 'utf8')) as { first: unknown };
}

async function inRoot<T>(work: (root: string) => Promise<T>): Promise<T> {
  const root = await mkdtemp(join(tmpdir(), 'drover-includes-'));
  try {
    return await work(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

test('include_role takes a templated name, tasks_from, vars_from, defaults_from, handlers_from, apply, public, allow_duplicates and a loop, as Ansible does', async () => {
  const want = await expected('roles');
  await inRoot(async (root) => {
    const run = await runParity('roles.yml', root, {}, [], 'includes');
    assert.equal(run.code, 0, run.stdout.slice(-3000) + run.stderr);
    assert.deepEqual(outcomesOf(run), want.first);
  });
});

test('include_tasks decides when and its loop items once, takes apply and file:, and never reads a file no host includes; environment, a templated notify, meta end_host with when and a templated hosts: as in Ansible', async () => {
  const want = await expected('tasks');
  await inRoot(async (root) => {
    const run = await runParity('tasks.yml', root, {}, [], 'includes');
    assert.equal(run.code, 0, run.stdout.slice(-3000) + run.stderr);
    assert.deepEqual(outcomesByHost(run), want.first);
  });
});

test('an included file is validated when a host reaches it: its problem fails that host with file:line:col, and the other host goes on', async () => {
  await inRoot(async (root) => {
    const run = await runDrover(['run', 'test/fixtures/includes/reached-bad-file.yml', '-i', 'test/fixtures/includes/hosts.yml', '-e', `root=${root}`, '--json']);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const byHost = outcomesByHost(run);
    assert.match(byHost.h1!.find((o) => o.name === 'include for h1 only')!.error!, /inc\/redhat\.yml:3:\d+.*nosuchmodule/);
    assert.deepEqual(byHost.h2!.map((o) => [o.name, o.status]), [['include for h1 only', 'skipped'], ['h2 goes on', 'ok']]);
  });
});
