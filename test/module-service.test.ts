// service / systemd. Namespace hosts have no systemd as PID 1, so:
//  - the sysvinit path (`service NAME status|start|...`, update-rc.d) runs for
//    real on a namespace host against a small init script;
//  - systemd planning is tested from captured `systemctl` output (fixtures);
//  - systemd's query script and commands run on a host whose `systemctl` is a
//    stand-in script keeping unit state in files and logging its argv.
// A test against real systemd needs a VM (the qemu test driver, later issue).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import service, { systemd as systemdModule } from '../modules/service.js';
import { decideService } from '../modules/support/services/decide.js';
import { systemd } from '../modules/support/services/systemd.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { AnyModule } from '../runner/module-api.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

// ---- systemd: planning from captured systemctl output ----

/** What the query script prints, for states captured from systemctl 252 (Debian 12). */
const fixture = (active: string, enabledRc: number, enabled: string, load = 'loaded') =>
  `active\t${active}\nenabled-rc\t${enabledRc}\nenabled\t${enabled}\nload\t${load}\n`;

const SYSTEMD_CASES: { name: string; output: string; wanted: Record<string, unknown>; actions: string[] | RegExp }[] = [
  { name: 'stopped+disabled -> started+enabled', output: fixture('inactive', 1, 'disabled'), wanted: { state: 'started', enabled: true }, actions: ['enable', 'start'] },
  { name: 'already running and enabled', output: fixture('active', 0, 'enabled'), wanted: { state: 'started', enabled: true }, actions: [] },
  { name: 'activating counts as running', output: fixture('activating', 0, 'enabled'), wanted: { state: 'started' }, actions: [] },
  { name: 'failed is not running', output: fixture('failed', 0, 'enabled'), wanted: { state: 'started' }, actions: ['start'] },
  { name: 'deactivating still needs stop', output: fixture('deactivating', 0, 'enabled'), wanted: { state: 'stopped' }, actions: ['stop'] },
  { name: 'static counts as enabled', output: fixture('inactive', 0, 'static'), wanted: { enabled: true }, actions: [] },
  { name: 'indirect counts as disabled', output: fixture('inactive', 0, 'indirect'), wanted: { enabled: true }, actions: ['enable'] },
  { name: 'restarted always acts', output: fixture('active', 0, 'enabled'), wanted: { state: 'restarted' }, actions: ['restart'] },
  { name: 'restarting a stopped unit starts it', output: fixture('inactive', 0, 'enabled'), wanted: { state: 'restarted' }, actions: ['start'] },
  { name: 'reloading a stopped unit starts it', output: fixture('inactive', 0, 'enabled'), wanted: { state: 'reloaded' }, actions: ['start'] },
  { name: 'masked -> unmasked', output: fixture('inactive', 1, 'masked', 'masked'), wanted: { masked: false }, actions: ['unmask'] },
  { name: 'mask a running unit and stop it', output: fixture('active', 0, 'enabled'), wanted: { masked: true, state: 'stopped' }, actions: ['mask', 'stop'] },
  { name: 'daemon_reload comes first', output: fixture('inactive', 1, 'disabled'), wanted: { daemon_reload: true, state: 'started' }, actions: ['daemon-reload', 'start'] },
  { name: 'unknown unit', output: fixture('inactive', 1, '', 'not-found'), wanted: { state: 'started' }, actions: /Could not find the requested service demo: host h1/ },
];

describe('systemd planning from systemctl output', () => {
  for (const c of SYSTEMD_CASES) {
    test(c.name, () => {
      const decide = () => decideService(systemd.parseQuery(c.output), { name: 'demo', ...c.wanted }, 'h1').actions;
      if (c.actions instanceof RegExp) assert.throws(decide, c.actions);
      else assert.deepEqual(decide(), c.actions);
    });
  }
  test('commands: the unit name is one word after --', () => {
    assert.equal(systemd.actionCommand('start', 'a b$(x)').text, "systemctl start -- 'a b$(x)'");
    assert.equal(systemd.actionCommand('daemon-reload', 'x').text, 'systemctl daemon-reload');
  });
});

// ---- real hosts ----

const NAME = 'svchost';
let ground: TestGround;
let host: HostHandle;

