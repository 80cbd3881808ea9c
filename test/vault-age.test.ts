// age payloads interoperate with the real `age` CLI (Debian's age) in both
// directions, for X25519 keys and passphrases; and the keys are found where
// the docs say, with an error naming every place looked at when none is.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { InputError } from '../runner/errors.js';
import { ageKind, decryptAge, encryptAge, isAge } from '../runner/vault/age.js';
import { VaultKeys } from '../runner/vault/keys.js';
import { makeVaultDir, type VaultDir } from './support/vault.js';

const run = promisify(execFile);
let vault: VaultDir;
let identity: string;
before(async () => {
  vault = await makeVaultDir();
  identity = new VaultKeys({ identityFiles: [vault.identityFile], env: {} }).identities()[0]!;
});
after(async () => vault?.remove());

const plaintext = 'password: "p@ss w0rd"\n';

test('drover writes ASCII armor that the age CLI decrypts', async () => {
  const armored = await encryptAge(plaintext, { recipients: [vault.recipient] });
  assert.match(armored, /^-----BEGIN AGE ENCRYPTED FILE-----\n[A-Za-z0-9+/=\n]+-----END AGE ENCRYPTED FILE-----\n$/);
  assert.ok(isAge(armored));
  assert.equal(await ageKind(armored), 'recipients');
  const path = join(vault.dir, 'by-drover.age');
  await writeFile(path, armored);
  const { stdout } = await run('age', ['--decrypt', '--identity', vault.identityFile, path]);
  assert.equal(stdout, plaintext);
});

test('drover decrypts what the age CLI wrote (armored), and refuses binary age as not a vault', async () => {
  await writeFile(join(vault.dir, 'plain.txt'), plaintext);
  const { stdout: armored } = await run('age', ['--encrypt', '--armor', '--recipient', vault.recipient, join(vault.dir, 'plain.txt')]);
  assert.ok(isAge(armored));
  assert.equal(new TextDecoder().decode(await decryptAge(armored, { identities: [identity] })), plaintext);
  const { stdout: binary } = await run('age', ['--encrypt', '--recipient', vault.recipient, join(vault.dir, 'plain.txt')], { encoding: 'latin1' });
  assert.ok(binary.startsWith('age-encryption.org/v1\n') && !isAge(binary), 'binary age is not taken for text');
});

test('a passphrase payload is recognised and needs the passphrase', async () => {
  const armored = await encryptAge('x: 1\n', { passphrase: 'a long passphrase for tests' });
  assert.equal(await ageKind(armored), 'passphrase');
  const keys = new VaultKeys({ env: { DROVER_VAULT_PASSPHRASE: 'a long passphrase for tests' } });
  assert.equal(new TextDecoder().decode(await decryptAge(armored, keys.ageKeys('passphrase', 'f'))), 'x: 1\n');
  assert.throws(() => new VaultKeys({ env: {} }).ageKeys('passphrase', 'secrets.yml'), /secrets\.yml is encrypted with an age passphrase.*--passphrase-file FILE.*DROVER_VAULT_PASSPHRASE/);
});

test('identities come from --identity files, $DROVER_AGE_IDENTITY_FILE, $DROVER_AGE_IDENTITY and the default file', async () => {
  const other = join(vault.dir, 'other-identity.txt');
  await run('age-keygen', ['-o', other]);
  const fromEnvFile = new VaultKeys({ env: { DROVER_AGE_IDENTITY_FILE: other } }).identities();
  assert.equal(fromEnvFile.length, 1);
  assert.notEqual(fromEnvFile[0], identity);
  assert.deepEqual(new VaultKeys({ env: { DROVER_AGE_IDENTITY: identity } }).identities(), [identity]);
  assert.deepEqual(new VaultKeys({ identityFiles: [vault.identityFile, other], env: {} }).identities().length, 2);
  // The default file lives under $XDG_CONFIG_HOME/drover/.
  const config = join(vault.dir, 'config');
  await mkdir(join(config, 'drover'), { recursive: true });
  await writeFile(join(config, 'drover', 'age-identity.txt'), `${identity}\n`);
  assert.deepEqual(new VaultKeys({ env: { XDG_CONFIG_HOME: config } }).identities(), [identity]);
});

test('a missing identity is an input error naming every place looked at', () => {
  const env = { XDG_CONFIG_HOME: join(vault.dir, 'nowhere') };
  assert.throws(
    () => new VaultKeys({ env }).ageKeys('recipients', 'group_vars/all/vault.yml'),
    (e: Error) =>
      e instanceof InputError &&
      e.message.includes('group_vars/all/vault.yml is encrypted with age, and no identity was found') &&
      e.message.includes('--identity FILE, $DROVER_AGE_IDENTITY_FILE, $DROVER_AGE_IDENTITY') &&
      e.message.includes(join(vault.dir, 'nowhere', 'drover', 'age-identity.txt')),
  );
  const missing = join(vault.dir, 'no-such-key.txt');
  assert.throws(() => new VaultKeys({ identityFiles: [missing], env }).identities(), (e: Error) => e instanceof InputError && e.message.includes(`${missing}: ENOENT`));
  assert.throws(() => new VaultKeys({ env: { DROVER_AGE_IDENTITY_FILE: missing } }).identities(), /\$DROVER_AGE_IDENTITY_FILE\) .*no-such-key\.txt: ENOENT/);
});

test('a file that is not an identity is refused without echoing its content', async () => {
  const wrong = join(vault.dir, 'wrong.txt');
  await writeFile(wrong, 'hunter2-pasted-here\n');
  assert.throws(
    () => new VaultKeys({ identityFiles: [wrong], env: {} }).identities(),
    (e: Error) => e instanceof InputError && /entry 1 is not AGE-SECRET-KEY-/.test(e.message) && !e.message.includes('hunter2'),
  );
});
