// Careless input gets a clear refusal, as in Ansible: a hosts list with
// items that are not patterns, a role dependency cycle (named), an error on
// a 300 KB line (the excerpt is cut around the column), and `vault encrypt
// -r R FILE` (the option takes one value, it does not swallow the file).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { defaultRegistry } from '../modules/registry.js';
import { loadPlaybook } from '../runner/playbook/load.js';
import { parseYaml } from '../runner/playbook/yaml-source.js';
import { makeVaultDir } from './support/vault.js';
import { runDrover } from './support/cli.js';

const loadError = (path: string) =>
  loadPlaybook(path, { registry: defaultRegistry }).then(
    () => assert.fail('accepted'),
    (e: Error) => e.message,
  );

describe('careless input', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-careless-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('hosts: [1, {a: 2}] is refused at each item, as Ansible refuses it; an empty list too', async () => {
    const file = join(dir, 'hosts.yml');
    writeFileSync(file, '- hosts: [1, {a: 2}]\n  tasks: []\n- hosts: []\n  tasks: []\n');
    const message = await loadError(file);
    assert.match(message, /hosts\.yml:1:\d+: play '.*': hosts list item 1 is number 1, not a host pattern string/);
    assert.match(message, /hosts\.yml:1:14: play '.*': hosts list item 2 is a mapping, not a host pattern string/);
    assert.match(message, /hosts\.yml:3:\d+: play '': hosts list cannot be empty/);
  });

  test('a role dependency cycle is refused with the cycle named', async () => {
    for (const [role, dep] of [['a', 'b'], ['b', 'c'], ['c', 'a']]) {
      mkdirSync(join(dir, 'roles', role!, 'meta'), { recursive: true });
      mkdirSync(join(dir, 'roles', role!, 'tasks'), { recursive: true });
      writeFileSync(join(dir, 'roles', role!, 'meta', 'main.yml'), `dependencies:\n  - ${dep}\n`);
      writeFileSync(join(dir, 'roles', role!, 'tasks', 'main.yml'), `- debug: {msg: ${role}}\n`);
    }
    const file = join(dir, 'roles.yml');
    writeFileSync(file, '- hosts: all\n  roles: [a]\n');
    assert.match(await loadError(file), /A recursion loop was detected with the roles specified \(a -> b -> c -> a\)\. Make sure child roles do not have dependencies on parent roles/);
  });

  test('an error on a 300 KB line shows about 200 characters around the column', () => {
    const text = `key: [${'1, '.repeat(100_000)}]]\n`;
    let message = '';
    try {
      parseYaml(text, 'long.yml');
    } catch (e) {
      message = (e as Error).message;
    }
    assert.match(message, /^long\.yml:1:\d+: YAML syntax error/);
    const [, shown = '', caret = ''] = message.split('\n');
    assert.ok(shown.length < 220, `excerpt line is ${shown.length} characters`);
    assert.match(shown, /^ {2}\.\.\.(1, )+/);
    assert.equal(shown[caret.indexOf('^')], ']');
  });

  test('drover vault encrypt -r RECIPIENT FILE encrypts FILE to that recipient', async () => {
    const vault = await makeVaultDir('drover-careless-vault-');
    try {
      const file = join(vault.dir, 'secret.yml');
      writeFileSync(file, 'db_pass: s3cret\n');
      const env = { DROVER_AGE_IDENTITY_FILE: '', DROVER_AGE_IDENTITY: '', DROVER_VAULT_PASSPHRASE: '', XDG_CONFIG_HOME: join(vault.dir, 'config') };
      const r = await runDrover(['vault', 'encrypt', '-r', vault.recipient, file], { cwd: vault.dir, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(readFileSync(file, 'utf8'), /age-encryption\.org|BEGIN AGE ENCRYPTED FILE/);
      const viewed = await runDrover(['vault', 'view', file, '--identity', vault.identityFile], { cwd: vault.dir, env });
      assert.equal(viewed.stdout, 'db_pass: s3cret\n', viewed.stderr);
    } finally {
      await vault.remove();
    }
  });
});
