// certbot against a real ACME server: Debian's pebble on the loopback of a
// namespace host, Debian's certbot run there by drover over ssh. The
// certificate is read back with openssl inside the host, not by the module.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import certbot from '../modules/certbot.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { startPebble, type Pebble } from './support/pebble.js';

const NAME = 'certhost';
let ground: TestGround;
let host: HostHandle;
let pebble: Pebble | undefined;

before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  pebble = await startPebble(ground, NAME);
  await inHost('mkdir -p /srv/www');
});
after(async () => {
  await pebble?.stop();
  await stopModuleHost(ground);
});

async function inHost(script: string): Promise<string> {
  const r = await ground.exec(NAME, ['sh', '-c', script]);
  if (r.rc !== 0) throw new Error(`${script}: ${r.stderr}`);
  return r.stdout;
}

const LIVE = '/srv/le/etc/live/hub';
/** SANs, key algorithm and serial of the live certificate, by openssl in the host. */
async function liveCert() {
  const text = await inHost(`openssl x509 -in ${LIVE}/cert.pem -noout -serial -text | grep -e serial= -e DNS: -e 'Public Key Algorithm'`);
  return {
    domains: [...text.matchAll(/DNS:([^,\s]+)/g)].map((m) => m[1]).sort(),
    algorithm: /Public Key Algorithm: (\S+)/.exec(text)?.[1],
    serial: /serial=(\S+)/.exec(text)?.[1],
  };
}

const params = (extra: Record<string, unknown> = {}) => ({
  cert_name: 'hub',
  domains: ['hub.example.test', 'www.hub.example.test'],
  server: pebble!.server,
  ca_bundle: pebble!.caBundle,
  webroot_path: '/srv/www',
  config_dir: '/srv/le/etc',
  work_dir: '/srv/le/work',
  logs_dir: '/srv/le/log',
  deploy_hook: 'echo "$RENEWED_DOMAINS" >> /srv/deployed.log',
  ...extra,
});

describe('certbot with pebble', () => {
  test('server has no default: a task without it is refused before any host is touched', async () => {
    const { server: _omitted, ...withoutServer } = params();
    await assert.rejects(runModule(host, certbot, withoutServer), /server/);
  });

  test('check mode plans the issuance and issues nothing', async () => {
    const out = await runModule(host, certbot, params(), { check: true });
    assert.deepEqual(out.changes, ['issue certificate hub for hub.example.test, www.hub.example.test']);
    assert.equal(out.diff[0]?.after, 'domains: hub.example.test www.hub.example.test\nkey_type: ecdsa\nexpires: (new certificate)\n');
    assert.equal(await inHost('[ -e /srv/le ] && echo exists || echo none'), 'none\n');
  });

  test('apply issues the certificate and runs the deploy hook; a second apply changes nothing', async () => {
    const first = await runModule(host, certbot, params());
    assert.equal(first.changed, true);
    const cert = await liveCert();
    assert.deepEqual(cert.domains, ['hub.example.test', 'www.hub.example.test']);
    assert.equal(cert.algorithm, 'id-ecPublicKey');
    assert.equal(await inHost('cat /srv/deployed.log'), 'hub.example.test www.hub.example.test\n');
    const second = await runModule(host, certbot, params());
    assert.deepEqual(second.changes, []);
    assert.equal(second.changed, false);
  });

  test('a changed domain list re-issues under the same name', async () => {
    const before = await liveCert();
    const changed = params({ domains: ['hub.example.test'] });
    const check = await runModule(host, certbot, changed, { check: true });
    assert.deepEqual(check.changes, ['re-issue certificate hub: domains hub.example.test, www.hub.example.test -> hub.example.test']);
    assert.deepEqual((await liveCert()).serial, before.serial, 'check mode re-issued');
    assert.equal((await runModule(host, certbot, changed)).changed, true);
    const after = await liveCert();
    assert.deepEqual(after.domains, ['hub.example.test']);
    assert.notEqual(after.serial, before.serial);
    assert.deepEqual((await runModule(host, certbot, changed)).changes, []);
  });

  test('a changed key type re-issues; expiry within renew_before_days renews', async () => {
    const rsa = params({ domains: ['hub.example.test'], key_type: 'rsa' });
    assert.deepEqual((await runModule(host, certbot, rsa)).changes, ['re-issue certificate hub: key type ecdsa -> rsa']);
    assert.equal((await liveCert()).algorithm, 'rsaEncryption');
    assert.deepEqual((await runModule(host, certbot, rsa)).changes, []);
    // pebble's certificates last 5 years: a 10-year window makes this one due.
    const due = await runModule(host, certbot, { ...rsa, renew_before_days: 3650 }, { check: true });
    assert.equal(due.changes.length, 1);
    assert.match(due.changes[0] ?? '', /^renew certificate hub: expires .* GMT, within 3650 days$/);
  });

  test('absent deletes the certificate; a second run changes nothing', async () => {
    const absent = { ...params(), state: 'absent' };
    assert.deepEqual((await runModule(host, certbot, absent, { check: true })).changes, ['delete certificate hub']);
    assert.equal(await inHost(`[ -e ${LIVE}/cert.pem ] && echo yes`), 'yes\n');
    assert.deepEqual((await runModule(host, certbot, absent)).changes, ['delete certificate hub']);
    assert.equal(await inHost(`[ -e ${LIVE} ] || [ -e /srv/le/etc/renewal/hub.conf ] || echo gone`), 'gone\n');
    assert.deepEqual((await runModule(host, certbot, absent)).changes, []);
  });

  test('a wildcard is refused without DNS hooks; with the manual authenticator the hooks publish and clean the challenge', async () => {
    const wildcard = params({ cert_name: 'star', domains: ['*.hub.example.test', 'hub.example.test'] });
    await assert.rejects(runModule(host, certbot, wildcard), /\*\.hub\.example\.test: a wildcard needs a DNS-01 challenge: use authenticator: manual/);
    const dns = {
      ...wildcard,
      authenticator: 'manual',
      manual_auth_hook: 'echo "publish _acme-challenge.$CERTBOT_DOMAIN $CERTBOT_VALIDATION" >> /srv/dns.log',
      manual_cleanup_hook: 'echo "remove _acme-challenge.$CERTBOT_DOMAIN" >> /srv/dns.log',
    };
    assert.equal((await runModule(host, certbot, dns)).changed, true);
    const log = await inHost('cat /srv/dns.log');
    assert.match(log, /^publish _acme-challenge\.hub\.example\.test \S{20,}$/m, 'the auth hook got the domain and the validation token');
    assert.match(log, /^remove _acme-challenge\.hub\.example\.test$/m);
    const sans = await inHost('openssl x509 -in /srv/le/etc/live/star/cert.pem -noout -ext subjectAltName');
    assert.match(sans, /DNS:\*\.hub\.example\.test/);
    assert.deepEqual((await runModule(host, certbot, dns)).changes, []);
  });
});
