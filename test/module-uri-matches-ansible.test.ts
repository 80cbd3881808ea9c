// uri on a real host, asking a server this test starts on the ground's
// bridge: each case of fixtures/recorded/uri-cases.json runs in check mode
// (skipped, as Ansible skips uri there), then twice for real, and drover's
// registered result and the files left behind are compared with what
// ansible-core 2.14 did on the same case (uri-results.json, recorded by
// record-http.ts against 127.0.0.1).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import uri from '../modules/uri.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { AUTH, startFixtureServer, type FixtureServer } from './support/http-fixture-server.js';
import { recordedCases, replayRecordedCase } from './support/http-recorded.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'uri';
const { cases, recorded } = recordedCases('uri');

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
  test(`uri: ${c.name}: check mode, first and second run register what Ansible registers`, () =>
    replayRecordedCase(c, recorded[index]!, {
      fresh: () => fresh(null),
      inHost,
      base: server.base,
      run: (params, check) => {
        server.requests.length = 0;
        return runModule(host, uri, params, { check });
      },
      after: (run) => {
        if (run === 'check') assert.deepEqual(server.requests, [], 'check mode sent a request');
      },
    }));
});

// Ansible's url_password is no_log: an answer that echoes it registers ******** in its place
// (ansible-core 2.14 registers exactly this json for this request).
test('uri: the password in an echoed answer is masked as Ansible masks no_log values', async () => {
  const done = await runModule(host, uri, { url: `${server.base}/echo`, method: 'POST', body: `the secret is ${AUTH.password} ok`, url_username: 'u', url_password: AUTH.password, return_content: true });
  assert.deepEqual(done.result.json, { method: 'POST', body: 'the secret is ******** ok', 'content-type': 'application/x-www-form-urlencoded' });
  assert.ok(!JSON.stringify(done.result).includes(AUTH.password));
});
