// command on a real (namespace) host over drover's ssh connection: argv and
// free form reach the program word for word, never through a shell; creates/
// removes make it idempotent; --check lists "would run" and runs nothing.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import command from '../modules/command.js';
import type { HostHandle } from '../runner/host/handle.js';
import { ModuleFailure } from '../runner/module-api.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

const NAME = 'cmdhost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

/** Ask the host directly (nsenter, not drover's connection). */
const exists = async (path: string) => (await ground.exec(NAME, ['test', '-e', path])).rc === 0;

/** Values that would run code, split words or turn into options if they ever reached a shell unquoted. */
const HOSTILE = [
  `it's "quoted"`, 'two  spaces', '$(touch /tmp/canary)', '`touch /tmp/canary`', '; touch /tmp/canary', '| touch /tmp/canary',
  '&& touch /tmp/canary', '> /tmp/canary', 'line1\nline2', 'ünïcödé ✓ 漢字', '-rf', '--help', '$HOME', '*', '\\', "'", '"', '#not-a-comment',
];

/** Python's shlex.quote: what a playbook author writes to get one word through shlex.split. */
const shQuote = (v: string) => `'${v.replace(/'/g, `'"'"'`)}'`;

const RUNS: { name: string; params: unknown; stdout: string }[] = [
  { name: 'free form, quotes and escapes', params: `printf '%s|' "a b" c\\ d`, stdout: 'a b|c d|' },
  { name: 'argv list', params: { argv: ['printf', '%s|', 'x', 'y z', 42] }, stdout: 'x|y z|42|' },
  { name: 'chdir', params: { cmd: 'pwd', chdir: '/etc' }, stdout: '/etc' },
  { name: 'free-form chdir=', params: 'pwd chdir=/usr', stdout: '/usr' },
  { name: 'stdin gets a newline', params: { cmd: 'wc -c', stdin: 'hello' }, stdout: '6' },
  { name: 'stdin_add_newline false', params: { cmd: 'wc -c', stdin: 'hello', stdin_add_newline: false }, stdout: '5' },
  { name: 'no stdin reads nothing', params: 'wc -c', stdout: '0' },
  { name: 'strip_empty_ends false keeps newlines', params: { argv: ['printf', 'a\\n\\n'], strip_empty_ends: false }, stdout: 'a\n\n' },
  { name: 'a pipe is just an argument', params: 'echo a | wc', stdout: 'a | wc' },
  { name: 'variables are not expanded', params: 'echo $HOME "$(id)"', stdout: '$HOME $(id)' },
  { name: 'globs are not expanded', params: 'echo /et*', stdout: '/et*' },
];

describe('command runs programs without a shell', () => {
  for (const c of RUNS) {
    test(c.name, async () => {
      // Twice: a command without creates/removes runs (and reports changed) every time, as in Ansible.
      for (let i = 0; i < 2; i++) {
        const out = await runModule(host, command, c.params);
        assert.equal(out.changed, true);
        assert.equal(out.result.rc, 0);
        assert.equal(out.result.stdout, c.stdout);
        assert.ok(typeof out.result.delta === 'string' && /^\d+:\d\d:\d\d\.\d{6}$/.test(out.result.delta as string));
      }
    });
  }

  test('stdout_lines, stderr, cmd as a list', async () => {
    const out = await runModule(host, command, { argv: ['sh', '-c', 'echo one; echo two; echo err >&2'] });
    assert.deepEqual(out.result.stdout_lines, ['one', 'two']);
    assert.deepEqual(out.result.stderr_lines, ['err']);
    assert.deepEqual(out.result.cmd, ['sh', '-c', 'echo one; echo two; echo err >&2']);
  });
});

describe('creates/removes make it idempotent', () => {
  const CASES = [
    { name: 'creates', first: { cmd: 'touch /tmp/made', creates: '/tmp/made' }, msg: "Did not run command since '/tmp/made' exists" },
    { name: 'creates glob', first: { cmd: 'touch /tmp/glob-1.done', creates: '/tmp/glob-*.done' }, msg: "Did not run command since '/tmp/glob-*.done' exists" },
    { name: 'creates relative to chdir', first: { cmd: 'touch rel.done', chdir: '/srv', creates: 'rel.done' }, msg: "Did not run command since 'rel.done' exists" },
    { name: 'removes', first: 'rm /etc/motd removes=/etc/motd', msg: "Did not run command since '/etc/motd' does not exist" },
  ];
  for (const c of CASES) {
    test(c.name, async () => {
      const first = await runModule(host, command, c.first);
      assert.equal(first.changed, true);
      assert.equal(first.changes.length, 1);
      const second = await runModule(host, command, c.first);
      assert.deepEqual(second.changes, []);
      assert.equal(second.changed, false);
      assert.equal(second.result.msg, c.msg);
      assert.equal(second.result.rc, 0);
    });
  }
});