/** A well-behaved LSB init script: a detached sleep as the daemon, a pidfile, reloads counted in a file. */
const INIT_SCRIPT = `#!/bin/sh
### BEGIN INIT INFO
# Provides:          drover-demo
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: drover test daemon
### END INIT INFO
PIDFILE=/run/drover-demo.pid
running() { [ -f $PIDFILE ] && kill -0 "$(cat $PIDFILE)" 2>/dev/null; }
case "$1" in
  start) running || { setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > $PIDFILE; } ;;
  stop) if running; then kill "$(cat $PIDFILE)"; rm -f $PIDFILE; fi ;;
  restart) "$0" stop; "$0" start; echo restart >> /run/drover-demo.events ;;
  reload) running && echo reload >> /run/drover-demo.events ;;
  status) running && exit 0; exit 3 ;;
  *) exit 2 ;;
esac`;

/** systemctl stand-in: unit state in /run/fake-units/NAME.{active,enabled}; argv logged. */
const FAKE_SYSTEMCTL = `#!/bin/sh
printf '%s|' "$@" >> /run/systemctl.log; echo >> /run/systemctl.log
d=/run/fake-units
cmd=$1; shift
[ "$1" = --property=LoadState ] && { shift; shift; }
[ "$1" = -- ] && shift
u=$1
get() { cat "$d/$u.$1" 2>/dev/null || echo "$2"; }
known() { [ -e "$d/$u.unit" ]; }
case "$cmd" in
  daemon-reload) exit 0 ;;
  is-active) s=$(get active inactive); echo "$s"; [ "$s" = active ] ;;
  is-enabled) known || { echo "Failed to get unit file state for $u.service: No such file or directory" >&2; exit 1; }
    s=$(get enabled disabled); echo "$s"; [ "$s" = enabled ] ;;
  show) if known; then [ "$(get enabled disabled)" = masked ] && echo masked || echo loaded; else echo not-found; fi ;;
  start|restart) known || exit 5; [ "$(get enabled x)" = masked ] && exit 1; echo active > "$d/$u.active" ;;
  stop) echo inactive > "$d/$u.active" ;;
  reload) echo reload >> "$d/$u.events" ;;
  enable) echo enabled > "$d/$u.enabled" ;;
  disable|unmask) echo disabled > "$d/$u.enabled" ;;
  mask) echo masked > "$d/$u.enabled" ;;
  *) exit 1 ;;
esac`;

async function sh(script: string, ...args: string[]) {
  return ground.exec(NAME, ['sh', '-c', script, 'sh', ...args]);
}

before(async () => {
  ground = await startHosts({ names: [NAME] });
  const r = await ground.exec(NAME, ['sh', '-c', 'cat > /etc/init.d/drover-demo && chmod 755 /etc/init.d/drover-demo'], { stdin: INIT_SCRIPT });
  assert.equal(r.rc, 0, r.stderr);
  host = await connectModuleHost(ground, NAME);
});
after(async () => {
  await sh('[ -f /run/drover-demo.pid ] && kill "$(cat /run/drover-demo.pid)"; true');
  await stopModuleHost(ground);
});

const running = async () => (await sh('/etc/init.d/drover-demo status')).rc === 0;
const enabledLinks = async () => (await sh('ls /etc/rc2.d/ | grep -c "^S..drover-demo$"')).stdout.trim() === '1';
const events = async () => (await sh('cat /run/drover-demo.events 2>/dev/null')).stdout;

/** Apply, then apply again: the second run must plan `again` (none, except for restarted/reloaded). */
async function twice(module: AnyModule, params: Record<string, unknown>, first: string[], again: string[] = []) {
  const one = await runModule(host, module, params);
  assert.deepEqual(one.changes, first);
  const two = await runModule(host, module, params);
  assert.deepEqual(two.changes, again);
  assert.equal(two.changed, again.length > 0);
}

