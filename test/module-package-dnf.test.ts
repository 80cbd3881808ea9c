// The dnf backend cannot run for real here (Debian machine, no dnf, no RPM
// repositories). What is tested: (1) the pure decision and the exact commands
// for captured `rpm -q` / `dnf check-update` output; (2) the real query
// script and command quoting on a namespace host where `rpm` and `dnf` are
// stand-in scripts that answer from fixtures and log the argv they receive.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pkg, { dnf as dnfModule } from '../modules/package.js';
import { decide } from '../modules/support/packages/decide.js';
import { dnf } from '../modules/support/packages/dnf.js';
import type { PackageOptions } from '../modules/support/packages/types.js';
import type { HostHandle } from '../runner/host/handle.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

/** What `dnf -q check-update` prints on Fedora (captured shape, including an Obsoleting section). */
const CHECK_UPDATE = `
drover-old.noarch                     1.1-1.fc40                 updates
kernel-core.x86_64                    6.8.9-300.fc40             updates
Obsoleting Packages
grub2-tools.x86_64                    1:2.06-121.fc40            updates
    grub2-tools.x86_64                1:2.06-116.fc40            @updates`;

const QUERY_OUTPUT = `pkg\tinstalled\t1.0-1.fc40.noarch
pkg\tinstalled\t1.0-1.fc40.noarch
pkg\tmissing\t
updates
${CHECK_UPDATE}
check-update-rc\t100
`;

const REQUESTS = ['drover-installed', 'drover-old', 'drover-missing'].map((n) => dnf.parseRequest(n));

describe('dnf plan from captured output (pure)', () => {
  const CASES: { name: string; options: PackageOptions; output: string; changes: string[]; commands: string[] }[] = [
    {
      name: 'latest: install the missing one, upgrade the outdated one',
      options: { state: 'latest' },
      output: QUERY_OUTPUT,
      changes: ['install drover-missing', 'upgrade drover-old: 1.0-1.fc40.noarch -> 1.1-1.fc40'],
      commands: ['dnf -y -q install -- drover-missing', 'dnf -y -q upgrade -- drover-old'],
    },
    {
      name: 'present: only the missing one',
      options: { state: 'present' },
      output: 'pkg\tinstalled\t1.0-1.fc40.noarch\npkg\tinstalled\t1.0-1.fc40.noarch\npkg\tmissing\t\n',
      changes: ['install drover-missing'],
      commands: ['dnf -y -q install -- drover-missing'],
    },
    {
      name: 'absent: remove the installed ones',
      options: { state: 'absent' },
      output: 'pkg\tinstalled\t1.0-1.fc40.noarch\npkg\tinstalled\t1.0-1.fc40.noarch\npkg\tmissing\t\n',
      changes: ['remove drover-installed 1.0-1.fc40.noarch', 'remove drover-old 1.0-1.fc40.noarch'],
      commands: ['dnf -y -q remove -- drover-installed drover-old'],
    },
    {
      name: 'repositories, gpg and weak deps become flags; update_cache refreshes first',
      options: { state: 'present', update_cache: true, enablerepo: ['epel'], disablerepo: ['updates-testing'], disable_gpg_check: true, install_weak_deps: false },
      output: 'pkg\tinstalled\t1.0-1.fc40.noarch\npkg\tinstalled\t1.0-1.fc40.noarch\npkg\tmissing\t\n',
      changes: ['update the package cache', 'install drover-missing'],
      commands: [
        'dnf -q --enablerepo=epel --disablerepo=updates-testing --nogpgcheck --setopt=install_weak_deps=False makecache --refresh',
        'dnf -y -q --enablerepo=epel --disablerepo=updates-testing --nogpgcheck --setopt=install_weak_deps=False install -- drover-missing',
      ],
    },
    {
      name: 'everything in place: no change, and no refresh either',
      options: { state: 'latest', update_cache: true },
      output: 'pkg\tinstalled\t1.1-1.fc40.noarch\npkg\tinstalled\t1.0-1.fc40.noarch\npkg\tinstalled\t2-1.noarch\nupdates\n\ncheck-update-rc\t0\n',
      changes: [],
      commands: [],
    },
  ];
  for (const c of CASES) {
    test(c.name, () => {
      const { statuses, cacheStale } = dnf.parseQuery(c.output, REQUESTS, c.options);
      const { actions, changes } = decide(statuses, c.options, cacheStale);
      assert.deepEqual(changes, c.changes);
      assert.deepEqual(dnf.commands(actions, c.options).map((cmd) => cmd.text), c.commands);
    });
  }
  test('a failing check-update fails the plan', () => {
    const output = 'pkg\tinstalled\t1\npkg\tinstalled\t1\npkg\tmissing\t\nupdates\nError: Failed to download metadata\ncheck-update-rc\t1\n';
    assert.throws(() => dnf.parseQuery(output, REQUESTS, { state: 'latest' }), /dnf check-update failed \(rc 1\)/);
  });
  test('globs, groups, options and version operators are refused', () => {
    for (const spec of ['kernel*', '@core', '-y', 'foo >= 1.0', '$(id)', '']) assert.throws(() => dnf.parseRequest(spec), /invalid package name/);
  });
});