describe('check mode', () => {
  test('lists "would run" and runs nothing', async () => {
    const out = await runModule(host, command, 'touch /tmp/check-mode', { check: true });
    assert.deepEqual(out.changes, ['would run: touch /tmp/check-mode']);
    assert.equal(out.planOnly, true);
    assert.equal(await exists('/tmp/check-mode'), false);
  });
  test('creates that exists: nothing would run', async () => {
    const out = await runModule(host, command, { cmd: 'touch /tmp/x', creates: '/etc/passwd' }, { check: true });
    assert.deepEqual(out.changes, []);
    assert.equal(out.changed, false);
  });
});

describe('hostile values reach the program unchanged and never run', () => {
  const expected = HOSTILE.map((h) => `[${h}]`).join('');
  test('as argv', async () => {
    const out = await runModule(host, command, { argv: ['printf', '[%s]', ...HOSTILE], strip_empty_ends: false });
    assert.equal(out.result.stdout, expected);
  });
  test('as a free-form line (shlex-quoted words)', async () => {
    const out = await runModule(host, command, { cmd: `printf [%s] ${HOSTILE.map(shQuote).join(' ')}`, strip_empty_ends: false });
    assert.equal(out.result.stdout, expected);
  });
  test('as the program name (leading dash, keyword)', async () => {
    for (const program of ['-rf', '--help', 'if', '$(touch /tmp/canary)']) {
      await assert.rejects(runModule(host, command, { argv: [program] }), (e: ModuleFailure) => e.result.rc === 127);
    }
  });
  test('as chdir, creates and removes', async () => {
    const dir = `/tmp/${HOSTILE.filter((h) => !h.includes('/')).join('')}`;
    assert.equal((await ground.exec(NAME, ['mkdir', '-p', '--', dir])).rc, 0);
    const out = await runModule(host, command, { cmd: 'pwd', chdir: dir });
    assert.equal(out.result.stdout, dir);
    for (const value of HOSTILE) {
      const created = await runModule(host, command, { argv: ['true'], creates: `/tmp/none/${value}` });
      assert.equal(created.changed, true);
      const removed = await runModule(host, command, { argv: ['true'], removes: `/tmp/none/${value}` });
      assert.equal(removed.changed, false);
    }
  });
  test('as stdin', async () => {
    const out = await runModule(host, command, { cmd: 'cat', stdin: HOSTILE.join('\n'), strip_empty_ends: false });
    assert.equal(out.result.stdout, `${HOSTILE.join('\n')}\n`);
  });
  after(async () => {
    assert.equal(await exists('/tmp/canary'), false, 'a hostile value was executed');
  });
});

describe('failures carry the result', () => {
  test('non-zero exit', async () => {
    await assert.rejects(runModule(host, command, 'sh -c "echo out; echo bad >&2; exit 3"'), (e: ModuleFailure) => {
      assert.match(e.message, /non-zero return code \(3\): bad/);
      assert.equal(e.result.rc, 3);
      assert.equal(e.result.stdout, 'out');
      assert.equal(e.result.stderr, 'bad');
      assert.equal(e.result.msg, 'non-zero return code');
      return true;
    });
  });
  test('missing program', async () => {
    await assert.rejects(runModule(host, command, '/nonexistent/program'), (e: ModuleFailure) => e.result.rc === 127);
  });
  test('missing chdir', async () => {
    await assert.rejects(runModule(host, command, { cmd: 'pwd', chdir: '/nonexistent', creates: '/x' }), /Unable to change directory/);
  });
  test('cmd and argv together, or neither, or an unclosed quote', async () => {
    await assert.rejects(runModule(host, command, { cmd: 'ls', argv: ['ls'] }), /only command or argv/);
    await assert.rejects(runModule(host, command, { chdir: '/tmp' }), /no command given/);
    // As a free-form string it is refused while splitting key=value words (Ansible's split_args); as cmd, by shlex.
    await assert.rejects(runModule(host, command, `echo "open`), /unbalanced quotes/);
    await assert.rejects(runModule(host, command, { cmd: 'echo "open' }), /No closing quotation/);
  });
});
