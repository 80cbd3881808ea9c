// Host patterns and --limit. More cases, recorded from ansible-core, run in
// inventory-oracle.test.ts; these spell out the rules one by one.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadInventory, selectHosts, splitHostPattern } from '../runner/inventory/index.js';

const fixtures = fileURLToPath(new URL('./fixtures/inventory/', import.meta.url));
const dirCwd = fileURLToPath(new URL('./fixtures/inventory/dir/', import.meta.url));
const loadYaml = () => loadInventory('yaml/all-features.yml', { cwd: fixtures });

// yaml/all-features.yml: web = web01..web04, db = db01 + db_replicas (db-a, db-b), prod = web + db.
const CASES: Array<[pattern: string, hosts: string[], why: string]> = [
  ['web', ['web01', 'web02', 'web03', 'web04'], 'a group'],
  ['web01', ['web01'], 'a host'],
  ['db:web01', ['db01', 'db-a', 'db-b', 'web01'], 'union keeps pattern order'],
  ['web01,db01,web01', ['web01', 'db01'], 'commas, no duplicates'],
  ['prod:&db', ['db01', 'db-a', 'db-b'], 'intersection'],
  ['prod:!web', ['db01', 'db-a', 'db-b'], 'exclusion'],
  ['!web:prod', ['db01', 'db-a', 'db-b'], 'exclusions apply last, wherever written'],
  ['&db:web', [], 'intersections apply after every union'],
  ['web:&prod:!web02', ['web01', 'web03', 'web04'], 'the three together'],
  ['!db', ['bastion', 'solo', 'web01', 'web02', 'web03', 'web04'], 'only exclusions: from all'],
  ['web0[12]', [], "'[12]' is a subscript here, and web0 matches nothing"],
  ['web0[!3]', ['web01', 'web02', 'web04'], 'a glob class'],
  ['w?b0*', ['web01', 'web02', 'web03', 'web04'], '? and * match host names'],
  ['db*', ['db01', 'db-a', 'db-b'], 'a glob matching groups (db, db_replicas) and hosts'],
  ['~^db-[ab]$', ['db-a', 'db-b'], 'a regex'],
  ['~web0[24]', ['web02', 'web04'], 'a regex is anchored at the start only'],
  ['web[0]', ['web01'], 'first host of a group'],
  ['web[-1]', ['web04'], 'last host'],
  ['web[1:3]', ['web02', 'web03', 'web04'], 'an inclusive slice'],
  ['web[2:]', ['web03', 'web04'], 'an open slice'],
  ['all', ['bastion', 'solo', 'web01', 'web02', 'web03', 'web04', 'db01', 'db-a', 'db-b'], 'everything'],
  ['*', ['bastion', 'solo', 'web01', 'web02', 'web03', 'web04', 'db01', 'db-a', 'db-b'], 'same as all'],
  ['localhost', ['localhost'], 'the implicit localhost'],
];

describe('selectHosts', () => {
  for (const [pattern, hosts, why] of CASES) {
    it(`${pattern} -> ${hosts.join(',') || '(none)'}: ${why}`, async () => {
      assert.deepEqual(selectHosts(await loadYaml(), pattern).hosts, hosts);
    });
  }

  it("evaluates the 'web:&prod:!db01' example on a directory inventory", async () => {
    const inv = await loadInventory('inventories/dev', { cwd: dirCwd });
    assert.deepEqual(selectHosts(inv, 'web:&prod:!db01').hosts, ['web01', 'web02']);
  });

  it('warns about a pattern that matches nothing and returns no hosts', async () => {
    const sel = selectHosts(await loadYaml(), 'nosuch:web01');
    assert.deepEqual(sel, { hosts: ['web01'], warnings: ['could not match supplied host pattern, ignoring: nosuch'] });
    assert.deepEqual(selectHosts(await loadYaml(), 'empty_group').warnings, []); // an empty group is a match
  });

  it('fails on a subscript past the end, as Ansible does', async () => {
    const inv = await loadYaml();
    assert.throws(() => selectHosts(inv, 'web[7]'), { message: "no hosts matched the subscripted pattern 'web[7]'" });
  });

  it('applies --limit on top, keeping the pattern order', async () => {
    const inv = await loadYaml();
    assert.deepEqual(selectHosts(inv, 'prod', { limit: 'db-b,web02' }).hosts, ['web02', 'db-b']);
    assert.deepEqual(selectHosts(inv, 'prod', { limit: '!web' }).hosts, ['db01', 'db-a', 'db-b']);
    assert.deepEqual(selectHosts(inv, 'prod', { limit: '' }).hosts.length, 7); // an empty limit limits nothing
  });

  it('reads @file limits, one pattern a line', async () => {
    const inv = await loadInventory('inventories/dev', { cwd: dirCwd });
    assert.deepEqual(selectHosts(inv, 'all', { limit: '@limit.txt', cwd: dirCwd }).hosts, ['web01', 'db01']);
    assert.throws(() => selectHosts(inv, 'all', { limit: '@nope.txt', cwd: dirCwd }), { message: 'limit file not found: nope.txt' });
  });
});

describe('splitHostPattern', () => {
  const SPLITS: Array<[string, string[]]> = [
    ['web:&prod:!db01', ['web', '&prod', '!db01']],
    ['web, db ,,', ['web', 'db']],
    ['web[1:3]', ['web[1:3]']], // a range, not a union
    ['web[0]:db', ['web[0]', 'db']],
    ['fe80::1', ['fe80::1']], // an IPv6 address
    ['host:22', ['host:22']], // an address with a port stays whole, as in Ansible
  ];
  for (const [input, words] of SPLITS) {
    it(`${input} -> ${JSON.stringify(words)}`, () => assert.deepEqual(splitHostPattern(input), words));
  }
});
