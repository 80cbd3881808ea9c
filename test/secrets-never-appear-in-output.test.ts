// Values from vaults never reach output. A playbook uses four vaulted values
// (age: a wholly encrypted group_vars file and an inline host_vars value;
// Ansible Vault made by the real ansible-vault: a whole vars_file and an
// encrypt_string value) in a copy content with a --diff of a change, a
// template, a command line, debug messages, a registered result, failing
// tasks and a fatal error; runs it with every reporter and -vvv against a
// real sshd host; then greps all stdout and stderr, the run log and its HTML
// report: no secret may appear. The
// files on the host must hold the secrets, proving the values were used.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { runLogs } from '../runner/report/run-log.js';
import { encryptAge } from '../runner/vault/age.js';
import { runDrover, type CliResult } from './support/cli.js';
import { ansibleEncryptString, ansibleVaultFile, makeVaultDir, type VaultDir } from './support/vault.js';

const secrets = {
  // A quote inside: the command line shows it shell-quoted ('...'\''...'), which must be masked too.
  db_pass: "Zq7'age-file-secret-91",
  api_token: 'tok-inline-age-5521x',
  legacy_pass: 'ans1ble-legacy-pw-77',
  legacy_inline: 'ansible-encrypt-string-4410',
};
/** Not from a vault: only no_log hides it. */
const nologValue = 'nolog-plain-value-8812';

let ground: TestGround;
let vault: VaultDir;
let inventory: string;

before(async () => {
  [ground, vault] = await Promise.all([startHosts({ names: ['vaulthost'] }), makeVaultDir('drover-secrets-')]);
  const inv = join(vault.dir, 'inventory');
  await mkdir(join(inv, 'group_vars', 'all'), { recursive: true });
  await mkdir(join(inv, 'host_vars'), { recursive: true });
  inventory = join(inv, 'hosts.ini');
  await writeFile(inventory, ground.inventoryIni('vaulted'));
  const target = { recipients: [vault.recipient] };
  await writeFile(join(inv, 'group_vars', 'all', 'vault.yml'), await encryptAge(`db_pass: ${JSON.stringify(secrets.db_pass)}\n`, target));
  const inlineToken = (await encryptAge(secrets.api_token, target)).trimEnd().replace(/^/gm, '  ');
  await writeFile(join(inv, 'host_vars', 'vaulthost.yml'), `plain_var: visible\napi_token: !vault |\n${inlineToken}\n`);
  await ansibleVaultFile(vault, 'legacy-vault.yml', `legacy_pass: ${secrets.legacy_pass}\n`);
  await writeFile(join(vault.dir, 'legacy-inline.yml'), await ansibleEncryptString(vault, 'legacy_inline', secrets.legacy_inline));
});

after(async () => {
  await ground?.stop();
  await vault?.remove();
});

function drover(...args: string[]): Promise<CliResult> {
  return droverOn('site.yml', ...args);
}

function droverOn(playbook: string, ...args: string[]): Promise<CliResult> {
  return runDrover(
    ['run', `test/fixtures/vault/leak/${playbook}`, '-i', inventory, '--known-hosts', ground.knownHostsFile, '--vault-password-file', vault.passwordFile,
      '-e', `vault_dir=${vault.dir}`, '-e', `nolog_value=${nologValue}`, ...args],
    { env: { DROVER_AGE_IDENTITY_FILE: vault.identityFile } },
  );
}

/** Every secret form that must never be printed, and where each was found. */
function leaks(run: CliResult): string[] {
  const all = run.stdout + run.stderr;
  const forbidden = [...Object.values(secrets), nologValue, secrets.db_pass.replace(/'/g, `'\\''`), JSON.stringify(secrets.db_pass).slice(1, -1)];
  return forbidden.filter((s) => all.includes(s)).map((s) => `${s} found in:\n${all}`);
}

const runs: [string, string[]][] = [
  ['plain, --diff, -vvv', ['--output', 'plain', '--diff', '-vvv']],
  ['json, --diff', ['--json', '--diff']],
  ['listr, --diff, -vvv', ['--output', 'listr', '--diff', '-vvv']],
  ['plain, --check --diff', ['--output', 'plain', '--check', '--diff', '-v']],
];

for (const [label, args] of runs) {
  test(`no secret appears in the output: ${label}`, async () => {
    const run = await drover(...args);
    // The last task fails on purpose, after every other one ran.
    assert.equal(run.code, 2, run.stdout + run.stderr);
    assert.deepEqual(leaks(run), []);
    const all = run.stdout + run.stderr;
    assert.match(all, /\*{8}/, 'masked values are shown as ********');
    assert.match(all, /giving up on \*{8} and \*{8}/, 'the fatal message is shown, masked');
    if (!args.includes('--check')) {
      // The diff of the copy, as lines or (JSON) as the after text of the change.
      const diffed = args.includes('--json') ? /"after":"password=\*{8}\\ntoken=\*{8}\\n"/ : /^\+password=\*{8}\n\+token=\*{8}$/m;
      assert.match(all, diffed, 'the --diff of the copy shows the masked lines');
      assert.match(all, /token is \*{8}, legacy is \*{8}/);
    }
  });
}

test('no secret appears in the run log or in its HTML report', async () => {
  const logs = await mkdtemp(join(tmpdir(), 'drover-leak-logs-'));
  try {
    const run = await drover('--output', 'plain', '--diff', '--log', logs);
    assert.equal(run.code, 2, run.stdout + run.stderr);
    const [log] = runLogs(logs);
    const page = join(logs, 'report.html');
    const report = await runDrover(['report', 'latest', '--log', logs, '-o', page]);
    assert.equal(report.code, 0, report.stderr);
    const recorded = { code: 0, stdout: await readFile(log!, 'utf8'), stderr: await readFile(page, 'utf8') };
    assert.deepEqual(leaks(recorded), []);
    assert.match(recorded.stdout, /password=\*{8}\\ntoken=\*{8}/, 'the log holds the masked diff');
    assert.match(recorded.stderr, /giving up on \*{8} and \*{8}/, 'the page shows the masked failure');
  } finally {
    await rm(logs, { recursive: true, force: true });
  }
});

test('no secret appears in an input error that stops the run', async () => {
  const run = await droverOn('missing-vars-file.yml', '--output', 'plain');
  assert.equal(run.code, 5, run.stdout + run.stderr);
  assert.match(run.stderr, /^ERROR! .*missing-\*{8}\.yml/m);
  assert.deepEqual(leaks(run), []);
});

test('the host received the real values', async () => {
  const conf = await ground.exec('vaulthost', ['cat', '/etc/app/secret.conf', '/etc/app/legacy.conf']);
  assert.equal(conf.rc, 0, conf.stderr);
  assert.equal(
    conf.stdout,
    `password=${secrets.db_pass}\ntoken=${secrets.api_token}\n# from Ansible Vault\nlegacy_pass=${secrets.legacy_pass}\nlegacy_inline=${secrets.legacy_inline}\n`,
  );
});