describe('service with init scripts (sysvinit path, for real)', () => {
  test('the host has no systemd: the service_mgr fact says so', async () => {
    assert.notEqual((await host.facts()).service_mgr, 'systemd');
  });
  test('check mode on fresh state lists the changes and starts nothing', async () => {
    const out = await runModule(host, service, { name: 'drover-demo', state: 'started', enabled: true }, { check: true });
    assert.deepEqual(out.changes, ['enable drover-demo', 'start drover-demo']);
    assert.equal(await running(), false);
    assert.equal(await enabledLinks(), false);
  });
  test('started + enabled', async () => {
    await twice(service, { name: 'drover-demo', state: 'started', enabled: true }, ['enable drover-demo', 'start drover-demo']);
    assert.equal(await running(), true);
    assert.equal(await enabledLinks(), true);
  });
  test('reloaded and restarted always act (as in Ansible)', async () => {
    await twice(service, { name: 'drover-demo', state: 'reloaded' }, ['reload drover-demo'], ['reload drover-demo']);
    await twice(service, { service: 'drover-demo', state: 'restarted' }, ['restart drover-demo'], ['restart drover-demo']);
    assert.equal(await events(), 'reload\nreload\nrestart\nrestart\n');
  });
  test('stopped + disabled', async () => {
    await twice(service, { name: 'drover-demo', state: 'stopped', enabled: false }, ['disable drover-demo', 'stop drover-demo']);
    assert.equal(await running(), false);
    assert.equal(await enabledLinks(), false);
  });
  test('reloading a stopped service starts it', async () => {
    const out = await runModule(host, service, { name: 'drover-demo', state: 'reloaded' });
    assert.deepEqual(out.changes, ['start drover-demo']);
    assert.equal(await running(), true);
  });
  test('an unknown service fails clearly', async () => {
    await assert.rejects(runModule(host, service, { name: 'drover-nope', state: 'started' }), /Could not find the requested service drover-nope: host svchost/);
  });
});

describe('systemd commands on a host with a stand-in systemctl', () => {
  before(async () => {
    const r = await ground.exec(NAME, ['sh', '-c', 'mkdir -p /run/fake-units && touch /run/fake-units/demo.unit && cat > /usr/local/bin/systemctl && chmod 755 /usr/local/bin/systemctl'], { stdin: FAKE_SYSTEMCTL });
    assert.equal(r.rc, 0, r.stderr);
  });
  after(async () => {
    await sh('rm -f /usr/local/bin/systemctl');
  });
  test('converge: check mode, apply, second apply', async () => {
    const params = { name: 'demo', state: 'started', enabled: true, use: 'systemd' };
    const check = await runModule(host, service, params, { check: true });
    assert.deepEqual(check.changes, ['enable demo', 'start demo']);
    assert.equal((await sh('cat /run/fake-units/demo.active 2>/dev/null || echo none')).stdout, 'none\n');
    await twice(service, params, ['enable demo', 'start demo']);
    await twice(systemdModule, { name: 'demo', masked: true, state: 'stopped' }, ['mask demo', 'stop demo']);
    await twice(systemdModule, { unit: 'demo', masked: false }, ['unmask demo']);
    await assert.rejects(runModule(host, service, { name: 'ghost', state: 'started', use: 'systemd' }), /Could not find the requested service ghost/);
  });
  test('argv reaching systemctl', async () => {
    await sh('rm -f /run/systemctl.log');
    await runModule(host, systemdModule, { name: 'demo', state: 'restarted', daemon_reload: true });
    const log = (await sh('cat /run/systemctl.log')).stdout.split('\n').filter((l) => l !== '');
    assert.deepEqual(log, [
      'is-active|--|demo|', 'is-enabled|--|demo|', 'show|--property=LoadState|--value|--|demo|',
      'daemon-reload|',
      'is-active|--|demo|', 'is-enabled|--|demo|', 'show|--property=LoadState|--value|--|demo|',
      // The unit was left stopped above: restarting a stopped unit starts it.
      'start|--|demo|',
      'is-active|--|demo|', 'is-enabled|--|demo|', 'show|--property=LoadState|--value|--|demo|',
    ]);
  });
});

describe('hostile names', () => {
  const REFUSED = ['-rf', '--help', 'a b', 'line1\nline2', '../etc/passwd', '$(touch /tmp/canary)'];
  const PASSED = ['$(cd;touch${IFS}canary)', '`cd;touch${IFS}canary`', ';cd;touch${IFS}canary', '|cd;touch${IFS}canary', "it's", 'ünï', '*', '"'];
  test('names that could be options, paths or several words are refused by the schema', async () => {
    for (const name of REFUSED) await assert.rejects(runModule(host, service, { name, state: 'started' }), /parameter 'name' must match pattern/);
  });
  test('other names reach the tools as one word and are simply not found', async () => {
    for (const name of PASSED) {
      await assert.rejects(runModule(host, service, { name, state: 'started', enabled: true }), (e: Error) => e.message.includes(`requested service ${name}:`));
    }
  });
  after(async () => {
    assert.equal((await sh('ls /root/canary /canary /tmp/canary 2>/dev/null')).stdout, '', 'a hostile name was executed');
  });
});
