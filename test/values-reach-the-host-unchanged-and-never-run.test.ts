// Quotes, $(), backticks, ;, |, &, >, newlines, globs and non-ASCII go through
// command, file, copy and lineinfile in a real playbook: the host receives
// exactly those bytes and nothing is ever executed (no canary file appears).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runDrover, recapOf } from './support/cli.js';

const canary = '/tmp/drover-canary';
const attack = `$(touch ${canary}) \`touch ${canary}\`; touch ${canary} | touch ${canary} & > ${canary}`;
const hostile = `it's "quoted" ${attack}\nsecond line ünïcødé ✓ * ? [a] ~ -rf`;
const hostileName = `dir with spaces 'q' $(touch ${canary}) ✓`;
const hostileLine = `line; touch ${canary} \`id\` 'x' "y" ü`;

let ground: TestGround;
let dir: string;

before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'target' });
  dir = await mkdtemp(join(tmpdir(), 'drover-hostile-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
  await writeFile(join(dir, 'vars.json'), JSON.stringify({ hostile, hostile_name: hostileName, hostile_line: hostileLine }));
});

after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('hostile values reach the host byte for byte and never execute', async () => {
  const args = ['run', 'test/fixtures/hostile/site.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '-e', `@${join(dir, 'vars.json')}`, '--json'];
  const first = await runDrover(args);
  assert.equal(first.code, 0, first.stdout.slice(-2000) + first.stderr);
  const host = ground.hosts[0]!.name;
  const content = await ground.exec(host, ['cat', `/tmp/hostile/${hostileName}/content`]);
  assert.equal(content.stdout, hostile);
  const lines = await ground.exec(host, ['cat', '/tmp/hostile/lines']);
  assert.equal(lines.stdout, `${hostileLine}\n`);
  const second = await runDrover(args);
  assert.equal(recapOf(second.stdout)[host]!.changed, 0, 'hostile values are idempotent too');
  const canaryCheck = await ground.exec(host, ['test', '-e', canary]);
  assert.notEqual(canaryCheck.rc, 0, 'the canary file must not exist');
});
