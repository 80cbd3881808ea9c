// drover's reading of ssh_config against OpenSSH's own: for each host and
// command line, the settings drover applies equal what `ssh -G` prints (with
// %-tokens and ~ expanded, which `ssh -G` leaves for connect time).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { resolveSshSettings, type SshSettings } from '../runner/connection/ssh-config.js';
import { parseSshArgs } from '../runner/connection/ssh-target.js';

const dir = mkdtempSync(join(tmpdir(), 'drover-ssh-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'conf.d'));
writeFileSync(join(dir, 'conf.d', '10-login.conf'), 'Host login*\n  User hpc\n  ProxyJump gw.example:2222\n');
const config = join(dir, 'config');
writeFileSync(
  config,
  [
    `Include ${dir}/conf.d/*.conf`,
    'Host node? !node9',
    '  HostName %h.cluster',
    '  ProxyJump login1',
    '  IdentityFile ~/.ssh/node_%r',
    'Match host node9',
    '  Port 2201',
    'Match host *.cluster user root',
    '  ServerAliveInterval 30',
    'Host proxied',
    '  ProxyCommand ip netns exec inner nc %h %p',
    '  ProxyJump ignored-because-proxycommand-came-first',
    'Host NODE1',
    '  User upper',
    'Host *',
    '  Port 2200',
    '  User everyone',
    '  IdentityFile /keys/%h_%p',
    '  StrictHostKeyChecking accept-new',
    '  UserKnownHostsFile /kh/one /kh/two',
    '  ConnectTimeout 7',
    '',
  ].join('\n'),
);

function expand(value: string, s: { hostName: string; port: number; user: string; alias: string }): string {
  const v = value.replace(/%([hprn%])/g, (_, k: string) => ({ h: s.hostName, p: String(s.port), r: s.user, n: s.alias, '%': '%' })[k] as string);
  return v.startsWith('~/') ? join(homedir(), v.slice(2)) : v;
}

function openssh(alias: string, args: string[]): Partial<SshSettings> & Record<string, unknown> {
  const r = spawnSync('ssh', ['-G', '-F', config, ...args, alias], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const);
  const one = (k: string) => lines.find(([key]) => key === k)?.[1];
  const all = (k: string) => lines.filter(([key]) => key === k).map(([, v]) => v);
  const base = { alias, hostName: one('hostname') as string, port: Number(one('port')), user: one('user') as string };
  const jump = one('proxyjump');
  const command = one('proxycommand');
  const strict = one('stricthostkeychecking');
  return {
    ...base,
    identityFiles: all('identityfile').map((f) => expand(f, base)),
    strictHostKeyChecking: strict === 'ask' || strict === 'true' ? 'yes' : strict === 'false' ? 'no' : (strict as 'accept-new'),
    userKnownHostsFiles: (one('userknownhostsfile') as string).split(' '),
    connectTimeoutMs: one('connecttimeout') === 'none' ? undefined : Number(one('connecttimeout')) * 1000,
    serverAliveIntervalMs: Number(one('serveraliveinterval')) ? Number(one('serveraliveinterval')) * 1000 : undefined,
    proxyJump: jump ? jump.split(',') : undefined,
    proxyCommand: command ? expand(command, base) : undefined,
  };
}

function drover(alias: string, args: string[]): Record<string, unknown> {
  const { options } = parseSshArgs(args.join(' '), 'test');
  const s = resolveSshSettings({ alias, options, configFile: config });
  const { notApplied: _n, identitiesOnly: _i, serverAliveCountMax: _c, configFile: _f, ...compared } = s;
  return { ...compared, connectTimeoutMs: s.connectTimeoutMs, serverAliveIntervalMs: s.serverAliveIntervalMs, proxyJump: s.proxyJump, proxyCommand: s.proxyCommand };
}

describe('ssh_config is read as OpenSSH reads it', () => {
  const cases: Array<[string, string[]]> = [
    ['node1', []],
    ['NODE1', []],
    ['node9', []],
    ['node1', ['-o', 'User=root']],
    ['node2', ['-o', 'Port=22', '-o', 'User=alice', '-o', 'IdentityFile=/inv/key']],
    ['login1', []],
    ['login2', ['-o', 'ProxyJump=none']],
    ['proxied', []],
    ['10.1.2.3', ['-J', 'admin@bastion:2022,login1']],
    ['other', ['-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'ConnectTimeout=3']],
  ];
  for (const [alias, args] of cases) {
    test(`${alias} ${args.join(' ')}`.trim(), () => {
      assert.deepEqual(drover(alias, args), openssh(alias, args));
    });
  }

  test('an unsupported -o option in ssh_common_args is refused, not ignored', () => {
    assert.throws(() => parseSshArgs('-o ForwardAgent=yes', 'host web1: ansible_ssh_common_args'), /ForwardAgent is not supported by drover/);
    assert.throws(() => parseSshArgs('-A', 'host web1: ansible_ssh_common_args'), /-A is not supported by drover/);
  });

  test('harmless flags are accepted and -F is kept for the jump hosts', () => {
    assert.deepEqual(parseSshArgs(`-C -o ControlMaster=auto -oProxyJump=login1 -F ${config}`, 'x'), { options: [['ControlMaster', 'auto'], ['ProxyJump', 'login1']], configFile: config });
  });
});
