// ansible.cfg is found and read as ansible-core 2.14 does, and the order is
// Ansible's: a flag, then ANSIBLE_*, then the file, then the default. The
// oracle is the real `ansible-config dump --only-changed` on the same file and
// environment. Settings that would change the run and drover lacks are
// refused at file:line; unknown ones are listed with -v, never silently.
// Everything runs in temp directories with its own HOME: the machine's own
// configuration is never read.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findConfigFile, loadAnsibleConfig } from '../runner/config/ansible-config.js';
import { parseIni } from '../runner/config/ini.js';
import { projectRoot } from '../runner/paths.js';
import { jsonEvents, runDrover } from './support/cli.js';

let dir: string;
const playbook = join(projectRoot(), 'test', 'fixtures', 'ansible-cfg', 'show-settings.yml');
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'drover-ansible-cfg-'));
  await writeFile(join(dir, 'hosts'), 'localhost ansible_connection=local\n');
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The environment of one case: its own HOME, no ANSIBLE_* from the test's own, no system file. */
function envFor(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('ANSIBLE_')) env[k] = v;
  return { ...env, HOME: dir, DROVER_ANSIBLE_CONFIG: '', DROVER_ANSIBLE_SYSTEM_CONFIG: join(dir, 'no-system.cfg'), ...extra };
}

/** `ansible-config dump --only-changed` as NAME -> [origin, value]. */
function ansibleDump(env: Record<string, string>): Map<string, [string, string]> {
  const out = execFileSync('/usr/bin/ansible-config', ['dump', '--only-changed'], { cwd: dir, env: { ...env, ANSIBLE_NOCOLOR: '1' }, encoding: 'utf8' });
  const dump = new Map<string, [string, string]>();
  for (const m of out.matchAll(/^(\w+)\((.*?)\) = (.*)$/gm)) dump.set(m[1] as string, [m[2] as string, m[3] as string]);
  return dump;
}

test('ini text reads as configparser reads it: comments, inline ; after a space, continuation lines, keys in any case, [DEFAULT]', () => {
  const ini = parseIni('[DEFAULT]\nremote_user = fallback\n[defaults]\n# a comment\n; another\nFORKS : 7 ; inline comment\nmsg = a#b;c\nlong = first\n  second\n\n  third\n', 'x.cfg');
  assert.equal(ini.get('defaults', 'forks')?.value, '7');
  assert.equal(ini.get('defaults', 'forks')?.line, 6);
  assert.equal(ini.get('defaults', 'msg')?.value, 'a#b;c', "';' without a space before it is part of the value");
  assert.equal(ini.get('defaults', 'long')?.value, 'first\nsecond\n\nthird');
  assert.equal(ini.get('defaults', 'remote_user')?.value, 'fallback', '[DEFAULT] is seen by every section');
  assert.throws(() => parseIni('[defaults]\nforks = 1\nForks = 2\n', 'dup.cfg'), /dup\.cfg:3:1: .*option 'forks' in section 'defaults' already exists/);
  assert.throws(() => parseIni('forks = 1\n', 'nosection.cfg'), /nosection\.cfg:1:1: .*no section headers/);
});

test('the file is found in Ansible\'s order: ANSIBLE_CONFIG, then ./ansible.cfg (not in a world-writable directory), then ~/.ansible.cfg', async () => {
  const work = join(dir, 'order');
  await mkdir(join(work, 'cwd'), { recursive: true });
  await mkdir(join(work, 'home'), { recursive: true });
  for (const f of [join(work, 'explicit.cfg'), join(work, 'cwd', 'ansible.cfg'), join(work, 'home', '.ansible.cfg')]) await writeFile(f, '[defaults]\n');
  const env = { HOME: join(work, 'home'), DROVER_ANSIBLE_SYSTEM_CONFIG: join(work, 'none.cfg') };
  assert.equal(findConfigFile({ env: { ...env, ANSIBLE_CONFIG: join(work, 'explicit.cfg') }, cwd: join(work, 'cwd') }).file, join(work, 'explicit.cfg'));
  assert.equal(findConfigFile({ env: { ...env, ANSIBLE_CONFIG: join(work, 'cwd') }, cwd: work }).file, join(work, 'cwd', 'ansible.cfg'), 'a directory means its ansible.cfg');
  assert.equal(findConfigFile({ env, cwd: join(work, 'cwd') }).file, join(work, 'cwd', 'ansible.cfg'));
  assert.equal(findConfigFile({ env, cwd: work }).file, join(work, 'home', '.ansible.cfg'));
  await chmod(join(work, 'cwd'), 0o777);
  const open = findConfigFile({ env, cwd: join(work, 'cwd') });
  assert.equal(open.file, join(work, 'home', '.ansible.cfg'));
  assert.match(open.warnings.join('\n'), /world writable directory/);
  assert.equal(findConfigFile({ env: { ...env, DROVER_ANSIBLE_CONFIG: 'none' }, cwd: join(work, 'cwd') }).file, undefined);
});

