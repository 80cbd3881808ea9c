// wait_for: the /proc/net parser on captured text (pure), then the module on
// a real (namespace) host with listeners and clients started there (perl,
// which the test uses only to make sockets; the module needs no such tool).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import waitFor from '../modules/wait_for.js';
import { decodeAddress, normaliseAddress, parseNetSnapshot } from '../modules/support/proc-net.js';
import type { HostHandle } from '../runner/host/handle.js';
import { ModuleFailure } from '../runner/module-api.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

/** Captured from a Debian 12 host: a wildcard listener on 2024, a TIME_WAIT ssh connection; ::1:8080 and [::]:22 in tcp6. */
const SNAPSHOT = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 562 1 000000003c8d29e3 100 0 0 10 0
   1: 0131800A:C89C 0231800A:0016 06 00000000:00000000 03:00000136 00000000     0        0 0 3 000000007e683557
  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1 0 100 0 0 10 0
   1: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2 1 0 100 0 0 10 0
--local4
127.0.0.1
10.128.49.1
--local6
fd000000000000000000000000000002
00000000000000000000000000000001
`;

describe('/proc/net parsing (pure)', () => {
  test('sockets, states and addresses', () => {
    const s = parseNetSnapshot(SNAPSHOT);
    assert.deepEqual(s.sockets.map((k) => `${k.localAddress}:${k.localPort} ${k.state} ${k.remoteAddress}:${k.remotePort}`), [
      '0.0.0.0:2024 LISTEN 0.0.0.0:0',
      '10.128.49.1:51356 TIME_WAIT 10.128.49.2:22',
      '::1:8080 LISTEN :::0',
      ':::22 LISTEN :::0',
    ]);
    assert.deepEqual([...s.localAddresses].sort(), ['10.128.49.1', '127.0.0.1', '::1', 'fd00::2']);
  });
  test('address forms compare equal', () => {
    assert.equal(normaliseAddress('FD00:0:0::2'), 'fd00::2');
    assert.equal(normaliseAddress('::ffff:10.0.0.1'), '10.0.0.1');
    assert.equal(decodeAddress('0100007F'), '127.0.0.1');
  });
});

const NAME = 'waithost';
let ground: TestGround;
let host: HostHandle;
let address: string;

before(async () => {
  ground = await startHosts({ names: [NAME] });
  address = ground.host(NAME).address;
  host = await connectModuleHost(ground, NAME);
});
after(async () => {
  await stopModuleHost(ground);
});

/** Start a detached process on the host after `delay` seconds; returns its pid there. */
async function background(delay: number, perl: string, ...args: string[]): Promise<string> {
  const r = await ground.exec(NAME, ['sh', '-c', `(sleep "$1"; shift; exec perl -MIO::Socket::IP -e "$@") </dev/null >/dev/null 2>&1 & echo $!`, 'sh', String(delay), perl, ...args]);
  return r.stdout.trim();
}
const LISTEN = 'my $s = IO::Socket::IP->new(LocalHost => $ARGV[0], LocalPort => $ARGV[1], Listen => 5, ReuseAddr => 1) or die $@; sleep 600';
const CONNECT = 'my $c = IO::Socket::IP->new(PeerHost => $ARGV[0], PeerPort => $ARGV[1]) or die $@; sleep 600';
const kill = (pid: string) => ground.exec(NAME, ['sh', '-c', 'kill "$1" 2>/dev/null; pkill -P "$1" 2>/dev/null; true', 'sh', pid]);

async function waits(params: Record<string, unknown>, check = false) {
  const out = await runModule(host, waitFor, params, { check });
  assert.deepEqual(out.changes, [], 'wait_for never changes anything');
  assert.equal(out.changed, false);
  return out;
}

describe('ports', () => {
  test('a listener that is already up: done at once', async () => {
    const pid = await background(0, LISTEN, '127.0.0.1', '8080');
    try {
      const out = await waits({ port: 8080, timeout: 10, sleep: 0.2 });
      // A name is resolved on the target (here /etc/hosts: 127.0.0.1 localhost).
      await waits({ port: 8080, host: 'localhost', timeout: 10, sleep: 0.2 });
      assert.equal(out.result.port, 8080);
      assert.ok((out.result.elapsed as number) <= 2);
      // Check mode waits the same way: it is read-only.
      await waits({ port: 8080, timeout: 10, sleep: 0.2 }, true);
    } finally {
      await kill(pid);
    }
  });
  test('a listener that comes up later; stopped once it goes', async () => {
    const pid = await background(1.5, LISTEN, '0.0.0.0', '8081');
    const out = await waits({ port: 8081, host: address, timeout: 10, sleep: 0.2 });
    assert.ok((out.result.elapsed as number) >= 1);
    setTimeout(() => void kill(pid), 1000);
    await waits({ port: '8081', host: address, state: 'stopped', timeout: 10, sleep: 0.2 });
  });
  test('IPv6 loopback', async () => {
    const pid = await background(0, LISTEN, '::1', '8082');
    try {
      await waits({ port: 8082, host: '::1', timeout: 10, sleep: 0.2 });
    } finally {
      await kill(pid);
    }
  });
  test('bound to loopback only: the host address does not count', async () => {
    const pid = await background(0, LISTEN, '127.0.0.1', '8083');
    try {
      await assert.rejects(runModule(host, waitFor, { port: 8083, host: address, timeout: 1, sleep: 0.2 }), new RegExp(`Timeout when waiting for ${address.replace(/\./g, '\\.')}:8083$`));
    } finally {
      await kill(pid);
    }
  });
  test('timeout: clear message, elapsed in the result, msg overrides', async () => {
    await assert.rejects(runModule(host, waitFor, { port: 9, timeout: 1, sleep: 0.3 }), (e: ModuleFailure) => {
      assert.equal(e.message, 'Timeout when waiting for 127.0.0.1:9');
      assert.equal(e.result.elapsed, 1);
      return true;
    });
    await assert.rejects(runModule(host, waitFor, { port: 9, timeout: 1, msg: 'the app did not start' }), /^ModuleFailure: the app did not start$/);
  });
  test('drained: waits until established connections are gone', async () => {
    const server = await background(0, LISTEN, '127.0.0.1', '8084');
    const client = await background(0.5, CONNECT, '127.0.0.1', '8084');
    try {
      await new Promise((r) => setTimeout(r, 1500));
      const params = { port: 8084, state: 'drained', active_connection_states: ['ESTABLISHED'], timeout: 1, sleep: 0.2 };
      await assert.rejects(runModule(host, waitFor, params), /Timeout when waiting for 127\.0\.0\.1:8084 to drain/);
      setTimeout(() => void kill(client), 500);
      await waits({ ...params, timeout: 10 });
    } finally {
      await kill(client);
      await kill(server);
    }
  });
  test('a host that is not the target itself and no nc there: fails saying why', async () => {
    await assert.rejects(runModule(host, waitFor, { port: 22, host: '192.0.2.77', timeout: 2 }), /is not one of its addresses and it has no nc/);
  });
});

describe('files', () => {
  test('present, then a pattern with groups', async () => {
    setTimeout(() => void ground.exec(NAME, ['sh', '-c', 'echo starting > /tmp/app.log; sleep 1; echo "ready on port=8080 ü" >> /tmp/app.log']), 500);
    const present = await waits({ path: '/tmp/app.log', timeout: 10, sleep: 0.2 });
    assert.equal(present.result.path, '/tmp/app.log');
    const out = await waits({ path: '/tmp/app.log', search_regex: '^ready on port=(?P<port>\\d+) (\\S+)$', timeout: 10, sleep: 0.2 });
    assert.deepEqual(out.result.match_groups, ['8080', 'ü']);
    assert.deepEqual(out.result.match_groupdict, { port: '8080' });
  });
  test('absent', async () => {
    await ground.exec(NAME, ['touch', '/tmp/lock']);
    setTimeout(() => void ground.exec(NAME, ['rm', '/tmp/lock']), 700);
    await waits({ path: '/tmp/lock', state: 'absent', timeout: 10, sleep: 0.2 });
  });
  test('timeouts name what was awaited', async () => {
    await assert.rejects(runModule(host, waitFor, { path: '/tmp/never', timeout: 1 }), /^ModuleFailure: Timeout when waiting for file \/tmp\/never$/);
    await assert.rejects(runModule(host, waitFor, { path: '/tmp/app.log', search_regex: 'nope', timeout: 1 }), /Timeout when waiting for search string nope in \/tmp\/app\.log/);
    await assert.rejects(runModule(host, waitFor, { path: '/etc/passwd', state: 'absent', timeout: 1 }), /Timeout when waiting for \/etc\/passwd to be absent\./);
  });
  test('no port and no path: just waits', async () => {
    const start = Date.now();
    const out = await waits({ timeout: 1 });
    assert.ok(Date.now() - start >= 1000);
    assert.equal(out.result.elapsed, 1);
  });
  test('invalid combinations', async () => {
    await assert.rejects(runModule(host, waitFor, { port: 1, path: '/x' }), /port and path parameter can not both be passed/);
    await assert.rejects(runModule(host, waitFor, { path: '/x', state: 'drained' }), /state=drained should only be used for checking a port/);
  });
});

describe('hostile values never run', () => {
  const HOSTILE = [`it's "q"`, '$(touch /tmp/canary)', '`touch /tmp/canary`', '; touch /tmp/canary', '| touch /tmp/canary', 'line1\nline2', 'ü 漢字', '-rf', '*'];
  test('as a path that appears', async () => {
    for (const value of HOSTILE) {
      const path = `/tmp/${value.replace(/\//g, '_')}`;
      await assert.rejects(runModule(host, waitFor, { path, timeout: 0.3, sleep: 0.1 }), (e: Error) => e.message === `Timeout when waiting for file ${path}`);
      await ground.exec(NAME, ['touch', '--', path]);
      await waits({ path, timeout: 2, sleep: 0.1 });
    }
  });
  test('as a host name', async () => {
    for (const value of HOSTILE) {
      await assert.rejects(runModule(host, waitFor, { port: 22, host: value, timeout: 0.3, sleep: 0.1 }), (e: Error) => e.message === `Timeout when waiting for ${value}:22`);
    }
  });
  after(async () => {
    assert.notEqual((await ground.exec(NAME, ['test', '-e', '/tmp/canary'])).rc, 0, 'a hostile value was executed');
  });
});
