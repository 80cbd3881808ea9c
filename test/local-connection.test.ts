// The local transport gives the same ExecResult as ssh: exact stdin and
// output, exit codes returned, timeouts that kill the whole command tree.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LocalConnection } from '../runner/connection/local.js';
import { openConnection } from '../runner/connection/open.js';
import { SshConnection } from '../runner/connection/ssh.js';
import { ConnectionError, type ConnectionTarget } from '../runner/connection/types.js';
import { quote } from '../runner/quote.js';

const target: ConnectionTarget = { name: 'localhost', transport: 'local', address: '127.0.0.1', port: 0, user: 'root' };

describe('local connection', () => {
  let dir: string;
  let c: LocalConnection;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'drover-local-test-'));
    c = new LocalConnection(target);
    await c.connect();
  });
  after(async () => {
    await c.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('openConnection picks the transport', () => {
    assert.ok(openConnection(target) instanceof LocalConnection);
    assert.ok(openConnection({ ...target, transport: 'ssh' }) instanceof SshConnection);
  });

  test('rc, stdout and stderr come back exactly, trailing newlines included', async () => {
    assert.deepEqual(await c.exec('echo out; echo err >&2; exit 7'), { rc: 7, stdout: 'out\n', stderr: 'err\n' });
    assert.equal((await c.exec('kill -TERM $$')).rc, 128 + 15);
    assert.equal(c.connectionsOpened, 1);
  });

  test('binary stdin arrives byte for byte', async () => {
    const blob = randomBytes(2 * 1024 * 1024);
    const r = await c.exec('sha256sum', { stdin: blob });
    assert.equal(r.stdout, `${createHash('sha256').update(blob).digest('hex')}  -\n`);
  });

  test('a timeout kills the command and everything it started', async () => {
    const start = Date.now();
    const e = await c.exec('sleep 60 & sleep 60', { timeoutMs: 200 }).catch((e: unknown) => e);
    assert.ok(e instanceof ConnectionError && e.reason === 'timeout', String(e));
    // Well short of the sleeps, with room for a busy machine.
    assert.ok(Date.now() - start < 30_000, 'a background child kept the command alive');
  });

  test('a value with shell syntax passes through quote() unchanged and runs nothing', async () => {
    const canary = join(dir, 'canary');
    const value = `it's "q" $(touch ${canary}) \`touch ${canary}\` ; touch ${canary} | & > ${canary} <\nżółw 🚀`;
    assert.equal((await c.exec(`printf %s ${quote(value)}`)).stdout, value);
    assert.equal(existsSync(canary), false);
  });
});
