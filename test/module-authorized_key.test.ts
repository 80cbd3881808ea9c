// authorized_key: the pure key-file logic (parsing like ansible.posix, which
// lines change), then the module on a real (namespace) host: file and
// directory created with the right owner and modes, twice-applied cases,
// check mode, and hostile comments/options/paths written verbatim.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import authorizedKey from '../modules/authorized_key.js';
import { parseKeyLine, updateAuthorizedKeys } from '../modules/support/authorized-keys.js';
import type { HostHandle } from '../runner/host/handle.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

const K1 = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey1Key1Key1Key1Key1Key1Key1Key1Key1Key1Key1 kim@laptop';
const K2 = 'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQKey2Key2Key2Key2Key2Key2Key2Key2Key2Key2Key2 kim@desktop';
const K3 = 'ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIKey3Key3Key3Key3Key3Key3Key3';

describe('key lines (pure)', () => {
  test('options with quoted commas and spaces', () => {
    assert.deepEqual(parseKeyLine('command="echo a, b",no-pty ssh-rsa AAAA the comment'), {
      type: 'ssh-rsa', blob: 'AAAA', options: [['command', '"echo a, b"'], ['no-pty', null]], comment: 'the comment',
    });
  });
  test('comments, blank and invalid lines are not keys', () => {
    for (const line of ['# ssh-rsa AAAA', '', '   ', 'garbage here', 'ssh-rsa']) assert.equal(parseKeyLine(line), null);
  });
  const CASES: { name: string; existing: string; wanted: Parameters<typeof updateAuthorizedKeys>[1]; content: string; changes: number }[] = [
    { name: 'add to an empty file', existing: '', wanted: { key: K1, state: 'present' }, content: `${K1}\n`, changes: 1 },
    { name: 'present already: untouched, byte for byte', existing: `#x\n${K1.replace(' ', '   ')}\n`, wanted: { key: K1, state: 'present' }, content: `#x\n${K1.replace(' ', '   ')}\n`, changes: 0 },
    { name: 'new options replace the line in place', existing: `${K2}\n${K1}\n`, wanted: { key: K1, state: 'present', key_options: 'no-pty' }, content: `${K2}\nno-pty ${K1}\n`, changes: 1 },
    { name: 'absent matches by key, whatever the options/comment', existing: `no-pty ${K1.replace('kim@laptop', 'other')}\n${K2}\n`, wanted: { key: K1, state: 'absent' }, content: `${K2}\n`, changes: 1 },
    { name: 'exclusive drops other keys and comment lines', existing: `# managed by hand\n${K2}\n${K1}\n`, wanted: { key: K1, state: 'present', exclusive: true }, content: `${K1}\n`, changes: 2 },
    { name: 'several keys, blank lines and comments in key', existing: `${K1}\n`, wanted: { key: `\n# comment\n${K1}\n${K3}\n`, state: 'present' }, content: `${K1}\n${K3}\n`, changes: 1 },
  ];
  for (const c of CASES) {
    test(c.name, () => {
      const out = updateAuthorizedKeys(c.existing, c.wanted);
      assert.equal(out.content, c.content);
      assert.equal(out.changes.length, c.changes);
    });
  }
  test('an invalid key fails', () => {
    assert.throws(() => updateAuthorizedKeys('', { key: 'not a key', state: 'present' }), /invalid key specified: not a key/);
  });
});

const NAME = 'keyhost';
let ground: TestGround;
let host: HostHandle;

before(async () => {
  ground = await startHosts({ names: [NAME] });
  const r = await ground.exec(NAME, ['sh', '-c', 'useradd -m -s /bin/sh kim && useradd -m lee && mkdir -m 0755 /home/lee/.ssh']);
  assert.equal(r.rc, 0, r.stderr);
  host = await connectModuleHost(ground, NAME);
});
after(async () => {
  await stopModuleHost(ground);
});

const FILE = '/home/kim/.ssh/authorized_keys';
const read = async (path: string) => {
  const r = await ground.exec(NAME, ['cat', '--', path]);
  return r.rc === 0 ? r.stdout : null;
};
const statOf = async (path: string) => (await ground.exec(NAME, ['stat', '-c', '%a %U %G', '--', path])).stdout.trim();

async function converge(params: Record<string, unknown>, changes: string[]) {
  const first = await runModule(host, authorizedKey, params);
  assert.deepEqual(first.changes, changes);
  assert.equal(first.changed, changes.length > 0);
  assert.deepEqual((await runModule(host, authorizedKey, params)).changes, [], 'second run must plan no changes');
  return first;
}

