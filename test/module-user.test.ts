// user on a real (namespace) host: useradd/usermod/userdel change the host's
// own /etc/passwd, /etc/shadow and /etc/group (a private overlay, never the
// machine's). Every case is applied twice (the second plans nothing) and
// checked with getent on the host itself.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import user from '../modules/user.js';
import type { HostHandle } from '../runner/host/handle.js';
import { startHosts, type TestGround } from '../runner/testground/namespace-hosts.js';
import { connectModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

const NAME = 'userhost';
let ground: TestGround;
let host: HostHandle;

const HASH1 = '$6$saltsalt$Vq0XHw1.3J7Kg1kH5Cq6Hx1z6hJ9m6v0K2yWmZ0M2Yt1w3J0p8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b8b.';
const HASH2 = '$y$j9T$abcdefghijklmnopqrstu.$ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefg';

before(async () => {
  ground = await startHosts({ names: [NAME] });
  const r = await ground.exec(NAME, ['sh', '-c', 'groupadd -g 3001 grp1 && groupadd -g 3002 grp2 && groupadd carol']);
  assert.equal(r.rc, 0, r.stderr);
  host = await connectModuleHost(ground, NAME);
});
after(async () => {
  await stopModuleHost(ground);
});

const getent = async (db: string, key: string) => {
  const r = await ground.exec(NAME, ['getent', db, key]);
  return r.rc === 0 ? r.stdout.trim() : null;
};
const groupsOf = async (name: string) => (await ground.exec(NAME, ['id', '-Gn', name])).stdout.trim();
const shadowHash = async (name: string) => (await getent('shadow', name))?.split(':')[1];
const isDir = async (path: string) => (await ground.exec(NAME, ['test', '-d', path])).rc === 0;

async function converge(params: Record<string, unknown>, changes: string[]) {
  const first = await runModule(host, user, params);
  assert.deepEqual(first.changes, changes);
  assert.equal(first.changed, changes.length > 0);
  const second = await runModule(host, user, params);
  assert.deepEqual(second.changes, [], 'second run must plan no changes');
  return first;
}

describe('user converges', () => {
  test('check mode on fresh state: lists the creation, creates nothing', async () => {
    const out = await runModule(host, user, { name: 'alice', uid: 2001 }, { check: true });
    assert.deepEqual(out.changes, ['create user alice']);
    assert.equal(await getent('passwd', 'alice'), null);
  });

  const CASES: { name: string; params: Record<string, unknown>; changes: string[]; check: () => Promise<void> }[] = [
    {
      name: 'create with uid, shell, comment, groups, password',
      params: { name: 'alice', uid: 2001, shell: '/bin/sh', comment: 'Alice A', groups: ['grp1'], password: HASH1 },
      changes: ['create user alice'],
      check: async () => {
        assert.equal(await getent('passwd', 'alice'), 'alice:x:2001:2001:Alice A:/home/alice:/bin/sh');
        assert.equal(await groupsOf('alice'), 'alice grp1');
        assert.equal(await shadowHash('alice'), HASH1);
        assert.ok(await isDir('/home/alice'));
      },
    },
    {
      name: 'shell and comment change',
      params: { name: 'alice', shell: '/bin/bash', comment: 'Alice B' },
      changes: ['comment of user alice: Alice A -> Alice B', 'shell of user alice: /bin/sh -> /bin/bash'],
      check: async () => assert.equal(await getent('passwd', 'alice'), 'alice:x:2001:2001:Alice B:/home/alice:/bin/bash'),
    },
    {
      name: 'groups appended',
      params: { name: 'alice', groups: 'grp2', append: true },
      changes: ['groups of user alice: grp1 -> grp1,grp2'],
      check: async () => assert.equal(await groupsOf('alice'), 'alice grp1 grp2'),
    },
    {
      name: 'groups replaced',
      params: { name: 'alice', groups: ['grp2'] },
      changes: ['groups of user alice: grp1,grp2 -> grp2'],
      check: async () => assert.equal(await groupsOf('alice'), 'alice grp2'),
    },
    {
      name: 'empty groups removes all supplementary ones',
      params: { name: 'alice', groups: [] },
      changes: ['groups of user alice: grp2 -> (none)'],
      check: async () => assert.equal(await groupsOf('alice'), 'alice'),
    },
    {
      name: 'primary group by gid',
      params: { name: 'alice', group: '3001' },
      changes: ['group of user alice: alice -> grp1'],
      check: async () => assert.match((await getent('passwd', 'alice'))!, /^alice:x:2001:3001:/),
    },
    {
      name: 'uid change',
      params: { name: 'alice', uid: '2002' },
      changes: ['uid of user alice: 2001 -> 2002'],
      check: async () => assert.match((await getent('passwd', 'alice'))!, /^alice:x:2002:/),
    },
    {
      name: 'password change (hash compared, never shown)',
      params: { name: 'alice', password: HASH2 },
      changes: ['password of user alice: (hidden) -> (changed, hidden)'],
      check: async () => assert.equal(await shadowHash('alice'), HASH2),
    },
    {
      name: 'update_password on_create leaves an existing password',
      params: { name: 'alice', password: HASH1, update_password: 'on_create' },
      changes: [],
      check: async () => assert.equal(await shadowHash('alice'), HASH2),
    },
    {
      name: 'password_lock',
      params: { name: 'alice', password_lock: true },
      changes: ['password lock of user alice: unlocked -> locked'],
      check: async () => assert.equal(await shadowHash('alice'), `!${HASH2}`),
    },
    {
      name: 'system account without home',
      params: { name: 'svc', system: true, create_home: false, shell: '/usr/sbin/nologin' },
      changes: ['create user svc'],
      check: async () => {
        const uid = Number((await getent('passwd', 'svc'))!.split(':')[2]);
        assert.ok(uid < 1000, `system uid ${uid}`);
        assert.equal(await isDir('/home/svc'), false);
      },
    },
    {
      name: 'home under a missing parent',
      params: { name: 'bob', home: '/srv/people/bob' },
      changes: ['create user bob'],
      check: async () => assert.ok(await isDir('/srv/people/bob')),
    },
    {
      name: 'a group with the user name already exists (useradd -N)',
      params: { name: 'carol' },
      changes: ['create user carol'],
      check: async () => assert.notEqual(await getent('passwd', 'carol'), null),
    },
    {
      name: 'absent with remove',
      params: { name: 'bob', state: 'absent', remove: true },
      changes: ['remove user bob and its home directory'],
      check: async () => {
        assert.equal(await getent('passwd', 'bob'), null);
        assert.equal(await isDir('/srv/people/bob'), false);
      },
    },
  ];
  for (const c of CASES) {
    test(c.name, async () => {
      const out = await converge(c.params, c.changes);
      // The hash never appears in what drover reports.
      const reported = JSON.stringify(out);
      assert.ok(!reported.includes(HASH1) && !reported.includes(HASH2), 'a password hash was reported');
      await c.check();
    });
  }

  test('a group that does not exist yet: planned (check mode), but apply fails before anything changes', async () => {
    const params = { name: 'dave', group: 'later', groups: ['grp1', 'nope'] };
    assert.deepEqual((await runModule(host, user, params, { check: true })).changes, ['create user dave']);
    await assert.rejects(runModule(host, user, params), /Group later, nope does not exist/);
    assert.equal(await getent('passwd', 'dave'), null);
    await assert.rejects(runModule(host, user, { name: 'alice', group: 'later' }), /Group later does not exist/);
  });
});

describe('hostile values', () => {
  const COMMENT = `it's "quoted" $(touch /tmp/canary) \`touch /tmp/canary\` ; | && > ü 漢字 \\ -rf --help $HOME *`;
  test('a comment with shell syntax arrives verbatim', async () => {
    await converge({ name: 'eve', comment: COMMENT }, ['create user eve']);
    assert.equal((await getent('passwd', 'eve'))!.split(':')[4], COMMENT);
  });
  test("a name with a quote (valid for Debian's useradd) is used verbatim", async () => {
    await converge({ name: "it's", comment: 'q' }, ["create user it's"]);
    assert.match((await getent('passwd', "it's"))!, /^it's:x:\d+:\d+:q:/);
  });
  test('a home path with spaces, quotes and $()', async () => {
    const home = `/srv/h $(touch /tmp/canary) it's ü`;
    await converge({ name: 'frank', home }, ['create user frank']);
    assert.ok(await isDir(home));
  });
  test('a password with quotes and $() is passed as one secret word, never shown', async () => {
    const hash = `$6$x$'"; touch /tmp/canary; \`id\``;
    const out = await converge({ name: 'gina', password: hash }, ['create user gina']);
    assert.equal(await shadowHash('gina'), hash);
    assert.ok(!JSON.stringify(out).includes(hash));
  });
  test('names, and comments the tools refuse, fail without running anything', async () => {
    for (const name of ['-rf', '--help', '$(touch /tmp/canary)', 'a b', 'line1\nline2']) {
      await assert.rejects(runModule(host, user, { name }), /useradd/);
    }
    for (const comment of ['has:colon', 'two\nlines']) {
      await assert.rejects(runModule(host, user, { name: 'hank', comment }), /useradd/);
    }
  });
  test('a failing password change does not print the secret', async () => {
    const hash = 'secret:with:colons';
    await assert.rejects(runModule(host, user, { name: 'gina', password: hash }), (e: Error) => !e.message.includes(hash) && e.message.includes('********'));
  });
  after(async () => {
    assert.notEqual((await ground.exec(NAME, ['test', '-e', '/tmp/canary'])).rc, 0, 'a hostile value was executed');
  });
});
