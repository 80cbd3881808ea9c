// The core promise on 5 real hosts: a 20+ task playbook (roles, handlers,
// loops, blocks, templates) changes nothing under --check (checksums equal)
// while reporting what would change, converges on the first run (changed > 0
// everywhere), and reports changed = 0 everywhere on the second run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover, recapOf } from './support/cli.js';
import { snapshot } from './support/snapshot.js';

const playbook = 'test/fixtures/converge/site.yml';
// All of /etc, and the places the playbook writes (not all of /opt: it is the machine's own, large).
const watched = ['/etc', '/opt/webapp', '/home', '/root/.ssh'];
let ground: TestGround;
let dir: string;
let inventory: string;

before(async () => {
  ground = await startHosts({ count: 5, namePrefix: 'web' });
  dir = await mkdtemp(join(tmpdir(), 'drover-converge-'));
  inventory = join(dir, 'hosts.ini');
  await writeFile(inventory, ground.inventoryIni('web'));
});

after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const drover = (...args: string[]) => runDrover(['run', playbook, '-i', inventory, '--known-hosts', ground.knownHostsFile, ...args]);

test('check mode on fresh hosts reports the changes, shows diffs and changes nothing', async () => {
  const before = await Promise.all(ground.hosts.map((h) => snapshot(ground, h.name, watched)));
  const run = await drover('--check', '--diff', '--output', 'plain');
  assert.equal(run.code, 0, run.stdout + run.stderr);
  for (const host of ground.hosts) {
    const recap = new RegExp(`^${host.name} +: ok=\\d+ +changed=(\\d+) +unreachable=0 +failed=0 `, 'm').exec(run.stdout);
    assert.ok(recap && Number(recap[1]) > 0, `${host.name} should report planned changes:\n${run.stdout}`);
  }
  assert.match(run.stdout, /^changed \(check\): \[web1\] => webapp : App config from a role template/m);
  assert.match(run.stdout, /^\+\+\+ after: \/opt\/webapp\/conf\/app\.conf$/m);
  assert.match(run.stdout, /^\+listen = 8080$/m);
  const after = await Promise.all(ground.hosts.map((h) => snapshot(ground, h.name, watched)));
  assert.deepEqual(after, before);
});

test('the first run changes every host and the second run changes nothing', async () => {
  const first = await drover('--json');
  assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  const firstRecap = recapOf(first.stdout);
  for (const host of ground.hosts) {
    assert.ok(firstRecap[host.name]!.changed > 0, `${host.name}: ${JSON.stringify(firstRecap[host.name])}`);
    assert.equal(firstRecap[host.name]!.failed, 0);
    assert.equal(firstRecap[host.name]!.rescued, 1);
  }
  const conf = await ground.exec('web3', ['cat', '/opt/webapp/conf/app.conf']);
  assert.equal(conf.stdout, '# Welcome to web3\nlisten = 8080\nroot = /opt/webapp\nlimit.nofile = 4096\nlimit.nproc = 512\n');
  const restarted = await ground.exec('web3', ['test', '-e', '/opt/webapp/restarted']);
  assert.equal(restarted.rc, 0, 'the handler ran');

  const second = await drover('--json');
  assert.equal(second.code, 0, second.stdout.slice(-3000) + second.stderr);
  const secondRecap = recapOf(second.stdout);
  for (const host of ground.hosts) assert.equal(secondRecap[host.name]!.changed, 0, `${host.name}: ${JSON.stringify(secondRecap[host.name])}`);
});
