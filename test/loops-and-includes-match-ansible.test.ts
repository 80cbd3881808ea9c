// Loops, looped include_tasks, include_vars, set_fact names, !unsafe and
// hostvars as Ansible 2.14 runs them (what its loops integration target
// relies on): every debug message of test/fixtures/loops-like-ansible/site.yml,
// run by drover on a namespace host, equals what ansible-playbook printed for
// it (expected.json, recorded with scripts/record-loops-oracle.sh).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import type { TaskResultEvent } from '../runner/engine/events.js';
import { jsonEvents, runDrover } from './support/cli.js';

const fixture = 'test/fixtures/loops-like-ansible';
let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'loops' });
  dir = await mkdtemp(join(tmpdir(), 'drover-loops-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('every debug message of the loops fixture is the one ansible-playbook printed', async () => {
  const expected = JSON.parse(await readFile(join(fixture, 'expected.json'), 'utf8')) as [string, string][];
  const r = await runDrover(['run', join(fixture, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json', '--no-log']);
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const debugs = jsonEvents(r.stdout).filter((e): e is TaskResultEvent => e.type === 'host.task.result' && e.item === undefined && e.task.module === 'debug' && e.status === 'ok');
  assert.deepEqual(debugs.map((e) => [e.task.name, e.result?.msg]), expected);
});
