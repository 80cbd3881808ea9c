// A host with a known key must present one of its known keys, whatever the
// type: OpenSSH's accept-new refuses a server that now offers only ECDSA when
// an ed25519 key is on file (a type downgrade is a changed key). Only a host
// with no key at all is "new".
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SshConnection } from '../runner/connection/ssh.js';
import { ConnectionError } from '../runner/connection/types.js';
import { sshdConfig } from '../runner/testground/host-init.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';

const ECDSA_PORT = 2222;

describe('host key type downgrade', () => {
  let ground: TestGround;
  let dir: string;
  const opened: SshConnection[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'drover-hostkey-downgrade-'));
    ground = await startHosts({ count: 1, namePrefix: 'kd' });
    // The same host's sshd, started again with only an ECDSA host key (on its own port: the
    // ed25519 sshd is the host's PID 1). It dies with the host's namespace.
    const config = sshdConfig()
      .replace('Port 22', `Port ${ECDSA_PORT}`)
      .replace('HostKey /etc/ssh/ssh_host_ed25519_key', 'HostKey /etc/ssh/ssh_host_ecdsa_key')
      .replace('HostKeyAlgorithms ssh-ed25519', 'HostKeyAlgorithms ecdsa-sha2-nistp256');
    const steps = [
      ['ssh-keygen', '-q', '-t', 'ecdsa', '-b', '256', '-N', '', '-f', '/etc/ssh/ssh_host_ecdsa_key'],
      ['sh', '-c', 'cat > /run/ecdsa-sshd_config'],
      ['/usr/sbin/sshd', '-f', '/run/ecdsa-sshd_config'],
    ];
    for (const [i, argv] of steps.entries()) {
      const r = await ground.exec('kd1', argv, i === 1 ? { stdin: config } : {});
      assert.equal(r.rc, 0, `${argv.join(' ')}: ${r.stderr}`);
    }
  });
  after(async () => {
    await Promise.all(opened.map((c) => c.close()));
    await ground?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  function target(file: string) {
    return ground.target('kd1', { port: ECDSA_PORT, knownHostsFile: file, acceptNewHostKeys: true });
  }

  test('an ECDSA-only server for a host with a known ed25519 key is refused as changed, and nothing is appended', async () => {
    const h = ground.host('kd1');
    const file = join(dir, 'known_hosts');
    const ed25519 = h.hostKey.split(' ').slice(0, 2).join(' ');
    writeFileSync(file, `[${h.address}]:${ECDSA_PORT} ${ed25519}\n`, { mode: 0o600 });
    const c = new SshConnection(target(file));
    opened.push(c);
    const e = await c.connect().then(
      () => assert.fail('a downgraded host key was accepted'),
      (e: unknown) => e,
    );
    assert.ok(e instanceof ConnectionError, String(e));
    assert.equal(e.reason, 'host-key-changed', e.message);
    assert.match(e.message, /ecdsa-sha2-nistp256/);
    assert.ok(e.message.includes(`${file}:1`), e.message);
    assert.equal(readFileSync(file, 'utf8'), `[${h.address}]:${ECDSA_PORT} ${ed25519}\n`);
  });

  test('the same server is accepted as new when the host has no key on file', async () => {
    const file = join(dir, 'fresh_known_hosts');
    const c = new SshConnection(target(file));
    opened.push(c);
    assert.equal((await c.exec('hostname')).stdout, 'kd1\n');
    assert.match(readFileSync(file, 'utf8'), new RegExp(`^\\[${ground.host('kd1').address.replace(/\./g, '\\.')}\\]:${ECDSA_PORT} ecdsa-sha2-nistp256 `));
  });
});
