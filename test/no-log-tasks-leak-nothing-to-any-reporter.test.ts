// A no_log task's loop items, labels, results, errors and diffs never reach
// any reporter: JSON events (task start and item events showed the item in
// clear), plain lines at -vvv with --diff, --check, and the listr2 live view
// on a pseudo-terminal (its host row showed `(item=...)` from the start
// event). Items are named `None`, as Ansible's `(item=None)`. The files on the
// host hold the secret, so the values were used.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { jsonEvents, runDrover, runDroverOnTerminal, type CliResult } from './support/cli.js';

const secret = 'nolog-item-secret-6021';
let ground: TestGround;
let dir: string;
before(async () => {
  ground = await startHosts({ count: 1, namePrefix: 'nll' });
  dir = await mkdtemp(join(tmpdir(), 'drover-no-log-leaks-'));
  await writeFile(join(dir, 'hosts.ini'), ground.inventoryIni('all'));
});
after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const args = (...extra: string[]) => ['run', 'test/fixtures/keywords/no-log-leaks.yml', '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '-e', `secret=${secret}`, ...extra];

function assertNoSecret(name: string, r: CliResult): void {
  assert.equal(r.code, 0, `${name}: ${r.stdout.slice(-3000)}${r.stderr}`);
  assert.doesNotMatch(r.stdout + r.stderr, new RegExp(secret), `${name} shows the secret`);
}

test('no_log loop items, labels, results, errors and diffs reach no reporter', async () => {
  const json = await runDrover(args('--json', '--diff'));
  assertNoSecret('--json', json);
  const events = jsonEvents(json.stdout);
  const itemsOf = (task: string, type: string) => events.flatMap((e) => ((e.type === 'host.task.start' || e.type === 'host.task.result') && e.type === type && e.task.name === task && e.item !== undefined ? [e.item] : []));
  assert.deepEqual(itemsOf('Secret loop items', 'host.task.start'), ['None', 'None']);
  assert.deepEqual(itemsOf('Secret loop items', 'host.task.result'), ['None', 'None']);
  assert.deepEqual(itemsOf('Secret label', 'host.task.start'), ['None']);
  const perItem = itemsOf('no_log per item', 'host.task.result');
  assert.equal(perItem[0], 'None');
  assert.match(perItem[1] ?? '', /visible-item/, 'an item whose no_log is false is shown');

  const plain = await runDrover(args('--output', 'plain', '-vvv', '--diff'));
  assertNoSecret('plain -vvv --diff', plain);
  assert.match(plain.stdout, /\(item=None\)/);
  assert.match(plain.stdout, /visible-item/);

  const check = await runDrover(args('--output', 'plain', '-vvv', '--diff', '--check'));
  assertNoSecret('plain --check --diff', check);

  const terminal = await runDroverOnTerminal(args('--diff', '-v'));
  assertNoSecret('listr on a terminal', terminal);
  assert.match(terminal.stdout, /PLAY RECAP/, 'the live view ran to the end');
  assert.match(terminal.stdout, /\x1b\[/, 'it was a terminal (escape sequences)');

  const host = ground.hosts[0]!.name;
  assert.equal((await ground.exec(host, ['cat', '/tmp/nolog-0'])).stdout, `${secret}-diff\n`, 'the secret was used');
  assert.equal((await ground.exec(host, ['cat', '/tmp/nolog-plain'])).stdout, `${secret}-plain-diff\n`);
});
