// The `drover test` command as a user runs it (a child process): the example
// role passes, `--all` runs every scenario of a project and exits with the
// first failure's step code, a terminal gets the listr2 tree, `--keep` leaves
// hosts reachable with the printed ssh command until Ctrl-C, and a missing
// scenario is invalid input.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

const run = promisify(execFile);
const root = projectRoot();
const cli = ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts'];

describe('drover test', () => {
  test('roles/example_motd passes every step, each on a timed line', async () => {
    const r = await runDrover(['test', 'roles/example_motd']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const lines = r.stdout.split('\n');
    const step = (name: string) => lines.find((l) => l.trimStart().startsWith(`${name} `)) ?? '';
    for (const name of ['syntax', 'create', 'converge', 'idempotence', 'verify', 'destroy']) assert.match(step(name), /passed\s+\d+\.\d\d s/, `${name}: ${step(name)}`);
    assert.match(step('prepare'), /skipped\s+no prepare\.yml/);
    assert.match(step('converge'), /2 changed on 1 host/);
    assert.match(step('idempotence'), /0 changed on 1 host/);
    assert.match(r.stdout, /roles\/example_motd\/tests\/default\n/);
    assert.match(r.stdout, /PASSED in \d+\.\d\d s/);
  });

  test('--all runs every scenario of the project and exits with the first failed step\'s code', async () => {
    const r = await runDrover(['test', '--all', 'test/fixtures/scenarios']);
    assert.equal(r.code, 14, r.stdout + r.stderr);
    // Path order: roles (motd_stamp, peers, wrong_verify), then playbooks.
    const order = [...r.stdout.matchAll(/^test\/fixtures\/scenarios\/(\S+)$/gm)].map((m) => m[1]);
    assert.deepEqual(order, ['roles/motd_stamp/tests/default', 'roles/peers/tests/default', 'roles/wrong_verify/tests/default', 'playbooks/tests/hello']);
    assert.match(r.stdout, /changed: \[stamp1\] motd_stamp : Stamp the time of the last run/);
    assert.match(r.stdout, /FAILED at idempotence \(exit code 14\)/);
    assert.match(r.stdout, /FAILED at verify \(exit code 16\)/);
    // The playbook scenario runs prepare and side_effect, and its verify sees the side effect.
    assert.match(r.stdout, /side_effect\s+passed\s+\S+ s\s+1 changed on 1 host/);
    assert.match(r.stdout, /4 scenarios: 2 passed, 2 failed\n {2}test\/fixtures\/scenarios\/roles\/motd_stamp\/tests\/default: idempotence \(exit code 14\)\n {2}test\/fixtures\/scenarios\/roles\/wrong_verify\/tests\/default: verify \(exit code 16\)\n/);
  });

  test('on a terminal the steps are a listr2 tree', async () => {
    // `script` gives the command a real pseudo-terminal; its own output is the terminal's.
    const command = `stty cols 120 rows 40; exec ${[process.execPath, ...cli, 'test', 'test/fixtures/scenarios/roles/wrong_verify'].map((w) => `'${w}'`).join(' ')}`;
    const child = await run('script', ['-qec', command, '/dev/null'], { cwd: root, env: { ...process.env, NO_COLOR: '1', CI: '' }, encoding: 'utf8' }).catch((e: { code: number; stdout: string }) => e);
    const text = child.stdout.replace(/\r/g, '');
    assert.ok(text.includes('\x1b[2K'), 'no live redraw: not the listr tree renderer');
    assert.match(text, /✔ syntax {2}\d+\.\d\d s {2}scenario\.yml and 2 playbooks/);
    assert.match(text, /↓ prepare {2}no prepare\.yml/);
    assert.match(text, /↓ check {2}check: false in scenario\.yml/);
    assert.match(text, /✖ verify/);
    assert.match(text, /verify failed:\n {2}failed: \[app1\] The application listens on port 9090/);
    assert.match(text, /FAILED at verify \(exit code 16\)/);
  });

  test('--keep leaves the hosts up with a working ssh command until Ctrl-C, then destroys them', async () => {
    const child = spawn(process.execPath, [...cli, 'test', 'roles/example_motd', '--keep'], { cwd: root, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const deadline = Date.now() + 60_000;
      while (!out.includes('Destroy them with Ctrl-C') && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
      assert.match(out, /destroy\s+skipped\s+kept \(--keep\)/, out);
      const sshLine = /^ {4}motd1: (ssh .*)$/m.exec(out)?.[1];
      assert.ok(sshLine, out);
      const workspace = /Scenario files: (\S+)/.exec(out)?.[1];
      const groundDir = dirname(/ssh -i (\S+)/.exec(sshLine)?.[1] ?? '');
      assert.ok(workspace && existsSync(workspace) && existsSync(groundDir));
      const { stdout } = await run('sh', ['-c', `${sshLine} -o BatchMode=yes -o ConnectTimeout=5 cat /etc/motd`], { encoding: 'utf8' });
      assert.equal(stdout, 'motd1: Managed by drover / Tested by drover test\nQuestions: ops@example.invalid\n');
      child.kill('SIGINT');
      assert.equal(await exited, 0, out);
      assert.match(out, /Kept hosts destroyed\.\n$/);
      assert.equal(existsSync(workspace), false, 'scenario files left');
      assert.equal(existsSync(groundDir), false, 'ground dir left');
      await assert.rejects(run('sh', ['-c', `${sshLine} -o BatchMode=yes -o ConnectTimeout=2 true`]));
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  test('a role without that scenario is invalid input (exit 5) and lists the scenarios it has', async () => {
    const r = await runDrover(['test', 'roles/example_motd', '--scenario', 'nope']);
    assert.equal(r.code, 5);
    assert.match(r.stderr, /no scenario at roles\/example_motd\/tests\/nope .*; scenarios there: default/);
  });
});
