// group on a real (namespace) host: groupadd/groupmod/groupdel on the host's
// private /etc/group, each case applied twice, checked with getent there.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import group from '../modules/group.js';
import type { HostHandle } from '../runner/host/handle.js';
import type { TestGround } from '../runner/testground/namespace-hosts.js';
import { startModuleHost, stopModuleHost } from './support/module-host.js';
import { runModule } from './support/module-harness.js';

const NAME = 'grouphost';
let ground: TestGround;
let host: HostHandle;
before(async () => ({ ground, host } = await startModuleHost(NAME)));
after(() => stopModuleHost(ground));

const getent = async (key: string) => {
  const r = await ground.exec(NAME, ['getent', 'group', key]);
  return r.rc === 0 ? r.stdout.trim() : null;
};

const CASES: { name: string; params: Record<string, unknown>; changes: string[]; entry: [string, string | null] }[] = [
  { name: 'create with gid', params: { name: 'devs', gid: 3101 }, changes: ['create group devs'], entry: ['devs', 'devs:x:3101:'] },
  { name: 'gid change (string from a template)', params: { name: 'devs', gid: '3102' }, changes: ['gid of group devs: 3101 -> 3102'], entry: ['devs', 'devs:x:3102:'] },
  { name: 'present without gid leaves it', params: { name: 'devs' }, changes: [], entry: ['devs', 'devs:x:3102:'] },
  { name: 'a gid shared with non_unique', params: { name: 'devs2', gid: 3102, non_unique: true }, changes: ['create group devs2'], entry: ['devs2', 'devs2:x:3102:'] },
  { name: 'absent', params: { name: 'devs2', state: 'absent' }, changes: ['remove group devs2'], entry: ['devs2', null] },
  { name: 'absent when already absent', params: { name: 'never', state: 'absent' }, changes: [], entry: ['never', null] },
];

describe('group converges', () => {
  test('check mode on fresh state: lists the creation, creates nothing', async () => {
    const out = await runModule(host, group, { name: 'devs', gid: 3101 }, { check: true });
    assert.deepEqual(out.changes, ['create group devs']);
    assert.equal(await getent('devs'), null);
  });
  for (const c of CASES) {
    test(c.name, async () => {
      const first = await runModule(host, group, c.params);
      assert.deepEqual(first.changes, c.changes);
      assert.equal(first.changed, c.changes.length > 0);
      assert.deepEqual((await runModule(host, group, c.params)).changes, [], 'second run must plan no changes');
      assert.equal(await getent(c.entry[0]), c.entry[1]);
    });
  }
  test('system group gets a system gid', async () => {
    const out = await runModule(host, group, { name: 'sysgrp', system: true });
    assert.deepEqual(out.changes, ['create group sysgrp']);
    assert.ok((out.result.gid as number) < 1000);
  });
  test('a taken gid fails with groupadd\'s message', async () => {
    await assert.rejects(runModule(host, group, { name: 'clash', gid: 3102 }), /groupadd.*GID '3102' already exists/);
  });
});

describe('hostile names', () => {
  test('refused by groupadd, never executed', async () => {
    for (const name of ['-rf', '--help', '$(touch /tmp/canary)', '`touch /tmp/canary`', 'a b', 'x;touch /tmp/canary', 'line1\nline2']) {
      await assert.rejects(runModule(host, group, { name }), /groupadd/);
    }
  });
  test("a name with a quote and a backslash (valid for Debian's groupadd) is used verbatim", async () => {
    for (const name of ["it's", 'back\\slash']) {
      assert.deepEqual((await runModule(host, group, { name })).changes, [`create group ${name}`]);
      assert.deepEqual((await runModule(host, group, { name })).changes, []);
      assert.match((await getent(name))!, new RegExp(`^${name.replace(/\\/g, '\\\\')}:x:`));
    }
  });
  after(async () => {
    assert.notEqual((await ground.exec(NAME, ['test', '-e', '/tmp/canary'])).rc, 0, 'a hostile value was executed');
  });
});