test('values and their origins match ansible-config dump: the environment wins over the file', async () => {
  await writeFile(join(dir, 'ansible.cfg'), '[defaults]\nforks = 7\nremote_user = bob\ntimeout = 33\nroles_path = roles:~/more\n[privilege_escalation]\nbecome = yes\nbecome_user = app\n');
  for (const extra of [{}, { ANSIBLE_FORKS: '9', ANSIBLE_BECOME_USER: 'svc' }] as Record<string, string>[]) {
    const env = envFor(extra);
    const dump = ansibleDump(env);
    const cfg = loadAnsibleConfig({ env, cwd: dir });
    const pairs: [string, Parameters<typeof cfg.value>[0]][] = [['DEFAULT_FORKS', 'forks'], ['DEFAULT_REMOTE_USER', 'remote_user'], ['DEFAULT_TIMEOUT', 'timeout'], ['DEFAULT_BECOME', 'become'], ['DEFAULT_BECOME_USER', 'become_user'], ['DEFAULT_ROLES_PATH', 'roles_path']];
    for (const [ansibleName, name] of pairs) {
      const [origin, value] = dump.get(ansibleName) ?? [];
      assert.equal(cfg.origin(name), origin, `${name} origin with ${JSON.stringify(extra)}`);
      const ours = cfg.value(name);
      const shown = Array.isArray(ours) ? `[${ours.map((p) => `'${p}'`).join(', ')}]` : typeof ours === 'boolean' ? (ours ? 'True' : 'False') : String(ours);
      assert.equal(shown, value, `${name} value with ${JSON.stringify(extra)}`);
    }
  }
});

test('a run takes forks from the flag over ANSIBLE_FORKS over ansible.cfg', async () => {
  await writeFile(join(dir, 'ansible.cfg'), '[defaults]\nforks = 7\n');
  const forks = async (args: string[], env: Record<string, string>) => {
    const r = await runDrover(['run', playbook, '-i', join(dir, 'hosts'), '--json', ...args], { cwd: dir, env: envFor(env) });
    assert.equal(r.code, 0, r.stderr);
    const result = jsonEvents(r.stdout).find((e) => e.type === 'host.task.result' && e.task.name === 'forks') as { result?: { msg?: unknown } } | undefined;
    return result?.result?.msg;
  };
  assert.equal(await forks([], {}), 7);
  assert.equal(await forks([], { ANSIBLE_FORKS: '9' }), 9);
  assert.equal(await forks(['-f', '11'], { ANSIBLE_FORKS: '9' }), 11);
});

test('a setting that would change the run is refused at file:line; unknown ones are listed with -v only', async () => {
  await writeFile(join(dir, 'ansible.cfg'), '[defaults]\nforks = 3\n\ngathering = explicit\n');
  const refused = await runDrover(['run', playbook, '-i', join(dir, 'hosts')], { cwd: dir, env: envFor() });
  assert.equal(refused.code, 5, refused.stderr);
  assert.match(refused.stderr, /ansible\.cfg:4:1: ansible\.cfg: \[defaults\] gathering would change what the run does/);
  await writeFile(join(dir, 'ansible.cfg'), '[defaults]\nfrobnicate = 1\nnocows = 1\n[ssh_connection]\npipelining = False\n');
  const quiet = await runDrover(['run', playbook, '-i', join(dir, 'hosts')], { cwd: dir, env: envFor() });
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /frobnicate/);
  const verbose = await runDrover(['run', playbook, '-i', join(dir, 'hosts'), '-v'], { cwd: dir, env: envFor() });
  assert.equal(verbose.code, 0, verbose.stderr);
  assert.match(verbose.stderr, /ignored: \[defaults\] frobnicate .*ansible\.cfg:2\): not a setting ansible-core 2\.14 knows either/);
  assert.match(verbose.stderr, /ignored: \[defaults\] nocows .*:3\)/);
  assert.match(verbose.stderr, /pipelining = False .*drover always pipelines/);
  await writeFile(join(dir, 'ansible.cfg'), '[defaults]\nstdout_callback = yaml\n');
  const callback = await runDrover(['run', playbook, '-i', join(dir, 'hosts')], { cwd: dir, env: envFor() });
  assert.equal(callback.code, 5);
  assert.match(callback.stderr, /ansible\.cfg:2:1: .*stdout_callback = yaml: drover has no such output/);
});
