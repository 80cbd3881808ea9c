// A host that refuses connections and a host whose key changed are reported
// unreachable with a clear reason; every other host still runs. Exit code 4.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover, jsonEvents, recapOf } from './support/cli.js';

let ground: TestGround;
let dir: string;

before(async () => {
  ground = await startHosts({ count: 3, namePrefix: 'node' });
  dir = await mkdtemp(join(tmpdir(), 'drover-reach-'));
});

after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('refused and changed-key hosts are unreachable; the others succeed', async () => {
  const [, changed] = ground.hosts;
  // node2's known key is replaced by node1's: its real key now looks changed.
  const knownHosts = (await readFile(ground.knownHostsFile, 'utf8'))
    .split('\n')
    .map((line) => (line.startsWith(`${changed!.address} `) ? `${changed!.address} ${ground.hosts[0]!.hostKey.split(' ').slice(0, 2).join(' ')}` : line))
    .join('\n');
  await writeFile(join(dir, 'known_hosts'), knownHosts);
  await writeFile(join(dir, 'hosts.ini'), `${ground.inventoryIni('all')}\n[others]\nrefuser ansible_host=127.0.0.1 ansible_port=1 ansible_user=root\n`);
  const run = await runDrover(['run', 'test/fixtures/reach/site.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', join(dir, 'known_hosts'), '--json']);
  assert.equal(run.code, 4, run.stderr);
  const recap = recapOf(run.stdout);
  assert.equal(recap.node1!.ok, 1);
  assert.equal(recap.node3!.ok, 1);
  assert.equal(recap.refuser!.unreachable, 1);
  assert.equal(recap.node2!.unreachable, 1);
  const messages = Object.fromEntries(jsonEvents(run.stdout).flatMap((e) => (e.type === 'host.task.result' && e.status === 'unreachable' ? [[e.host, e.message ?? '']] : [])));
  assert.match(messages.refuser!, /refused/i);
  assert.match(messages.node2!, /changed/i);
  assert.match(messages.node2!, /SHA256:/);
});
