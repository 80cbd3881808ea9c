// `drover inventory --list / --graph [--vars] / --host` prints what
// ansible-inventory 2.14 prints for the same inventory, byte for byte
// (recorded from Debian's ansible-inventory by scripts/record-inventory-cli.sh),
// and a vault value prints masked, never in clear.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';
import { ansibleEncryptString, makeVaultDir, type VaultDir } from './support/vault.js';

const fixtures = join(projectRoot(), 'test/fixtures/inventory-cli');
const cases = readFileSync(join(fixtures, 'cases.txt'), 'utf8').trim().split('\n').map((line) => line.split(' '));
const inventoryFile = { ini: 'ini/hosts.ini', yaml: 'yaml/hosts.yml' } as Record<string, string>;

for (const [name, ...flags] of cases) {
  test(`drover inventory ${flags.join(' ')} on the ${name} inventory prints what ansible-inventory prints`, async () => {
    const expected = readFileSync(join(fixtures, 'expected', `${name}${flags.join('_')}.txt`), 'utf8');
    const run = await runDrover(['inventory', '-i', join(fixtures, inventoryFile[name!]!), ...flags]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout, expected);
  });
}

let vault: VaultDir;
before(async () => {
  vault = await makeVaultDir('drover-inventory-');
});
after(() => vault?.remove());

test('a vault value in host_vars prints masked in --list and --host, never in clear', async () => {
  const inv = join(vault.dir, 'inv');
  await mkdir(join(inv, 'host_vars'), { recursive: true });
  await writeFile(join(inv, 'hosts.ini'), 'db01\n');
  await writeFile(join(inv, 'host_vars', 'db01.yml'), `${await ansibleEncryptString(vault, 'db_password', 'hunter2-very-secret')}\nplain: shown\n`);
  for (const flags of [['--list'], ['--host', 'db01'], ['--graph', '--vars'], ['--list', '--yaml']]) {
    const run = await runDrover(['inventory', '-i', join(inv, 'hosts.ini'), '--vault-password-file', vault.passwordFile, ...flags]);
    assert.equal(run.code, 0, run.stderr);
    assert.doesNotMatch(run.stdout + run.stderr, /hunter2/);
    assert.match(run.stdout, /db_password/);
    assert.match(run.stdout, /shown/);
  }
});

test('drover inventory refuses what it cannot answer, as ansible-inventory does', async () => {
  const ini = join(fixtures, 'ini/hosts.ini');
  for (const [flags, message] of [
    [['--host', 'nope'], /You must pass a single valid host to --host parameter/],
    [['--graph', 'nope'], /Pattern must be valid group name when using --graph/],
    [[], /give exactly one of --list, --graph or --host HOST/],
    [['--list', '--graph'], /give exactly one of --list, --graph or --host HOST/],
    [['--graph', '--yaml'], /--yaml goes with --list/],
    [['--list', '--export'], /unknown option '--export'/],
  ] as const) {
    const run = await runDrover(['inventory', '-i', ini, ...flags]);
    assert.notEqual(run.code, 0);
    assert.match(run.stderr, message);
  }
});
