// The first Ctrl-C on a hung task says what the run is waiting for and that a
// second Ctrl-C aborts; the message goes through the reporter (a JSON
// `run.interrupted` event with --json). The second Ctrl-C leaves at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { projectRoot } from '../runner/paths.js';
import { runsBelow, untilRunning } from './support/processes.js';

interface Interrupted {
  code: number | null;
  stdout: string;
  /** Output when the first Ctrl-C had been answered. */
  afterFirst: string;
}

describe('first Ctrl-C', () => {
  const dir = mkdtempSync(join(tmpdir(), 'drover-ctrl-c-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'hosts.ini'), 'local ansible_connection=local\n');
  writeFileSync(join(dir, 'hung.yml'), '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: Wait for the lock\n      command: sleep 30\n');

  /** Run, send Ctrl-C once the task's command runs, wait until `answered` shows, then Ctrl-C again. */
  async function interrupt(output: string[], answered: RegExp): Promise<Interrupted> {
    const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts', 'run', join(dir, 'hung.yml'), '-i', join(dir, 'hosts.ini'), ...output], {
      cwd: projectRoot(),
      env: { ...process.env, NO_COLOR: '1' },
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const until = async (re: RegExp) => {
      while (!re.test(stdout) && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    };
    // The task is running once its command is (a local connection: a descendant of drover).
    await untilRunning(child, 'sleep 30', () => runsBelow(child.pid!, 'sleep 30'));
    child.kill('SIGINT');
    await until(answered);
    const afterFirst = stdout;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    return { code, stdout, afterFirst };
  }

  test('plain output names the host and task it waits for and says a second Ctrl-C aborts', { timeout: 90_000 }, async () => {
    const r = await interrupt(['--output', 'plain'], /Ctrl-C again/);
    assert.match(r.afterFirst, /Interrupted: no new tasks will start; waiting for the running task to finish:\n {2}\[local\] Wait for the lock \(.*hung\.yml:4\)\nPress Ctrl-C again to abort now/);
    assert.equal(r.code, 130, r.stdout);
  });

  test('--json gets a run.interrupted event with the running task', { timeout: 90_000 }, async () => {
    const r = await interrupt(['--json'], /run\.interrupted/);
    const event = r.afterFirst.split('\n').filter((l) => l.includes('run.interrupted')).map((l) => JSON.parse(l) as { waiting: Array<{ host: string; task: { name: string } }> })[0];
    assert.deepEqual(event?.waiting.map((w) => [w.host, w.task.name]), [['local', 'Wait for the lock']]);
    assert.equal(r.code, 130);
  });
});
