// The ANSIBLE_* settings and flags Ansible's own runme.sh targets give
// ansible-playbook (stdout_callback=default, nocolor, force_color,
// retry_files_enabled, inject_facts_as_vars, `-i 'localhost,' -c local`) do in
// drover what they do in ansible-core 2.14: the assert target's recorded
// default-callback output is reproduced byte for byte, and the same playbook
// run by the real ansible-playbook and by drover prints the same bytes. What
// drover lacks (native Jinja types, another connection plugin)
// is refused, naming where it was set. The jsonfile fact cache (set_fact's
// target) and retry files are the files Ansible writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../runner/paths.js';
import { runDrover, runDroverOnTerminal } from './support/cli.js';

const ASSERT_TARGET = join(projectRoot(), 'test/ansible-targets/targets/assert');
const FIXTURE = join(projectRoot(), 'test/fixtures/ansible-settings/facts-and-host-list.yml');
/** What the assert target's runme.sh exports before it runs ansible-playbook. */
const RUNME_SETTINGS = { ANSIBLE_STDOUT_CALLBACK: 'default', ANSIBLE_FORCE_COLOR: '0', ANSIBLE_NOCOLOR: '1', ANSIBLE_RETRY_FILES_ENABLED: '0' };

/** runme.sh's `sed -e 's/ *$//'`: trailing spaces of every line dropped. */
const trimmed = (text: string) => text.replace(/ +$/gm, '');

for (const playbook of ['quiet', 'nested_tmpl']) {
  test(`--output ansible reproduces the assert target's recorded output of ${playbook}.yml byte for byte`, async () => {
    const r = await runDrover(['run', '-i', 'localhost,', '-c', 'local', `${playbook}.yml`, '--no-log'], { cwd: ASSERT_TARGET, env: RUNME_SETTINGS });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(trimmed(r.stdout), await readFile(join(ASSERT_TARGET, `assert.out.${playbook}.stdout`), 'utf8'));
    // The recorded stderr starts with the script's own `set -x` trace of the command.
    const recorded = (await readFile(join(ASSERT_TARGET, `assert.out.${playbook}.stderr`), 'utf8')).split('\n').slice(2).join('\n');
    assert.equal(trimmed(r.stderr), recorded);
  });
}

const ansiblePlaybook = promisify(execFile);