// ---- the query script and the commands, run by a real shell on a host with stand-in tools ----

const NAME = 'dnfhost';
let ground: TestGround;
let host: HostHandle;

const FAKE_RPM = `#!/bin/sh
# rpm -q --qf FMT -- NAME: answers from a fixture list.
for last; do :; done
case "$last" in
  drover-installed|drover-old) echo 1.0-1.fc40.noarch ;;
  *) echo "package $last is not installed"; exit 1 ;;
esac`;

const FAKE_DNF = `#!/bin/sh
# Logs its argv (one word per line, then ---), answers check-update from the fixture.
for a; do printf '%s\\n' "$a"; done >> /tmp/dnf.log
echo --- >> /tmp/dnf.log
case " $* " in *" check-update "*) cat /tmp/check-update.txt; exit 100 ;; esac
exit 0`;

before(async () => {
  ground = await startHosts({ names: [NAME] });
  const install = async (path: string, text: string) => {
    const r = await ground.exec(NAME, ['sh', '-c', 'cat > "$1" && chmod 755 "$1"', 'sh', path], { stdin: text });
    assert.equal(r.rc, 0, r.stderr);
  };
  await install('/usr/local/bin/rpm', FAKE_RPM);
  await install('/usr/local/bin/dnf', FAKE_DNF);
  await install('/tmp/check-update.txt', `${CHECK_UPDATE}\n`);
  host = await connectModuleHost(ground, NAME);
});
after(async () => {
  await stopModuleHost(ground);
});

async function dnfLog(): Promise<string[][]> {
  const r = await ground.exec(NAME, ['sh', '-c', 'cat /tmp/dnf.log 2>/dev/null; rm -f /tmp/dnf.log']);
  return r.stdout.split('---\n').filter((s) => s !== '').map((s) => s.replace(/\n$/, '').split('\n'));
}

describe('dnf backend on a host with stand-in rpm and dnf', () => {
  test('check mode runs only the read-only query', async () => {
    const out = await runModule(host, dnfModule, { name: ['drover-installed', 'drover-old', 'drover-missing'], state: 'latest', enablerepo: 'epel' }, { check: true });
    assert.deepEqual(out.changes, ['install drover-missing', 'upgrade drover-old: 1.0-1.fc40.noarch -> 1.1-1.fc40']);
    assert.deepEqual(await dnfLog(), [['-q', '--enablerepo=epel', 'check-update', '--', 'drover-installed', 'drover-old', 'drover-missing']]);
  });
  test('apply runs install then upgrade, each word intact', async () => {
    await runModule(host, pkg, { name: ['drover-installed', 'drover-old', 'drover-missing'], state: 'latest', use: 'dnf' });
    assert.deepEqual(await dnfLog(), [
      ['-q', 'check-update', '--', 'drover-installed', 'drover-old', 'drover-missing'],
      ['-y', '-q', 'install', '--', 'drover-missing'],
      ['-y', '-q', 'upgrade', '--', 'drover-old'],
    ]);
  });
  test('hostile repository ids stay one word each', async () => {
    const repo = '$(touch /tmp/canary); `touch /tmp/canary` | x';
    await runModule(host, dnfModule, { name: 'drover-missing', enablerepo: [repo] });
    assert.deepEqual(await dnfLog(), [['-y', '-q', `--enablerepo=${repo}`, 'install', '--', 'drover-missing']]);
    assert.notEqual((await ground.exec(NAME, ['test', '-e', '/tmp/canary'])).rc, 0);
  });
});
