// The INI format, feature by feature, on fixtures/inventory/ini/all-features.ini
// (inventory-oracle.test.ts checks the same file against ansible-core as a whole).

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadInventory, type VarLayer } from '../runner/inventory/index.js';

const cwd = fileURLToPath(new URL('./fixtures/inventory/', import.meta.url));
const load = () => loadInventory('ini/all-features.ini', { cwd });

/** Layers without inventory_file/inventory_dir, which are absolute paths. */
const portable = (layers: VarLayer[]) =>
  layers.map((l) => ({ source: l.source, vars: Object.fromEntries(Object.entries(l.vars).filter(([k]) => !k.startsWith('inventory_'))) }));

describe('INI inventory', () => {
  it('puts hosts outside any section in ungrouped', async () => {
    const inv = await load();
    assert.deepEqual(inv.groupHosts('ungrouped'), ['bastion']);
    assert.deepEqual(inv.groupNames('bastion'), ['ungrouped']);
  });

  it('reads inline host vars as Python literals', async () => {
    const v = (await load()).hostVars('web03');
    assert.equal(v.octal, '0644'); // not a Python 3 literal: stays text
    assert.equal(v.flag, true);
    assert.equal(v.nothing, null);
    assert.equal(v.ratio, 1.5);
    assert.equal(v.quoted, 'hello world'); // shell quoting joins the words
    assert.equal(v.secret, '03#pa33w0rd'); // quoted '#' is not a comment
    assert.equal(v.cut, 'ab'); // unquoted '#' starts one
    assert.deepEqual((await load()).hostVars('web01').tags, ['a', 'b']);
  });

  it('reads :vars values the same way, comments included', async () => {
    const v = (await load()).hostVars('db-a');
    assert.equal(v.port, 8080); // '8080 # a comment...' is a literal with a comment
    assert.equal(v.msg, 'hello # but kept after a non-literal');
    assert.equal(v.bare, 'yes');
    assert.equal(v.answer, 'FALSE');
    assert.deepEqual(v.list, [1, 'two']);
  });

  it('expands ranges with leading zeros, letters and a stride', async () => {
    const inv = await load();
    assert.deepEqual(inv.groupHosts('nodes'), Array.from({ length: 16 }, (_, i) => `node${String(i + 1).padStart(2, '0')}`));
    assert.deepEqual(inv.groupHosts('db'), ['db-a', 'db-b', 'db-c']);
    assert.deepEqual(inv.groupHosts('stride'), ['node0', 'node5', 'node10', 'node15', 'node20']);
  });

  it('takes the port of host:port, below inline vars', async () => {
    const inv = await load();
    assert.equal(inv.hostVars('web02').ansible_port, 2201);
    assert.equal(inv.hostVars('web01').ansible_port, 2222);
  });

  it('keeps ansible_group_priority out of the variables', async () => {
    const inv = await load();
    assert.equal(inv.groups.get('web')!.priority, 10);
    assert.equal('ansible_group_priority' in inv.hostVars('web01'), false);
  });

  it('links children and computes depth from all', async () => {
    const groups = (await load()).groups;
    assert.deepEqual(groups.get('prod')!.children, ['web', 'db']);
    assert.deepEqual(groups.get('web')!.parents, ['prod']);
    assert.deepEqual(groups.get('all')!.children, ['ungrouped', 'nodes', 'stride', 'prod']);
    assert.deepEqual(['all', 'prod', 'web'].map((g) => groups.get(g)!.depth), [0, 1, 2]);
  });

  it('names each layer after the section or line that wrote it', async () => {
    assert.deepEqual(portable((await load()).hostVarLayers('web01')), [
      { source: 'inventory group all (ini/all-features.ini:31)', vars: { ntp: 'pool.ntp.org', ansible_user: 'deploy' } },
      {
        source: 'inventory group prod (ini/all-features.ini:23)',
        vars: { env: 'prod', port: 8080, bare: 'yes', msg: 'hello # but kept after a non-literal', answer: 'FALSE', list: [1, 'two'] },
      },
      { source: 'inventory group web (ini/all-features.ini:35)', vars: { http_port: 8080 } },
      {
        source: 'inventory host web01 (ini/all-features.ini:6)',
        vars: { ansible_host: '10.0.0.1', ansible_port: 2222, http_port: 80, tags: ['a', 'b'] },
      },
    ]);
  });

  it('records the source file of each host, as Ansible does', async () => {
    const v = (await load()).hostVars('bastion');
    assert.match(String(v.inventory_file), /ini[/\\]all-features\.ini$/);
    assert.match(String(v.inventory_dir), /inventory[/\\]ini$/);
  });
});
