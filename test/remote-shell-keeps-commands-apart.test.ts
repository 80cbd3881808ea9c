// Commands share one long-lived remote shell per connection, yet each sees a
// fresh shell of its own: output comes back byte for byte, and nothing one
// command does (cd, variables, exit, a syntax error, reading stdin) reaches
// the next one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { SshConnection } from '../runner/connection/ssh.js';
import type { ExecOptions } from '../runner/connection/types.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';

let ground: TestGround;
let ssh: SshConnection;

before(async () => {
  ground = await startHosts({ names: ['shell1'] });
  ssh = new SshConnection(ground.target('shell1'));
  await ssh.connect();
});

after(async () => {
  await ssh?.close();
  await ground?.stop();
});

test('sequential commands run in the same long-lived shell, over one connection', async () => {
  const parents = new Set<string>();
  for (let i = 0; i < 5; i++) parents.add((await ssh.exec('echo $PPID')).stdout);
  assert.equal(parents.size, 1, 'every command is a child of one shell');
  assert.equal(ssh.connectionsOpened, 1);
});

test('output comes back byte for byte: no trailing newline, empty, large, marker look-alikes, stderr apart', async () => {
  assert.deepEqual(await ssh.exec('printf abc'), { rc: 0, stdout: 'abc', stderr: '' });
  assert.deepEqual(await ssh.exec(':'), { rc: 0, stdout: '', stderr: '' });
  assert.deepEqual(await ssh.exec("printf '\\n@@drover-0000:0\\n' ; printf 'x\\n@@drover-\\n' >&2; exit 4"), { rc: 4, stdout: '\n@@drover-0000:0\n', stderr: 'x\n@@drover-\n' });
  const big = await ssh.exec("head -c 3000000 /dev/zero | tr '\\0' a; printf 'é\\n' >&2");
  assert.equal(big.stdout.length, 3_000_000);
  assert.ok(/^a+$/.test(big.stdout));
  assert.equal(big.stderr, 'é\n');
});

test('nothing a command does reaches the next: cwd, variables, traps, exit, syntax errors', async () => {
  const home = (await ssh.exec('pwd')).stdout;
  const first = await ssh.exec("cd /tmp; X=set; export Y=exported; trap 'echo trap-ran' EXIT; umask 077; exit 7");
  assert.deepEqual(first, { rc: 7, stdout: 'trap-ran\n', stderr: '' });
  assert.deepEqual(await ssh.exec('pwd; echo "[$X][$Y]"; umask'), { rc: 0, stdout: `${home}[][]\n0022\n`, stderr: '' });
  const broken = await ssh.exec('if then fi (');
  assert.equal(broken.rc, 2);
  assert.match(broken.stderr, /syntax error/i);
  assert.equal((await ssh.exec('echo still-here')).stdout, 'still-here\n');
});

test('a command that reads stdin gets end-of-file at once instead of waiting for the next command', async () => {
  assert.deepEqual(await ssh.exec('cat; echo after-cat'), { rc: 0, stdout: 'after-cat\n', stderr: '' });
});

test('commands issued together all complete with their own output (the busy shell hands extras to channels)', async () => {
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => ssh.exec(`sleep 0.0$((${i} % 3)); echo ${i}`)));
  assert.deepEqual(results.map((r) => r.stdout), Array.from({ length: 12 }, (_, i) => `${i}\n`));
});

test('a timed-out command ends its shell; the next command gets a new one on the same connection', async () => {
  const before = (await ssh.exec('echo $PPID')).stdout;
  await assert.rejects(ssh.exec('sleep 10', { timeoutMs: 300 }), (e: Error & { reason?: string }) => e.reason === 'timeout');
  const afterTimeout = await ssh.exec('echo $PPID');
  assert.equal(afterTimeout.rc, 0);
  assert.notEqual(afterTimeout.stdout, before);
  assert.equal(ssh.connectionsOpened, 1);
});