describe('authorized_key on a host', () => {
  test('check mode on fresh state lists the changes, creates nothing', async () => {
    const out = await runModule(host, authorizedKey, { user: 'kim', key: K1 }, { check: true });
    assert.deepEqual(out.changes, [
      'create directory /home/kim/.ssh (0700, owned by kim)',
      `add key ssh-ed25519 ...Key1Key1Key1 kim@laptop in ${FILE}`,
    ]);
    assert.equal((await ground.exec(NAME, ['test', '-e', '/home/kim/.ssh'])).rc, 1);
  });
  test('first key: directory 0700 and file 0600, owned by the user', async () => {
    const out = await converge({ user: 'kim', key: K1 }, ['create directory /home/kim/.ssh (0700, owned by kim)', `add key ssh-ed25519 ...Key1Key1Key1 kim@laptop in ${FILE}`]);
    assert.equal(out.result.keyfile, FILE);
    assert.equal(await read(FILE), `${K1}\n`);
    assert.equal(await statOf('/home/kim/.ssh'), '700 kim kim');
    assert.equal(await statOf(FILE), '600 kim kim');
    assert.deepEqual(out.diff[0], { label: FILE, before: '', after: `${K1}\n` });
  });
  test('several keys at once: only the new one is added', async () => {
    await converge({ user: 'kim', key: `${K1}\n\n# laptop and desktop\n${K2}\n` }, [`add key ssh-rsa ...Key2Key2Key2 kim@desktop in ${FILE}`]);
    assert.equal(await read(FILE), `${K1}\n${K2}\n`);
  });
  test('key_options and comment replace the line', async () => {
    await converge({ user: 'kim', key: K1, key_options: 'no-pty,from="10.0.0.0/8"', comment: 'laptop key' }, [`update options/comment of key ssh-ed25519 ...Key1Key1Key1 laptop key in ${FILE}`]);
    assert.equal(await read(FILE), `no-pty,from="10.0.0.0/8" ${K1.replace('kim@laptop', 'laptop key')}\n${K2}\n`);
  });
  test('absent removes by key', async () => {
    await converge({ user: 'kim', key: K2, state: 'absent' }, [`remove key ssh-rsa ...Key2Key2Key2 kim@desktop in ${FILE}`]);
  });
  test('exclusive removes lines written by hand', async () => {
    await ground.exec(NAME, ['sh', '-c', `printf '# by hand\\n%s\\n' "$1" >> ${FILE}`, 'sh', K3]);
    await converge({ user: 'kim', key: K1, exclusive: true }, [
      `update options/comment of key ssh-ed25519 ...Key1Key1Key1 kim@laptop in ${FILE}`,
      `remove line "# by hand" (exclusive) in ${FILE}`,
      `remove key ecdsa-sha2-nistp256 ...Key3Key3Key3 (exclusive) in ${FILE}`,
    ]);
    assert.equal(await read(FILE), `${K1}\n`);
  });
  test('manage_dir fixes a too-open directory when writing', async () => {
    await converge({ user: 'lee', key: K2 }, ['make /home/lee/.ssh 0700, owned by lee', `add key ssh-rsa ...Key2Key2Key2 kim@desktop in /home/lee/.ssh/authorized_keys`]);
    assert.equal(await statOf('/home/lee/.ssh'), '700 lee lee');
  });
  test('a custom path without manage_dir', async () => {
    await converge({ user: 'kim', key: K3, path: '/etc/ssh/keys/kim', manage_dir: false }, [`add key ecdsa-sha2-nistp256 ...Key3Key3Key3 in /etc/ssh/keys/kim`]);
    assert.equal(await statOf('/etc/ssh/keys'), '755 root root');
    assert.equal(await statOf('/etc/ssh/keys/kim'), '600 kim kim');
  });
  test('an unknown user fails when applied; check mode plans the keys for the account an earlier task creates', async () => {
    await assert.rejects(runModule(host, authorizedKey, { user: 'nobody-here', key: K1 }), /Failed to lookup user nobody-here/);
    const planned = await runModule(host, authorizedKey, { user: 'nobody-here', key: K1 }, { check: true });
    assert.deepEqual(planned.changes, ['add key ssh-ed25519 ...Key1Key1Key1 kim@laptop in ~nobody-here/.ssh/authorized_keys (account nobody-here does not exist yet: an earlier task must create it)']);
  });
});

describe('hostile values are written verbatim, never run', () => {
  test('comment and options with shell syntax and non-ASCII', async () => {
    const comment = `it's "me" $(touch /tmp/canary) \`touch /tmp/canary\` ; | ü 漢字`;
    const options = `command="echo 'hi'; $(touch /tmp/canary)",no-pty`;
    const path = `/tmp/k $(touch /tmp/canary) it's/keys`;
    await converge({ user: 'kim', key: K2, comment, key_options: options, path }, [
      `create directory /tmp/k $(touch /tmp/canary) it's (0700, owned by kim)`,
      `add key ssh-rsa ...Key2Key2Key2 ${comment} in ${path}`,
    ]);
    assert.equal(await read(path), `${options} ${K2.replace('kim@desktop', comment)}\n`);
  });
  test('hostile user names only fail the lookup', async () => {
    for (const user of ['-rf', '$(touch /tmp/canary)', 'a b', 'x;touch /tmp/canary']) {
      await assert.rejects(runModule(host, authorizedKey, { user, key: K1 }), /Failed to lookup user/);
    }
  });
  after(async () => {
    assert.notEqual((await ground.exec(NAME, ['test', '-e', '/tmp/canary'])).rc, 0, 'a hostile value was executed');
  });
});
