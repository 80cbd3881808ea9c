// ping, slurp and raw on a real host, with the results Ansible registers
// (recorded from ansible-core 2.14: ping -> {ping: pong}; slurp -> content,
// encoding base64, source; raw -> rc, stdout, stderr and their _lines, always
// changed, nothing run in check mode).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ping from '../modules/ping.js';
import slurp from '../modules/slurp.js';
import rawModule from '../modules/raw.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { hostFiles } from './support/host-files.js';
import { runModule } from './support/module-harness.js';

const NAME = 'psraw';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { fresh, inHost, snapshot } = hostFiles(NAME, () => ground);

test('ping returns pong, or the data given; crash fails', async () => {
  for (const check of [false, true]) {
    const r = await runModule(host, ping, {}, { check });
    assert.deepEqual([r.changed, r.result], [false, { ping: 'pong' }]);
  }
  assert.deepEqual((await runModule(host, ping, { data: 'hi' })).result, { ping: 'hi' });
  await assert.rejects(runModule(host, ping, { data: 'crash' }), /boom/);
});

test('slurp returns the bytes base64-encoded; missing files and directories fail as in Ansible', async () => {
  const { dir, path } = await fresh('hello2\n');
  await inHost('printf "\\000\\377" > "$1/bin"', [dir]);
  const r = await runModule(host, slurp, { src: path });
  assert.deepEqual([r.changed, r.result], [false, { content: 'aGVsbG8yCg==', encoding: 'base64', source: path }]);
  assert.equal((await runModule(host, slurp, { path: `${dir}/bin` })).result.content, 'AP8=');
  await assert.rejects(runModule(host, slurp, { src: `${dir}/none` }), { message: `file not found: ${dir}/none` });
  await assert.rejects(runModule(host, slurp, { src: dir }), { message: `source is a directory and must be a file: ${dir}` });
});

test('raw sends the line as it is; check mode runs nothing; non-zero fails with the result', async () => {
  const { dir } = await fresh(null);
  const before = await snapshot(dir);
  const line = `cd ${dir} && echo one > out; echo two; echo err >&2`;
  const planned = await runModule(host, rawModule, line, { check: true });
  assert.deepEqual([planned.changed, planned.changes], [true, [`would run: ${line}`]]);
  assert.equal(await snapshot(dir), before, 'check mode ran the command');
  for (let i = 0; i < 2; i++) {
    const r = await runModule(host, rawModule, line);
    assert.equal(r.changed, true);
    assert.deepEqual(r.result, { rc: 0, stdout: 'two\n', stderr: 'err\n', stdout_lines: ['two'], stderr_lines: ['err'] });
  }
  assert.equal(await inHost('cat "$1/out"', [dir]), 'one\n');
  const bash = await runModule(host, rawModule, { free_form: 'echo "${BASH_VERSION:+bash}"', executable: '/bin/bash' });
  assert.equal(bash.result.stdout, 'bash\n');
  await assert.rejects(runModule(host, rawModule, 'exit 3'), (e: Error & { result?: Record<string, unknown> }) => e.message === 'non-zero return code' && e.result?.rc === 3);
});
