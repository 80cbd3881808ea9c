// -u, --private-key, -T, -c and --ssh-common-args/--ssh-extra-args are defaults
// under a host's own variables (Ansible: ansible_user beats -u, and so on),
// and both beat ssh_config, which fills the rest. --version names the Ansible
// drover follows.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { connectionTarget } from '../runner/inventory/index.js';
import { runDrover } from './support/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-flags-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const config = join(dir, 'ssh_config');
writeFileSync(config, 'Host web1\n  User fromconfig\n  Port 2222\n  ProxyJump fromconfig-jump\nHost *-jump\n  User jumper\n');
process.env.DROVER_SSH_CONFIG = config;
const cli = { user: 'fromcli', privateKeyFile: '/cli/key', connectTimeoutMs: 3000, sshCommonArgs: '-o ProxyJump=cli-jump' };

test('command-line flags beat ssh_config', () => {
  const t = connectionTarget('web1', {}, cli);
  assert.equal(t.user, 'fromcli');
  assert.equal(t.privateKeyFile, '/cli/key');
  assert.equal(t.port, 2222, 'ssh_config fills what nothing else sets');
  assert.equal(t.connectTimeoutMs, 3000);
  assert.equal(t.via?.address, 'cli-jump');
});

test("a host's variables beat the command-line flags", () => {
  const t = connectionTarget('web1', { ansible_user: 'fromvars', ansible_ssh_private_key_file: '/vars/key', ansible_ssh_timeout: 7, ansible_port: 22, ansible_ssh_common_args: '-J vars-jump' }, cli);
  assert.equal(t.user, 'fromvars');
  assert.equal(t.privateKeyFile, '/vars/key');
  assert.equal(t.port, 22);
  assert.equal(t.connectTimeoutMs, 7000);
  assert.equal(t.via?.address, 'vars-jump');
  assert.equal(connectionTarget('web1', {}, {}).via?.user, 'jumper', "the jump host's own ssh_config block applies to it");
});

test("-c is the connection of hosts without ansible_connection; a host's ansible_connection beats it", () => {
  assert.equal(connectionTarget('web1', {}, { transport: 'local' }).transport, 'local');
  assert.equal(connectionTarget('web1', { ansible_connection: 'ssh' }, { transport: 'local' }).transport, 'ssh');
  assert.equal(connectionTarget('web1', { ansible_connection: 'local' }, { transport: 'ssh' }).transport, 'local');
  assert.equal(connectionTarget('web1', {}, {}).transport, 'ssh', 'ssh when neither says');
});

test('--version names drover and ansible-core 2.14', async () => {
  const r = await runDrover(['--version']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^drover \d+\.\d+\.\d+\n.*ansible-core 2\.14/);
});

test('an unsupported ssh option is refused before any host is contacted', async () => {
  writeFileSync(join(dir, 'hosts.ini'), 'web1 ansible_connection=ssh\n');
  const r = await runDrover(['run', 'test/fixtures/reach/site.yml', '-i', join(dir, 'hosts.ini'), '--ssh-common-args', '-o ForwardAgent=yes', '--json'], { env: { DROVER_SSH_CONFIG: 'none' } });
  assert.notEqual(r.code, 0);
  assert.match(r.stdout + r.stderr, /ForwardAgent is not supported by drover/);
});
