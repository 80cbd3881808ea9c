// drover's ssh transport against real sshd hosts from the test ground: one
// connection per host, binary-safe stdin, exit codes, timeouts, failures
// reported by reason, and host keys checked the way OpenSSH checks them.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { fingerprint } from '../runner/connection/known-hosts.js';
import { SshConnection } from '../runner/connection/ssh.js';
import { DEFAULT_CONNECT_TIMEOUT_MS } from '../runner/connection/ssh-errors.js';
import { ConnectionError, type ConnectionFailure, type ConnectionTarget } from '../runner/connection/types.js';
import { quote } from '../runner/quote.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';

const run = promisify(execFile);

describe('ssh connection', () => {
  let ground: TestGround;
  let dir: string;
  let shared: SshConnection;
  const opened: SshConnection[] = [];

  /** A connection closed after the file's tests, whatever happens. */
  function connection(target: ConnectionTarget): SshConnection {
    const c = new SshConnection(target);
    opened.push(c);
    return c;
  }

  async function failure(promise: Promise<unknown>, reason: ConnectionFailure): Promise<ConnectionError> {
    const e = await promise.then(
      () => assert.fail(`expected a ConnectionError('${reason}')`),
      (e: unknown) => e,
    );
    assert.ok(e instanceof ConnectionError, `not a ConnectionError: ${String(e)}`);
    assert.equal(e.reason, reason, e.message);
    return e;
  }

  function knownHosts(name: string, content: string): string {
    const file = join(dir, name);
    writeFileSync(file, content);
    return file;
  }

  const keyBlob = (line: string) => Buffer.from(line.split(' ')[1] ?? '', 'base64');

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'drover-ssh-test-'));
    ground = await startHosts({ count: 2, namePrefix: 'ssh' });
    shared = connection(ground.target('ssh1'));
    await shared.connect();
  });
  after(async () => {
    // Connections first: a killed sshd does not end open sessions (MACHINE.md gotcha 1).
    await Promise.allSettled(opened.map((c) => c.close()));
    await ground?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('one connection serves many execs, sequential and concurrent', async (t) => {
    for (let i = 0; i < 50; i++) assert.equal((await shared.exec(`echo ${i}`)).stdout, `${i}\n`);
    const outs = await Promise.all(Array.from({ length: 20 }, (_, i) => shared.exec(`echo ${i}`)));
    assert.deepEqual(outs.map((r) => r.stdout), Array.from({ length: 20 }, (_, i) => `${i}\n`));
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      const start = performance.now();
      await shared.exec('true');
      times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    t.diagnostic(`exec round trip over an open connection: median ${times[50]?.toFixed(2)} ms, p90 ${times[90]?.toFixed(2)} ms`);
    assert.equal(shared.connectionsOpened, 1);
  });

  test('5 MB of binary stdin arrives byte for byte', async () => {
    const blob = randomBytes(5 * 1024 * 1024);
    const sha = createHash('sha256').update(blob).digest('hex');
    const r = await shared.exec('cat > /tmp/blob && wc -c < /tmp/blob && sha256sum < /tmp/blob', { stdin: blob });
    assert.equal(r.rc, 0, r.stderr);
    assert.equal(r.stdout, `${blob.length}\n${sha}  -\n`);
    // Checked again from outside ssh, inside the host.
    assert.equal((await ground.exec('ssh1', ['sha256sum', '/tmp/blob'])).stdout, `${sha}  /tmp/blob\n`);
  });

  test('string stdin and utf-8 output survive, split across packets', async () => {
    const text = 'żółw 日本語 🚀\n'.repeat(20_000);
    const r = await shared.exec('cat', { stdin: text });
    assert.equal(r.stdout, text);
  });

  test('a non-zero exit status is returned, not thrown', async () => {
    assert.deepEqual(await shared.exec('echo out; echo err >&2; exit 7'), { rc: 7, stdout: 'out\n', stderr: 'err\n' });
    assert.equal((await shared.exec('kill -TERM $$')).rc, 128 + 15);
  });

  test('a command over its timeout is killed and reported as timeout; the connection lives on', async () => {
    const start = Date.now();
    await failure(shared.exec('sleep 60', { timeoutMs: 300 }), 'timeout');
    // Well short of the sleep, with room for a busy machine: the timeout ended it.
    assert.ok(Date.now() - start < 30_000, `${Date.now() - start} ms`);
    assert.equal((await shared.exec('echo alive')).stdout, 'alive\n');
    assert.equal(shared.connectionsOpened, 1);
  });

  test('a value with shell syntax passes through quote() unchanged and runs nothing', async () => {
    const value = `it's "q" $(touch /tmp/canary1) \`touch /tmp/canary2\` ; touch /tmp/canary3 | touch /tmp/canary4 & touch /tmp/canary5 > /tmp/canary6 < /etc/passwd\nline 2 $HOME \\ * ? ~ -n %s żółw 日本語 🚀 \t end\n`;
    const r = await shared.exec(`printf %s ${quote(value)}`);
    assert.equal(r.stdout, value);
    assert.equal((await ground.exec('ssh1', ['sh', '-c', 'ls /tmp | grep canary || true'])).stdout, '');
  });

  test('any string without NUL survives quote() over ssh', async () => {
    // Shell syntax characters weighted in, plus any Unicode code point.
    const special = fc.constantFrom(...`'"\\$\`;|&<>()*?~!#{}[]= \t\n-%`.split(''), 'ż', '日', '🚀');
    // (fast-check's own 'binary' unit costs seconds to warm up; code points are the same thing.)
    const codePoint = fc.integer({ min: 1, max: 0x10ffff }).filter((c) => c < 0xd800 || c > 0xdfff).map((c) => String.fromCodePoint(c));
    const values = fc.sample(fc.string({ unit: fc.oneof(special, codePoint), maxLength: 40 }), { numRuns: 300, seed: 42 });
    const r = await shared.exec(`printf '%s\\0' ${values.map(quote).join(' ')}`);
    assert.deepEqual(r.stdout.split('\0').slice(0, -1), values);
  });

  test('a closed port is reported as refused, quickly', async () => {
    const start = Date.now();
    const e = await failure(connection(ground.target('ssh1', { port: 2222 })).connect(), 'refused');
    // Refused at once, not given up on after the handshake timeout.
    assert.ok(Date.now() - start < DEFAULT_CONNECT_TIMEOUT_MS / 2, `${Date.now() - start} ms`);
    assert.match(e.message, /ssh1 \(root@[\d.]+:2222\)/);
  });

  test('a server that never speaks SSH is reported as timeout', async (t) => {
    const server: Server = createServer(() => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    t.after(() => server.close());
    const port = (server.address() as { port: number }).port;
    const target = { ...ground.target('ssh1'), name: 'mute', address: '127.0.0.1', port, connectTimeoutMs: 300 };
    await failure(connection(target).connect(), 'timeout');
  });

  test('a wrong key is reported as auth failure', async () => {
    const key = join(dir, 'other_key');
    await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
    const e = await failure(connection(ground.target('ssh1', { privateKeyFile: key })).connect(), 'auth');
    assert.match(e.message, /authentication failed/);
  });

  test('without a key file, the ssh agent (SSH_AUTH_SOCK) is used', async (t) => {
    const sock = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    t.after(() => agent.kill('SIGKILL'));
    for (let i = 0; i < 200 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 10));
    await run('ssh-add', ['-q', ground.privateKeyFile], { env: { ...process.env, SSH_AUTH_SOCK: sock } });
    const saved = process.env.SSH_AUTH_SOCK;
    process.env.SSH_AUTH_SOCK = sock;
    t.after(() => (saved === undefined ? delete process.env.SSH_AUTH_SOCK : (process.env.SSH_AUTH_SOCK = saved)));
    const c = connection(ground.target('ssh2', { privateKeyFile: undefined }));
    assert.equal((await c.exec('hostname')).stdout, 'ssh2\n');
  });

  test('an unknown host key is refused with its fingerprint and how to accept it', async () => {
    const file = knownHosts('empty', '');
    const h = ground.host('ssh1');
    const e = await failure(connection(ground.target('ssh1', { knownHostsFile: file })).connect(), 'host-key-unknown');
    assert.ok(e.message.includes(fingerprint(keyBlob(h.hostKey))), e.message);
    assert.ok(e.message.includes(`ssh-keyscan -p 22 ${h.address} >> ${file}`), e.message);
    assert.ok(e.message.includes('--accept-new-host-keys'), e.message);
  });

  test('a changed host key is refused, even with acceptNewHostKeys, and known_hosts is left alone', async () => {
    const h = ground.host('ssh1');
    const impostor = ground.host('ssh2').hostKey.split(' ').slice(0, 2).join(' ');
    const file = knownHosts('changed', `# comment\n${h.address} ${impostor}\n`);
    const before = readFileSync(file, 'utf8');
    const e = await failure(connection(ground.target('ssh1', { knownHostsFile: file, acceptNewHostKeys: true })).connect(), 'host-key-changed');
    assert.ok(e.message.includes(fingerprint(keyBlob(h.hostKey))), e.message);
    assert.ok(e.message.includes(`${file}:2`), e.message);
    assert.equal(readFileSync(file, 'utf8'), before);
  });

  test('acceptNewHostKeys records the key (0600) and the next connection verifies against it', async () => {
    const file = join(dir, 'new', 'known_hosts');
    const first = connection(ground.target('ssh2', { knownHostsFile: file, acceptNewHostKeys: true }));
    await first.connect();
    const h = ground.host('ssh2');
    assert.equal(readFileSync(file, 'utf8'), `${h.address} ${h.hostKey.split(' ').slice(0, 2).join(' ')}\n`);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const second = connection(ground.target('ssh2', { knownHostsFile: file }));
    assert.equal((await second.exec('hostname')).stdout, 'ssh2\n');
  });

  test('hashed known_hosts entries (ssh-keygen -H) verify', async () => {
    const file = join(dir, 'hashed');
    copyFileSync(ground.knownHostsFile, file);
    await run('ssh-keygen', ['-H', '-f', file]);
    assert.match(readFileSync(file, 'utf8'), /^\|1\|/);
    assert.equal((await connection(ground.target('ssh2', { knownHostsFile: file })).exec('hostname')).stdout, 'ssh2\n');
  });

  test('a connection dropped during a command is reported as closed', async () => {
    const c = connection(ground.target('ssh2'));
    await c.connect();
    // Kill this session's sshd process (the parent of drover's long-lived remote shell): the TCP connection goes with it.
    await failure(c.exec('kill -KILL $(ps -o ppid= -p $PPID); sleep 5'), 'closed');
    await failure(c.exec('true'), 'closed');
    assert.equal(c.connectionsOpened, 1);
  });

  test('nothing was written to the real machine by these tests', () => {
    assert.equal(existsSync('/tmp/canary1'), false);
    assert.equal(existsSync('/tmp/blob') && statSync('/tmp/blob').size === 5 * 1024 * 1024, false);
  });
});
