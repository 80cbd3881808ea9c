// shell on a real (namespace) host: the line is run by a shell (pipes,
// variables, redirections work, that is its purpose), yet it reaches that
// shell as one quoted word, so the values drover adds itself (chdir, creates,
// removes, executable, stdin) never become shell syntax.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import shell from '../modules/shell.js';
import type { HostHandle } from '../runner/host/handle.js';
import { ModuleFailure } from '../runner/module-api.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

const NAME = 'shellhost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

/** Values that would run code, split words or turn into options if they ever reached a shell unquoted. */
const HOSTILE = [
  `it's "quoted"`, 'two  spaces', '$(touch /tmp/canary)', '`touch /tmp/canary`', '; touch /tmp/canary', '| touch /tmp/canary',
  '&& touch /tmp/canary', '> /tmp/canary', 'line1\nline2', 'ünïcödé ✓ 漢字', '-rf', '--help', '$HOME', '*', '\\', "'", '"', '#not-a-comment',
];

const exists = async (path: string) => (await ground.exec(NAME, ['test', '-e', path])).rc === 0;

const RUNS: { name: string; params: unknown; stdout: string }[] = [
  { name: 'pipes and variables', params: 'X=abc; echo "$X" | tr a-z A-Z', stdout: 'ABC' },
  { name: 'redirection and &&', params: 'echo hi > /tmp/out && cat /tmp/out', stdout: 'hi' },
  { name: 'chdir', params: { cmd: 'pwd; echo *passwd', chdir: '/etc' }, stdout: '/etc\npasswd' },
  { name: 'free-form chdir=', params: 'pwd chdir=/usr', stdout: '/usr' },
  { name: 'executable', params: { cmd: 'echo $0; [[ 1 == 1 ]] && echo bash', executable: '/bin/bash' }, stdout: '/bin/bash\nbash' },
  { name: 'default shell is /bin/sh', params: 'echo $0', stdout: '/bin/sh' },
  { name: 'stdin', params: { cmd: 'read x; echo "got $x"', stdin: 'value' }, stdout: 'got value' },
  { name: 'a line starting with a dash is a command, not a shell option', params: { cmd: '-x 2>/dev/null; echo after' }, stdout: 'after' },
];

describe('shell runs lines through a shell', () => {
  for (const c of RUNS) {
    test(c.name, async () => {
      for (let i = 0; i < 2; i++) {
        const out = await runModule(host, shell, c.params);
        assert.equal(out.changed, true);
        assert.equal(out.result.stdout, c.stdout);
      }
    });
  }
  test('cmd is reported as the string', async () => {
    const out = await runModule(host, shell, 'echo a; echo b');
    assert.equal(out.result.cmd, 'echo a; echo b');
    assert.deepEqual(out.result.stdout_lines, ['a', 'b']);
  });
});

describe('creates/removes: second run changes nothing', () => {
  test('creates', async () => {
    const params = 'echo x > /tmp/shell-made creates=/tmp/shell-made';
    assert.equal((await runModule(host, shell, params)).changed, true);
    const second = await runModule(host, shell, params);
    assert.deepEqual(second.changes, []);
    assert.equal(second.result.msg, "Did not run command since '/tmp/shell-made' exists");
  });
  test('removes', async () => {
    await ground.exec(NAME, ['touch', '/tmp/shell-gone']);
    const params = { cmd: 'rm /tmp/shell-gone', removes: '/tmp/shell-gone' };
    assert.equal((await runModule(host, shell, params)).changed, true);
    assert.deepEqual((await runModule(host, shell, params)).changes, []);
  });
});

test('check mode lists "would run" and runs nothing', async () => {
  const out = await runModule(host, shell, 'touch /tmp/shell-check | cat', { check: true });
  assert.deepEqual(out.changes, ['would run: touch /tmp/shell-check | cat']);
  assert.equal(out.planOnly, true);
  assert.equal(await exists('/tmp/shell-check'), false);
});

describe('hostile values in the parameters drover quotes', () => {
  test('stdin, read into a variable, stays data', async () => {
    const out = await runModule(host, shell, { cmd: 'cat', stdin: HOSTILE.join('\n'), strip_empty_ends: false });
    assert.equal(out.result.stdout, `${HOSTILE.join('\n')}\n`);
  });
  test('chdir, creates, removes', async () => {
    const dir = `/tmp/${HOSTILE.filter((h) => !h.includes('/')).join('')}`;
    await ground.exec(NAME, ['mkdir', '-p', '--', dir]);
    assert.equal((await runModule(host, shell, { cmd: 'pwd', chdir: dir })).result.stdout, dir);
    for (const value of HOSTILE) {
      assert.equal((await runModule(host, shell, { cmd: 'true', creates: `/tmp/none/${value}` })).changed, true);
      assert.equal((await runModule(host, shell, { cmd: 'true', removes: `/tmp/none/${value}` })).changed, false);
    }
  });
  test('executable is one word, not a command line', async () => {
    await assert.rejects(runModule(host, shell, { cmd: 'true', executable: '/bin/sh; touch /tmp/canary' }), (e: ModuleFailure) => e.result.rc === 127);
  });
  after(async () => {
    assert.equal(await exists('/tmp/canary'), false, 'a hostile value was executed');
  });
});

test('non-zero exit fails with the result', async () => {
  await assert.rejects(runModule(host, shell, 'echo partial; exit 4'), (e: ModuleFailure) => {
    assert.equal(e.result.rc, 4);
    assert.equal(e.result.stdout, 'partial');
    return true;
  });
});
