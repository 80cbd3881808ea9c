// cron on a real (namespace) host: user crontabs through Debian's own
// crontab(1) (the spool file is read back outside drover), and cron.d files.
// No cron daemon is needed to edit either.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import cron from '../modules/cron.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';

const NAME = 'cronhost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { inHost, content } = hostFiles(NAME, () => ground);

/** What cron itself will read for the user, outside drover. */
const crontab = (user: string) => inHost('crontab -u "$1" -l 2>&1 || true', [user]);

describe('cron: user crontab', () => {
  test('a job is added with an Ansible-compatible marker; check mode installs nothing', async () => {
    const params = { name: 'backup', minute: 5, hour: '2', job: '/usr/local/bin/backup --all', user: 'daemon' };
    const { first } = await convergeTwice(host, cron, params, () => crontab('daemon'));
    assert.deepEqual(first.changes, ['update crontab of daemon: set job backup']);
    assert.equal(await crontab('daemon'), '#Ansible: backup\n5 2 * * * /usr/local/bin/backup --all\n');
  });

  test('changing the schedule rewrites the entry in place; other lines stay', async () => {
    await inHost('crontab -u daemon -l | { cat; echo "@hourly date"; } | crontab -u daemon -');
    await convergeTwice(host, cron, { name: 'backup', special_time: 'daily', job: '/usr/local/bin/backup --all', user: 'daemon' }, () => crontab('daemon'));
    assert.equal(await crontab('daemon'), '#Ansible: backup\n@daily /usr/local/bin/backup --all\n@hourly date\n');
  });

  test("an entry under drover's marker is found and keeps it; a duplicate is removed", async () => {
    await inHost('printf "#drover: sync\\n* * * * * old\\n#drover: sync\\n* * * * * old\\n" | crontab -u daemon -');
    await convergeTwice(host, cron, { name: 'sync', minute: '*/10', job: 'rsync -a /a /b', user: 'daemon' }, () => crontab('daemon'));
    assert.equal(await crontab('daemon'), '#drover: sync\n*/10 * * * * rsync -a /a /b\n');
  });

  test('environment variables go first; disabled jobs are commented out', async () => {
    await convergeTwice(host, cron, { name: 'MAILTO', env: true, job: 'ops@example.org', user: 'daemon' }, () => crontab('daemon'));
    await convergeTwice(host, cron, { name: 'sync', minute: '*/10', job: 'rsync -a /a /b', user: 'daemon', disabled: true }, () => crontab('daemon'));
    assert.equal(await crontab('daemon'), 'MAILTO=ops@example.org\n#drover: sync\n#*/10 * * * * rsync -a /a /b\n');
  });

  test('absent removes the marker and its job', async () => {
    await convergeTwice(host, cron, { name: 'sync', state: 'absent', user: 'daemon' }, () => crontab('daemon'));
    await convergeTwice(host, cron, { name: 'MAILTO', env: true, state: 'absent', user: 'daemon' }, () => crontab('daemon'));
    assert.equal(await crontab('daemon'), '');
  });

  test('an unknown user fails with crontab\'s answer', async () => {
    await assert.rejects(runModule(host, cron, { name: 'x', job: 'true', user: 'nosuchuser' }), /cannot read the crontab of nosuchuser/);
  });
});

describe('cron: /etc/cron.d files', () => {
  const FILE = '/etc/cron.d/drover-test';
  const file = async () => String(await content(FILE));

  test('a job line carries its user; a hostile job is data', async () => {
    const job = "echo $(touch /canary) 'q' > /dev/null";
    const { first } = await convergeTwice(host, cron, { name: 'clean', cron_file: 'drover-test', hour: 3, minute: 0, user: 'nobody', job }, file);
    assert.deepEqual(first.changes, [`create ${FILE}: set job clean`]);
    assert.equal(await file(), `#Ansible: clean\n0 3 * * * nobody ${job}\n`);
    assert.equal(await inHost('[ -e /canary ] && echo found; true'), '');
  });

  test('the file goes when its last entry goes', async () => {
    await convergeTwice(host, cron, { name: 'clean', cron_file: FILE, state: 'absent' }, file);
    assert.equal(await content(FILE), null);
  });

  test('bad parameters fail before anything is read or written', async () => {
    await assert.rejects(runModule(host, cron, { name: 'x', special_time: 'daily', hour: 3, job: 'true', cron_file: 'x' }), /mutually exclusive/);
    await assert.rejects(runModule(host, cron, { name: 'x', job: 'a\nb', cron_file: 'x' }), /line break/);
    await assert.rejects(runModule(host, cron, { name: 'x', cron_file: 'x' }), /job is required/);
  });
});
