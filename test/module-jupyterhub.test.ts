// jupyterhub on a namespace host: Debian's JupyterHub 3 run by an init script
// (no systemd as PID 1 there), dummy authenticator, simple spawner, on the
// host's loopback. The module writes the config and a unit file, restarts the
// hub through `service`, and waits for /hub/api; the test then reads the
// hub's own pages from inside the host. The unit is only written and read
// here: starting it needs systemd (a QEMU guest).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import jupyterhub from '../modules/jupyterhub.js';
import { healthUrl, renderHubConfig } from '../modules/support/jupyterhub-config.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { installHubService, type HubService } from './support/jupyterhub.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

describe('rendering', () => {
  test('values become Python literals, never code', () => {
    const text = renderHubConfig({ bind_url: 'http://:8000', announcement: `"); import os; os.system("x") #\n'''`, admin_users: ['b', 'a', 'b'] });
    assert.match(text, /^c\.JupyterHub\.template_vars = \{"announcement": "\\"\); import os; os\.system\(\\"x\\"\) #\\n'''"\}$/m);
    assert.match(text, /^c\.Authenticator\.admin_users = \{"a", "b"\}$/m);
  });
  test('health URL: any-address binds are checked on loopback, under the base path', () => {
    assert.equal(healthUrl('http://:8000'), 'http://127.0.0.1:8000/hub/api');
    assert.equal(healthUrl('https://0.0.0.0:443/jhub/'), 'https://127.0.0.1/jhub/hub/api');
    assert.equal(healthUrl('http://10.0.0.5:8000/x'), 'http://10.0.0.5:8000/x/hub/api');
  });
});

const NAME = 'hubhost';
const HUB = 'http://127.0.0.1:8000';
const CONFIG = '/etc/jupyterhub/jupyterhub_config.py';
const UNIT = '/etc/systemd/system/jupyterhub.service';
let ground: TestGround;
let host: HostHandle;
let hub: HubService | undefined;

before(async () => {
  ({ ground, host } = await startModuleHost(NAME));
  hub = await installHubService(ground, NAME);
  // A custom error page, as hub operators keep one in a template directory.
  const r = await ground.exec(NAME, ['sh', '-c', 'mkdir -p /srv/hub-templates && cat > /srv/hub-templates/error.html'], {
    stdin: '{% extends "page.html" %}{% block main %}<p class="drover-error">Something broke ({{ status_code }}). Write to support.</p>{% endblock %}\n',
  });
  assert.equal(r.rc, 0, r.stderr);
});
after(async () => {
  await hub?.stop();
  await stopModuleHost(ground);
});

const params = (announcement: string) => ({
  bind_url: `${HUB}/`,
  authenticator_class: 'dummy',
  spawner_class: 'simple',
  admin_users: ['3a33be55004107d5202a4fcf32a0a2d804a9e137'],
  announcement,
  logout_redirect_url: 'https://www.example.test/goodbye',
  template_paths: ['/srv/hub-templates'],
  getting_started_url: 'https://www.example.test/getting-started.ipynb',
  extra_config: ["c.Spawner.args = ['--allow-root']"],
  service_manager: 'sysvinit',
  unit_path: UNIT,
  health_timeout: 30,
});

const fileOf = async (path: string) => {
  const r = await ground.exec(NAME, ['cat', path]);
  return r.rc === 0 ? r.stdout : null;
};

describe('jupyterhub converges', () => {
  test('check mode plans files and start, writes and starts nothing', async () => {
    // Debian's package ships a commented-out config at the same path.
    const shipped = await fileOf(CONFIG);
    const out = await runModule(host, jupyterhub, params('Maintenance <b>tonight</b>'), { check: true });
    assert.deepEqual(out.changes, [`${shipped === null ? 'create' : 'update'} ${CONFIG}`, `create ${UNIT}`, 'start jupyterhub']);
    assert.equal(await fileOf(CONFIG), shipped);
    assert.equal(await fileOf(UNIT), null);
    assert.equal(await hub!.pid(), null);
  });

  test('apply writes config and unit, starts the hub, waits for /hub/api; a second apply changes nothing', async () => {
    const first = await runModule(host, jupyterhub, params('Maintenance <b>tonight</b>'));
    assert.equal(first.changed, true);
    assert.equal(first.result.version, '3.0.0');
    assert.match((await fileOf(UNIT)) ?? '', /^ExecStart="\/usr\/bin\/jupyterhub" "-f" "\/etc\/jupyterhub\/jupyterhub_config\.py"$/m);
    const api = await hub!.fetch(`${HUB}/hub/api`);
    assert.deepEqual(JSON.parse(api.body), { version: '3.0.0' });
    const login = await hub!.fetch(`${HUB}/hub/login`);
    assert.equal(login.status, 200);
    assert.match(login.body, /announcement[^>]*>\s*Maintenance <b>tonight<\/b>/);
    const logout = await hub!.fetch(`${HUB}/hub/logout`);
    assert.deepEqual([logout.status, logout.location], [302, 'https://www.example.test/goodbye']);
    const missing = await hub!.fetch(`${HUB}/hub/no-such-page`);
    assert.equal(missing.status, 404);
    assert.match(missing.body, /class="drover-error">Something broke \(404\)/);

    const pid = await hub!.pid();
    const second = await runModule(host, jupyterhub, params('Maintenance <b>tonight</b>'));
    assert.deepEqual(second.changes, []);
    assert.equal(second.changed, false);
    assert.equal(await hub!.pid(), pid, 'an unchanged config restarted the hub');
  });

  test('a changed announcement: check mode shows the diff and restarts nothing; apply restarts and the page shows it', async () => {
    const pid = await hub!.pid();
    const planned = await runModule(host, jupyterhub, params('Back online'), { check: true });
    assert.deepEqual(planned.changes, [`update ${CONFIG}`, 'restart jupyterhub']);
    assert.match(planned.diff[0]?.before ?? '', /"announcement": "Maintenance <b>tonight<\/b>"/);
    assert.match(planned.diff[0]?.after ?? '', /"announcement": "Back online"/);
    assert.equal(await hub!.pid(), pid);
    assert.match((await fileOf(CONFIG)) ?? '', /tonight/);

    const applied = await runModule(host, jupyterhub, params('Back online'));
    assert.deepEqual(applied.changes, [`update ${CONFIG}`, 'restart jupyterhub']);
    const newPid = await hub!.pid();
    assert.ok(newPid !== null && newPid !== pid, `hub not restarted (pid ${pid} -> ${newPid})`);
    assert.match((await hub!.fetch(`${HUB}/hub/login`)).body, /announcement[^>]*>\s*Back online/);
    assert.deepEqual((await runModule(host, jupyterhub, params('Back online'))).changes, []);
  });

  test('a stopped hub is started again, with no file change', async () => {
    await hub!.stop();
    const out = await runModule(host, jupyterhub, params('Back online'));
    assert.deepEqual(out.changes, ['start jupyterhub']);
    assert.equal(out.result.version, '3.0.0');
  });

  test('a config the hub cannot start with fails the health check', async () => {
    const broken = { ...params('Back online'), extra_config: ['raise SystemExit("drover test: broken config")'], health_timeout: 3 };
    await assert.rejects(runModule(host, jupyterhub, broken), /jupyterhub did not become healthy/);
  });
});
