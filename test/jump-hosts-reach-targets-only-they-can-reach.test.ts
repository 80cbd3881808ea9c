// Targets on a network only a jump host reaches (the controller has no route
// there): 20 of them converge through one shared SSH connection to the jump
// host, a two-hop chain reaches a host behind a second jump host, a
// ProxyCommand (`ssh -W` through the jump host) reaches a target by an alias,
// and an unreachable jump host makes only its own targets unreachable.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectionSnapshot } from '../bench/host-counters.js';
import { runDrover, jsonEvents, recapOf } from './support/cli.js';

const targets = Array.from({ length: 20 }, (_, i) => `t${i + 1}`);
let ground: TestGround;
let dir: string;
let sshConfig: string;

before(async () => {
  ground = await startHosts({
    names: ['jump1', 'jump2', 'deep1', ...targets],
    segments: [
      { hosts: ['jump2', ...targets], via: ['jump1'] },
      { hosts: ['deep1'], via: ['jump2'] },
    ],
  });
  dir = await mkdtemp(join(tmpdir(), 'drover-jump-'));
  sshConfig = join(dir, 'ssh_config');
  const h = (n: string) => ground.host(n).address;
  const common = [`  User root`, `  IdentityFile ${ground.privateKeyFile}`, `  IdentitiesOnly yes`, `  UserKnownHostsFile ${ground.knownHostsFile}`, `  StrictHostKeyChecking yes`];
  await writeFile(
    sshConfig,
    [
      'Host jump1', `  HostName ${h('jump1')}`, ...common,
      'Host jump2', `  HostName ${h('jump2')}`, ...common,
      // The ProxyCommand alias: the inventory names it, ssh_config says where it is and how to get there.
      'Host t3.inner', `  HostName ${h('t3')}`, `  ProxyCommand ssh -F ${sshConfig} -W %h:%p jump1`, ...common,
      'Host deadjump', '  HostName 127.0.0.1', '  Port 9', ...common,
      '',
    ].join('\n'),
  );
  const key = `ansible_user=root ansible_ssh_private_key_file=${ground.privateKeyFile}`;
  await writeFile(
    join(dir, 'hosts.ini'),
    [
      '[inner]',
      ...targets.map((t) => `${t} ansible_host=${h(t)} ${key}`),
      '[inner:vars]',
      "ansible_ssh_common_args='-o ProxyJump=jump1'",
      '[chain]',
      `deep1 ansible_host=${h('deep1')} ${key} ansible_ssh_common_args='-J jump1,jump2'`,
      '[proxied]',
      't3.inner',
      '[lost]',
      `lost1 ansible_host=${h('t1')} ${key} ansible_ssh_common_args='-o ProxyJump=deadjump'`,
      `lost2 ansible_host=${h('t2')} ${key} ansible_ssh_common_args='-o ProxyJump=deadjump'`,
      '',
    ].join('\n'),
  );
  await writeFile(
    join(dir, 'site.yml'),
    ['- hosts: all', '  gather_facts: false', '  tasks:', '    - name: Leave a mark', '      copy:', '        dest: /tmp/drover-jump-mark', '        content: "{{ inventory_hostname }}\\n"', ''].join('\n'),
  );
});

after(async () => {
  await ground?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const drover = (...args: string[]) => runDrover(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts.ini'), '--known-hosts', ground.knownHostsFile, '--json', ...args], { env: { DROVER_SSH_CONFIG: sshConfig } });

test('the controller has no route to the inner networks', () => {
  for (const n of ['jump2', 'deep1', 't1']) {
    const route = spawnSync('ip', ['route', 'get', ground.host(n).address], { encoding: 'utf8' }).stdout;
    assert.doesNotMatch(route, new RegExp(`dev (${ground.network.bridge}|drvg)`), `${n}: ${route}`);
  }
  const direct = spawnSync('ssh', ['-F', 'none', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=2', '-i', ground.privateKeyFile, `root@${ground.host('t1').address}`, 'true'], { encoding: 'utf8' });
  assert.notEqual(direct.status, 0);
});

test('20 targets converge through one connection to the jump host, then report no change', async () => {
  const before = await connectionSnapshot(ground.hosts);
  const first = await drover('-l', 'inner');
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-2000));
  const after = await connectionSnapshot(ground.hosts);
  assert.equal((after.get('jump1') ?? 0) - (before.get('jump1') ?? 0), 1, 'one SSH connection to the jump host');
  for (const t of targets) {
    assert.equal((after.get(t) ?? 0) - (before.get(t) ?? 0), 1, `one SSH connection to ${t}`);
    assert.equal((await ground.exec(t, ['cat', '/tmp/drover-jump-mark'])).stdout, `${t}\n`);
  }
  const recap = recapOf(first.stdout);
  assert.deepEqual(targets.map((t) => recap[t]?.changed), targets.map(() => 1));
  const second = await drover('-l', 'inner');
  assert.equal(second.code, 0, second.stderr);
  assert.deepEqual(targets.map((t) => recapOf(second.stdout)[t]?.changed), targets.map(() => 0));
});

test('a two-hop chain and a ProxyCommand reach their targets; a dead jump host fails only its own targets, with the reason', async () => {
  const run = await drover('-l', 'chain:proxied:lost');
  assert.equal(run.code, 4, run.stderr + run.stdout.slice(-2000));
  const recap = recapOf(run.stdout);
  assert.equal(recap.deep1?.changed, 1);
  assert.equal((await ground.exec('deep1', ['cat', '/tmp/drover-jump-mark'])).stdout, 'deep1\n');
  assert.equal(recap['t3.inner']?.ok, 1);
  assert.equal((await ground.exec('t3', ['cat', '/tmp/drover-jump-mark'])).stdout, 't3.inner\n');
  assert.equal(recap.lost1?.unreachable, 1);
  assert.equal(recap.lost2?.unreachable, 1);
  const messages = jsonEvents(run.stdout).flatMap((e) => (e.type === 'host.task.result' && e.status === 'unreachable' ? [`${e.host}: ${e.message ?? ''}`] : []));
  for (const lost of ['lost1', 'lost2']) assert.ok(messages.some((m) => m.startsWith(`${lost}: `) && /jump host deadjump/.test(m) && /refused/i.test(m)), messages.join('\n'));
});
