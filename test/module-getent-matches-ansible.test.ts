// getent on a real host against ansible-core 2.14's answers for the same
// lookups (test/fixtures/recorded/getent-results.json, recorded on a host
// with the same /etc/services, passwd and group): the getent_<database>
// variable (duplicate keys collected in lists), fail_key and the messages.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import getent from '../modules/getent.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const RECORDED: Record<string, { ansible_facts?: Record<string, unknown>; msg?: string; failed: boolean }> = JSON.parse(
  readFileSync(new URL('fixtures/recorded/getent-results.json', import.meta.url), 'utf8'),
);
const CASES: Record<string, Record<string, unknown>> = {
  'passwd root': { database: 'passwd', key: 'root' },
  'group root split': { database: 'group', key: 'root', split: ':' },
  services: { database: 'services' },
  'missing key, fail_key false': { database: 'passwd', key: 'nosuchuser', fail_key: false },
  'missing key': { database: 'passwd', key: 'nosuchuser' },
  'unknown database': { database: 'nosuchdb' },
  'services domain': { database: 'services', key: 'domain' },
};

const NAME = 'getenth';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { inHost } = hostFiles(NAME, () => ground);

test('the host has the databases the recording was made from', async () => {
  assert.equal(await inHost('sha1sum < /etc/services'), 'a0d7a229bf049f7fe17e8445226236e4024535d0  -\n');
  assert.match(await inHost('getent passwd root'), /^root:x:0:0:root:\/root:\/bin\/bash\n$/);
});

for (const [name, params] of Object.entries(CASES)) {
  test(`getent ${name}: as Ansible`, async () => {
    const recorded = RECORDED[name]!;
    for (const check of [true, false]) {
      if (recorded.failed) {
        await assert.rejects(runModule(host, getent, params, { check }), { message: recorded.msg });
        continue;
      }
      const r = await runModule(host, getent, params, { check });
      assert.equal(r.changed, false);
      assert.deepEqual(r.facts, recorded.ansible_facts);
      assert.deepEqual(r.result, { ansible_facts: recorded.ansible_facts, ...(recorded.msg ? { msg: recorded.msg } : {}) });
    }
  });
}
