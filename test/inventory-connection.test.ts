// Connection and become settings from host variables (already templated).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { becomeSettings, connectionTarget, loadInventory } from '../runner/inventory/index.js';

const me = os.userInfo().username;

const TARGETS: Array<[why: string, vars: Record<string, unknown>, expected: object]> = [
  ['defaults: ssh to the name, port 22, as the current user', {}, { transport: 'ssh', address: 'web01', port: 22, user: me }],
  [
    'ansible_* connection vars',
    { ansible_host: '10.0.0.1', ansible_port: 2222, ansible_user: 'deploy', ansible_ssh_private_key_file: 'keys/id', ansible_password: 'pw' },
    { address: '10.0.0.1', port: 2222, user: 'deploy', privateKeyFile: 'keys/id', password: 'pw' },
  ],
  [
    'drover_* wins over ansible_*',
    { ansible_host: '10.0.0.1', drover_host: '10.9.9.9', ansible_port: 2222, drover_port: '2200', ansible_user: 'a', drover_user: 'd' },
    { address: '10.9.9.9', port: 2200, user: 'd' },
  ],
  ['ansible_ssh_host wins over ansible_host (last in Ansible list)', { ansible_host: 'a', ansible_ssh_host: 'b' }, { address: 'b' }],
  ['a numeric string port (INI :vars)', { ansible_port: '2022' }, { port: 2022 }],
  ['ansible_connection=local', { ansible_connection: 'local', ansible_user: 'ignored' }, { transport: 'local', user: me }],
  ['drover_connection wins', { ansible_connection: 'local', drover_connection: 'ssh' }, { transport: 'ssh' }],
  ['smart means ssh', { ansible_connection: 'smart' }, { transport: 'ssh' }],
];

describe('connectionTarget', () => {
  for (const [why, vars, expected] of TARGETS) {
    it(why, () => {
      const t = connectionTarget('web01', vars);
      assert.equal(t.name, 'web01');
      assert.deepEqual(Object.fromEntries(Object.keys(expected).map((k) => [k, t[k as keyof typeof t]])), expected);
    });
  }

  it('rejects what it cannot use, naming the variable', () => {
    assert.throws(() => connectionTarget('h', { ansible_port: 'ssh' }), { message: 'host h: ansible_port must be a port number (1-65535), got "ssh"' });
    assert.throws(() => connectionTarget('h', { drover_port: 70000 }), { message: 'host h: drover_port must be a port number (1-65535), got 70000' });
    assert.throws(() => connectionTarget('h', { ansible_connection: 'docker' }), {
      message: 'host h: ansible_connection=docker is not supported (drover connects with ssh or local)',
    });
  });

  it('connects locally to the implicit localhost, over ssh to an inventory localhost', async () => {
    const dir = fileURLToPath(new URL('./fixtures/inventory/', import.meta.url));
    const inv = await loadInventory('yaml/all-features.yml', { cwd: dir });
    assert.equal(connectionTarget('localhost', inv.hostVars('localhost')).transport, 'local');
    assert.equal(connectionTarget('127.0.0.1', inv.hostVars('127.0.0.1')).transport, 'local');
    // Ansible's rule: a localhost written in the inventory is an ordinary ssh host.
    assert.equal(connectionTarget('localhost', { ansible_host: '127.0.0.1' }).transport, 'ssh');
  });
});

describe('becomeSettings', () => {
  it('defaults to no become, root, sudo', () => {
    assert.deepEqual(becomeSettings({}), { become: false, user: 'root', method: 'sudo' });
  });

  it('reads ansible_* and lets drover_* win', () => {
    assert.deepEqual(becomeSettings({ ansible_become: 'yes', ansible_become_user: 'postgres', ansible_become_pass: 's' }), {
      become: true,
      user: 'postgres',
      method: 'sudo',
      password: 's',
    });
    assert.equal(becomeSettings({ ansible_become: true, drover_become: 'False' }).become, false);
    assert.equal(becomeSettings({ ansible_become_user: 'a', drover_become_user: 'b' }).user, 'b');
  });

  it('rejects a become value that is not a boolean', () => {
    assert.throws(() => becomeSettings({ ansible_become: 'maybe' }, 'web01'), {
      message: 'host web01: ansible_become must be a boolean (yes/no, true/false), got "maybe"',
    });
  });
});
