// ini_file on a real (namespace) host: each case starts from the same file,
// runs under --check (nothing touched), then twice for real (second: ok).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import iniFile from '../modules/ini_file.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';
import { hostFiles } from './support/host-files.js';
import { convergeTwice } from './support/converge.js';

const NAME = 'inifile';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));
const { inHost, fresh, content, snapshot } = hostFiles(NAME, () => ground);

const START = 'top = 1\n\n[server]\n# the port\nport = 80\nhost=a\n\n[client]\nurl = http://x\n';

const CASES: { name: string; params: Record<string, unknown>; after: string; msg: string }[] = [
  { name: 'changes a value in place, comments and spacing kept', params: { section: 'server', option: 'port', value: 8080 }, after: START.replace('port = 80', 'port = 8080'), msg: 'option changed' },
  { name: 'adds an option after the last line of its section, not after the blank line', params: { section: 'server', option: 'tls', value: true }, after: START.replace('host=a\n', 'host=a\ntls = True\n'), msg: 'option added' },
  { name: 'no_extra_spaces', params: { section: 'client', option: 'timeout', value: '5', no_extra_spaces: true }, after: `${START}timeout=5\n`, msg: 'option added' },
  { name: 'adds a missing section at the end', params: { section: 'new', option: 'k', value: 'v' }, after: `${START}[new]\nk = v\n`, msg: 'section and option added' },
  { name: 'global options live before the first section', params: { option: 'debug', value: 'no' }, after: START.replace('top = 1\n', 'top = 1\ndebug = no\n'), msg: 'option added' },
  { name: 'several values are one line each; exclusive drops the others', params: { section: 'server', option: 'host', values: ['b', 'a'] }, after: START.replace('host=a\n', 'host=a\nhost = b\n'), msg: 'option added' },
  { name: 'absent option', params: { section: 'server', option: 'port', state: 'absent' }, after: START.replace('port = 80\n', ''), msg: 'option removed' },
  { name: 'absent section removes it with its lines', params: { section: 'server', state: 'absent' }, after: 'top = 1\n\n[client]\nurl = http://x\n', msg: 'section removed' },
  { name: 'bare option with allow_no_value', params: { section: 'client', option: 'insecure', allow_no_value: true }, after: `${START}insecure\n`, msg: 'option added' },
];

describe('ini_file', () => {
  for (const c of CASES) {
    test(c.name, async () => {
      const { dir, path } = await fresh(START);
      const { first } = await convergeTwice(host, iniFile, { path, ...c.params }, () => snapshot(dir));
      assert.equal(await content(path), c.after);
      assert.equal(first.result.msg, c.msg);
      assert.deepEqual(first.diff, [{ label: path, before: START, after: c.after }]);
    });
  }

  test('exclusive: a new value takes over the line of an unwanted one', async () => {
    const { dir, path } = await fresh('[repo]\nurl = a\nurl = c\nname = r\n');
    await convergeTwice(host, iniFile, { path, section: 'repo', option: 'url', value: 'b' }, () => snapshot(dir));
    assert.equal(await content(path), '[repo]\nurl = b\nname = r\n');
  });

  test('exclusive=false keeps other values of the option', async () => {
    const { dir, path } = await fresh('[repo]\nurl = a\n');
    await convergeTwice(host, iniFile, { path, section: 'repo', option: 'url', value: 'b', exclusive: false }, () => snapshot(dir));
    assert.equal(await content(path), '[repo]\nurl = a\nurl = b\n');
  });

  test('create makes the file (and its directory) with mode; create=false refuses', async () => {
    const { dir, path } = await fresh(null, { subdir: true });
    await assert.rejects(runModule(host, iniFile, { path, section: 's', option: 'o', value: 'v', create: false }), /does not exist/);
    await convergeTwice(host, iniFile, { path, section: 's', option: 'o', value: 'v', mode: '0600' }, () => snapshot(dir));
    assert.equal(await content(path), '[s]\no = v\n');
    assert.equal(await inHost('stat -c %a -- "$1"', [path]), '600\n');
  });

  test('backup keeps the old file; values with shell syntax are data', async () => {
    const { path } = await fresh(START);
    const value = "$(touch /canary) `id` 'q'";
    const out = await runModule(host, iniFile, { path, section: 'server', option: 'cmd', value, backup: true });
    assert.equal(await content(out.result.backup_file as string), START);
    assert.match((await content(path))!, /^cmd = \$\(touch \/canary\) `id` 'q'$/m);
    assert.equal(await inHost('[ -e /canary ] && echo found; true'), '');
  });
});