for (const inject of ['0', '1']) {
  test(`with ANSIBLE_INJECT_FACT_VARS=${inject}, ANSIBLE_FORCE_COLOR and a host list, drover prints what ansible-playbook prints`, async () => {
    const env: Record<string, string> = { ...RUNME_SETTINGS, ANSIBLE_FORCE_COLOR: '1', ANSIBLE_INJECT_FACT_VARS: inject };
    const args = ['-i', 'localhost,', '-c', 'local', FIXTURE];
    const oracle = await ansiblePlaybook('/usr/bin/ansible-playbook', args, { cwd: join(projectRoot(), 'test/fixtures/ansible-settings'), env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', NO_COLOR: '1', ...env } });
    const ours = await runDrover(['run', ...args, '--no-log'], { cwd: join(projectRoot(), 'test/fixtures/ansible-settings'), env });
    assert.equal(ours.code, 0, ours.stderr);
    assert.match(oracle.stdout, inject === '0' ? /injected=False/ : /injected=True/);
    assert.match(oracle.stdout, /\x1b\[0;32m/, 'force_color wins over nocolor, as in Ansible');
    assert.equal(ours.stdout, oracle.stdout);
    assert.equal(ours.stderr, oracle.stderr);
  });
}

test('native Jinja types and other connection plugins are refused, naming the setting; their defaults run', async () => {
  const playbook = join(ASSERT_TARGET, 'quiet.yml');
  const base = ['run', '-i', 'localhost,', playbook, '--no-log'];
  const native = await runDrover([...base, '-c', 'local'], { env: { ANSIBLE_JINJA2_NATIVE: '1' } });
  assert.equal(native.code, 5);
  assert.match(native.stderr, /jinja2_native = True \(env: ANSIBLE_JINJA2_NATIVE\): .*no native types mode/);
  const plugin = await runDrover([...base, '-c', 'docker']);
  assert.notEqual(plugin.code, 0);
  assert.match(plugin.stderr, /connection 'docker' is not supported: drover connects with ssh .* or local/);
  const transport = await runDrover([...base, '--json'], { env: { ANSIBLE_TRANSPORT: 'local', ANSIBLE_RETRY_FILES_ENABLED: 'false', ANSIBLE_JINJA2_NATIVE: 'False' } });
  assert.equal(transport.code, 0, `ANSIBLE_TRANSPORT=local is -c local's default: ${transport.stderr}`);
});

test('with retry files on, the failed hosts go to PLAYBOOK.retry as ansible-playbook writes it, and the line before the recap says so', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drover-retry-'));
  try {
    const playbook = join(projectRoot(), 'test/fixtures/ansible-settings/fail-one-host.yml');
    const args = ['-i', 'a,b,c,', '-c', 'local', playbook];
    const env = (tool: string) => ({ ...RUNME_SETTINGS, ANSIBLE_RETRY_FILES_ENABLED: '1', ANSIBLE_RETRY_FILES_SAVE_PATH: join(dir, tool) });
    const oracle = await ansiblePlaybook('/usr/bin/ansible-playbook', args, { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env('ansible') } }).catch((e: { stdout: string }) => e);
    const ours = await runDrover(['run', ...args, '--no-log'], { env: env('drover') });
    assert.equal(ours.code, 2, ours.stderr);
    assert.equal(await readFile(join(dir, 'drover', 'fail-one-host.retry'), 'utf8'), await readFile(join(dir, 'ansible', 'fail-one-host.retry'), 'utf8'));
    const retryLine = (out: string, tool: string) => out.split('\n').find((l) => l.includes('to retry'))?.replace(join(dir, tool), 'DIR');
    assert.equal(retryLine(ours.stdout, 'drover'), '\tto retry, use: --limit @DIR/fail-one-host.retry');
    assert.equal(retryLine(ours.stdout, 'drover'), retryLine(oracle.stdout, 'ansible'));
    assert.equal(ours.stdout.slice(ours.stdout.indexOf('\tto retry')).replace(join(dir, 'drover'), 'DIR'), oracle.stdout.slice(oracle.stdout.indexOf('\tto retry')).replace(join(dir, 'ansible'), 'DIR'), 'the retry line, then the recap');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('the jsonfile fact cache holds what Ansible\'s holds, byte for byte; a later run reads it (hostvars of a host no play reached too) and --flush-cache empties it', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'drover-fact-cache-'));
  try {
    const fixtures = join(projectRoot(), 'test/fixtures/ansible-settings');
    const run = async (tool: 'ansible' | 'drover', playbook: string, flags: string[] = []) => {
      const env = { ...RUNME_SETTINGS, ANSIBLE_CACHE_PLUGIN: 'jsonfile', ANSIBLE_CACHE_PLUGIN_CONNECTION: join(dir, tool), ANSIBLE_CACHE_PLUGIN_PREFIX: 'prefix_' };
      const args = ['-i', 'localhost,other,', '-c', 'local', ...flags, join(fixtures, playbook)];
      if (tool === 'ansible') return (await ansiblePlaybook('/usr/bin/ansible-playbook', args, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...env } })).stdout;
      const r = await runDrover(['run', ...args, '--no-log'], { cwd: dir, env });
      assert.equal(r.code, 0, r.stderr);
      return r.stdout;
    };
    for (const [playbook, flags] of [['cache-facts.yml', []], ['read-cached-facts.yml', []], ['read-cached-facts.yml', ['--flush-cache']]] as const) {
      const oracle = await run('ansible', playbook, [...flags]);
      const ours = await run('drover', playbook, [...flags]);
      if (playbook === 'cache-facts.yml') {
        // Two hosts: drover runs them independently, so its lines come in another order (docs/differences.md); the files are the same.
        for (const host of ['localhost', 'other']) assert.equal(await readFile(join(dir, 'drover', `prefix_${host}`), 'utf8'), await readFile(join(dir, 'ansible', `prefix_${host}`), 'utf8'));
      } else {
        assert.equal(ours, oracle, `${playbook} ${flags.join(' ')}`);
        if (flags.length === 0) assert.match(oracle, /"msg": "from_set_fact_on_localhost \[1, 'é'\] undefined from_set_fact_on_other"/);
      }
    }
    assert.match(await run('drover', 'read-cached-facts.yml'), /"msg": "undefined undefined undefined undefined"/, 'flushed');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('on a terminal, ANSIBLE_NOCOLOR (or NO_COLOR) turns the default callback\'s colours off, and ANSIBLE_FORCE_COLOR wins over it', async () => {
  const args = ['run', '-i', 'localhost,', '-c', 'local', join(ASSERT_TARGET, 'quiet.yml'), '--output', 'ansible', '--no-log'];
  const green = /\x1b\[0;32mok: \[localhost\]/;
  const colours = async (env: Record<string, string>) => {
    const r = await runDroverOnTerminal(args, { env: { ANSIBLE_FORCE_COLOR: '', ...env } });
    assert.equal(r.code, 0, r.stdout);
    assert.match(r.stdout, /ok: \[localhost\]/);
    return green.test(r.stdout);
  };
  assert.equal(await colours({}), true, 'a terminal gets colour');
  assert.equal(await colours({ ANSIBLE_NOCOLOR: '1' }), false);
  assert.equal(await colours({ NO_COLOR: '1' }), false);
  // Both name the one setting and the last one set wins, as in Ansible's config manager: an empty NO_COLOR is false.
  assert.equal(await colours({ ANSIBLE_NOCOLOR: '1', NO_COLOR: '' }), true);
  assert.equal(await colours({ ANSIBLE_NOCOLOR: '1', ANSIBLE_FORCE_COLOR: '1' }), true);
});