test('stdin reaches the command byte for byte through the long-lived shell: quotes, NUL, every byte, no trailing newline', async () => {
  const parent = (await ssh.exec('echo $PPID')).stdout;
  const everyByte = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const inputs: Array<string | Buffer> = ["it's \"quoted\" $HOME `id` \\\n", 'no newline at the end', '', '\n@@drover-0000:0\n', everyByte, Buffer.from('a\0b'), randomBytes(200_000)];
  for (const input of inputs) {
    const bytes = typeof input === 'string' ? Buffer.from(input) : input;
    const r = await ssh.exec('echo $PPID; od -An -v -tx1 | tr -d " \\n"', { stdin: input });
    assert.equal(r.rc, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n'), [parent.trim(), bytes.toString('hex')], `stdin of ${bytes.length} bytes, in the same shell`);
  }
});

test('a command that leaves its stdin unread still ends with its own status, and the shell goes on', async () => {
  assert.deepEqual(await ssh.exec('exit 3', { stdin: 'x'.repeat(1_000_000) }), { rc: 3, stdout: '', stderr: '' });
  assert.equal((await ssh.exec('echo still-here')).stdout, 'still-here\n');
});

/** A dialog as become's: answers `prompt` with `answer`, then releases stdin when `ready` shows on stderr. */
function promptDialog(prompt: string, answer: string, ready: string): NonNullable<ExecOptions['dialog']> {
  return (reply) => {
    let seen = '';
    return (chunk) => {
      seen += chunk.toString();
      if (seen.endsWith(prompt)) reply.send(answer);
      if (seen.includes(ready)) reply.release();
    };
  };
}

test('a dialog answers a prompt, then the stdin follows; the shell reads none of it as a command', async () => {
  const script = "printf 'Password:' >&2; IFS= read -r pw; echo \"[$pw]\"; echo ready >&2; cat";
  const r = await ssh.exec(script, { stdin: "payload 'with' quotes\n", dialog: promptDialog('Password:', "it's \\ secret\n", 'ready') });
  assert.deepEqual(r, { rc: 0, stdout: "[it's \\ secret]\npayload 'with' quotes\n", stderr: 'Password:ready\n' });
  assert.deepEqual(await ssh.exec('echo next'), { rc: 0, stdout: 'next\n', stderr: '' });
});

test('a dialog command that ends before any answer, or whose stdin is hung up, ends with its own status', async () => {
  const silent = await ssh.exec('echo gone >&2; exit 5', { stdin: 'never sent', dialog: () => () => undefined });
  assert.deepEqual(silent, { rc: 5, stdout: '', stderr: 'gone\n' });
  const hungUp = await ssh.exec('echo ready >&2; if read -r x; then echo "read [$x]"; else echo eof; fi', { stdin: 'not sent\n', dialog: (reply) => () => reply.hangUp() });
  assert.deepEqual(hungUp, { rc: 0, stdout: 'eof\n', stderr: 'ready\n' });
  // An answer of any bytes, not one line, arrives as it is too.
  const bytes = await ssh.exec('echo ready >&2; od -An -tx1 | tr -d " \\n"', { dialog: (reply) => () => (reply.send('a\0b\nno newline'), reply.hangUp()) });
  assert.equal(bytes.stdout, Buffer.from('a\0b\nno newline').toString('hex'));
  // Answers given before the command started wait for it, in order.
  const early = await ssh.exec('cat', { stdin: 'later\n', dialog: (reply) => (reply.send('early\n'), reply.release(), () => undefined) });
  assert.deepEqual(early, { rc: 0, stdout: 'early\nlater\n', stderr: '' });
  const hungUpAtOnce = await ssh.exec('if read -r x; then echo "read [$x]"; else echo eof; fi', { stdin: 'not sent\n', dialog: (reply) => (reply.hangUp(), () => undefined) });
  assert.deepEqual(hungUpAtOnce, { rc: 0, stdout: 'eof\n', stderr: '' });
  // A reply after the end goes nowhere: the next command sees a clean shell.
  assert.deepEqual(await ssh.exec('echo next'), { rc: 0, stdout: 'next\n', stderr: '' });
});

test("uploads and dialogs start no login shell: the user's ~/.bashrc runs once per connection, for the long-lived shell", async () => {
  const count = "wc -l < /root/.login-shells 2>/dev/null || echo 0";
  await ground.exec('shell1', ['sh', '-c', 'echo "echo >> /root/.login-shells" > /root/.bashrc']);
  const fresh = new SshConnection(ground.target('shell1'));
  try {
    await fresh.connect();
    for (let i = 0; i < 5; i++) assert.equal((await fresh.exec('cat', { stdin: `upload ${i}\n` })).stdout, `upload ${i}\n`);
    for (let i = 0; i < 3; i++) assert.equal((await fresh.exec("printf 'Password:' >&2; read -r pw; echo ready >&2; cat", { stdin: `upload ${i}\n`, dialog: promptDialog('Password:', 'pw\n', 'ready') })).stdout, `upload ${i}\n`);
    assert.equal((await ground.exec('shell1', ['sh', '-c', count])).stdout.trim(), '1');
  } finally {
    await fresh.close();
    await ground.exec('shell1', ['rm', '-f', '/root/.bashrc', '/root/.login-shells']);
  }
});
