// --start-at-task skips what comes before the named task; --step asks before
// each task ((N)o/(y)es/(c)ontinue). Handlers are never gated.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { projectRoot } from '../runner/paths.js';
import { jsonEvents, runDrover } from './support/cli.js';

const playbook = 'test/fixtures/reach/steps.yml';
const ran = (stdout: string) => jsonEvents(stdout).flatMap((e) => (e.type === 'host.task.result' ? [e.task.name] : []));

test('--start-at-task starts at the first matching task', async () => {
  const r = await runDrover(['run', playbook, '--json', '--start-at-task', 'Third*']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(ran(r.stdout), ['Third step', 'Fourth step', 'Announce']);
});

test('--step runs what is answered yes, skips no, and stops asking after continue', async () => {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx/esm'), 'runner/cli.ts', 'run', playbook, '--json', '--step'], { cwd: projectRoot() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end('n\ny\nc\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.deepEqual(ran(stdout), ['Second step', 'Third step', 'Fourth step', 'Announce']);
  assert.equal((stderr.match(/Perform task: /g) ?? []).length, 3, 'no question after (c)ontinue');
  assert.match(stderr, /^Perform task: First step \(N\)o\/\(y\)es\/\(c\)ontinue: /);
});
