// get_url on a real host, downloading from a server this test starts on the
// ground's bridge: each case of fixtures/recorded/get_url-cases.json runs in
// check mode, then twice for real, and drover's registered result and the
// files left behind are compared with what ansible-core 2.14 did on the same
// case (get_url-results.json, recorded by record-http.ts against 127.0.0.1).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import getUrl from '../modules/get_url.js';
import { ModuleFailure } from '../runner/module-api.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { AUTH, FILE_BODY, startFixtureServer, type FixtureServer } from './support/http-fixture-server.js';
import { filesInHostDir, recordedCases, replayRecordedCase } from './support/http-recorded.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'geturl';
const { cases, recorded } = recordedCases('get_url');

let ground: TestGround;
let host: HostHandle;
let server: FixtureServer;
before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  server = await startFixtureServer(ground.network.gateway);
});
after(async () => {
  await server?.close();
  await stopModuleHost(ground);
});
const { fresh, inHost } = hostFiles(NAME, () => ground);

cases.forEach((c, index) => {
  // Ansible ran against 127.0.0.1:9 for "nothing listening"; the host's own loopback is as empty.
  test(`get_url: ${c.name}: check mode, first and second run register what Ansible registers`, () =>
    replayRecordedCase(c, recorded[index]!, { fresh: () => fresh(null), inHost, base: server.base, run: (params, check) => runModule(host, getUrl, params, { check }) }));
});

test('check mode sends HEAD only, and the password reaches the server but no process argument or result', async () => {
  const { dir } = await fresh(null);
  const params = { url: `${server.base}/auth/file.txt?slow`, dest: `${dir}/f.txt`, url_username: AUTH.user, url_password: AUTH.password, force_basic_auth: true };
  server.requests.length = 0;
  const checked = await runModule(host, getUrl, params, { check: true });
  assert.equal(checked.changed, true);
  assert.deepEqual(server.requests.map((r) => r.method), ['HEAD']);
  assert.deepEqual(await filesInHostDir(inHost, dir), {});
  // A process listing taken while curl runs: the password is in no argument vector.
  const watcher = inHost('for i in $(seq 1 200); do cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "; echo; sleep 0.01; done');
  const done = await runModule(host, getUrl, params);
  const seen = await watcher;
  assert.equal(done.changed, true);
  assert.match(seen, /curl -q -K -/, 'the watcher saw curl run');
  assert.ok(!seen.includes(AUTH.password), 'the password appeared in a process argument');
  assert.ok(!JSON.stringify(done.result).includes(AUTH.password));
  assert.equal(server.requests.at(-1)?.headers.authorization, `Basic ${Buffer.from(`${AUTH.user}:${AUTH.password}`).toString('base64')}`);
  assert.equal(await inHost('cat "$1/f.txt"', [dir]), FILE_BODY);
});

test('https: a self-signed certificate fails with Ansible\'s message unless validate_certs is false', async () => {
  const tls = await startFixtureServer(ground.network.gateway, { tls: true });
  try {
    const { dir } = await fresh(null);
    const params = { url: `${tls.base}/file.txt`, dest: `${dir}/f.txt` };
    // ansible-core 2.14's words for the same server (recorded against 127.0.0.1).
    const refused = 'Request failed: <urlopen error [SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate (_ssl.c:992)>';
    await assert.rejects(runModule(host, getUrl, params), (e) => e instanceof ModuleFailure && e.message === refused);
    assert.deepEqual(await filesInHostDir(inHost, dir), {});
    const done = await runModule(host, getUrl, { ...params, validate_certs: false });
    assert.equal(done.changed, true);
    assert.equal(await inHost('cat "$1/f.txt"', [dir]), FILE_BODY);
  } finally {
    await tls.close();
  }
});

test('a host without curl fails the task naming what is missing, before any request', async () => {
  const { dir } = await fresh(null);
  // The host's root is its own overlay: moving curl aside there leaves the machine's alone.
  await inHost('mv /usr/bin/curl /usr/bin/curl.away');
  server.requests.length = 0;
  try {
    await assert.rejects(runModule(host, getUrl, { url: `${server.base}/file.txt`, dest: `${dir}/f.txt` }), /get_url runs its request on the host with curl, and geturl has no curl in PATH/);
  } finally {
    await inHost('mv /usr/bin/curl.away /usr/bin/curl');
  }
  assert.deepEqual(server.requests, []);
});
