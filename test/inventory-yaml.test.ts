// The YAML format, feature by feature, on fixtures/inventory/yaml/all-features.yml.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../runner/inventory/index.js';

const cwd = fileURLToPath(new URL('./fixtures/inventory/', import.meta.url));
const load = () => loadInventory('yaml/all-features.yml', { cwd });

/** Loads YAML text written to a temporary file (for small one-off cases). */
async function loadText(text: string, name = 'hosts.yml') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'drover-inv-'));
  writeFileSync(path.join(dir, name), text);
  try {
    return await loadInventory(name, { cwd: dir });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('YAML inventory', () => {
  it('reads hosts of all, null hosts and nested children', async () => {
    const inv = await load();
    assert.deepEqual(inv.hosts, ['bastion', 'solo', 'web01', 'web02', 'web03', 'web04', 'db01', 'db-a', 'db-b']);
    assert.deepEqual(inv.groupHosts('ungrouped'), ['bastion', 'solo']);
    assert.deepEqual(inv.groupHosts('db'), ['db01', 'db-a', 'db-b']);
    assert.deepEqual(inv.groupNames('db-a'), ['db', 'db_replicas', 'prod']);
    assert.deepEqual(inv.groupHosts('empty_group'), []);
  });

  it('expands ranges and host:port in keys', async () => {
    const inv = await load();
    assert.deepEqual(inv.groupHosts('web'), ['web01', 'web02', 'web03', 'web04']);
    assert.equal(inv.hostVars('web02').http_port, 80);
    assert.equal(inv.hostVars('web04').ansible_port, 2201);
  });

  it('types scalars like PyYAML (YAML 1.1)', async () => {
    const v = (await load()).hostVars('solo');
    assert.equal(v.mode, 420); // 0644 is octal
    assert.equal(v.enabled, true); // yes
    assert.equal(v.answer, 'n'); // not a boolean for PyYAML
    assert.equal(v.version, '09'); // neither octal nor decimal
  });

  it('names layers after the vars: key and the host key', async () => {
    const layers = (await load()).hostVarLayers('web04').map((l) => l.source);
    assert.deepEqual(layers, [
      'inventory group all (yaml/all-features.yml:3)',
      'inventory group prod (yaml/all-features.yml:31)',
      'inventory group web (yaml/all-features.yml:19)',
      'inventory host web04 (yaml/all-features.yml:18)',
    ]);
  });

  it('warns about unknown keys and non-mapping groups, as Ansible does', async () => {
    const inv = await loadText('all:\n  children:\n    web:\n      host:\n        web01:\n    broken: 3\n');
    assert.deepEqual(inv.warnings, [
      `hosts.yml:4:7: skipping unexpected key 'host' in group 'web': only "vars", "children" and "hosts" are valid`,
      `hosts.yml:6:5: skipping 'broken': a group must be a mapping (hosts, vars, children), found a number`,
    ]);
    assert.deepEqual([...inv.groups.keys()], ['all', 'ungrouped', 'web']);
  });

  it('keeps numeric-looking host keys as written', async () => {
    const inv = await loadText('all:\n  hosts:\n    01:\n    10.0.0.1:\n');
    assert.deepEqual(inv.hosts, ['01', '10.0.0.1']);
  });

  it('reads a file without extension as YAML when it is a YAML mapping', async () => {
    const inv = await loadText('all:\n  hosts:\n    web01:\n      x: 1\n', 'hosts');
    assert.equal(inv.hostVars('web01').x, 1);
  });

  it('accepts anchors and merge keys in vars', async () => {
    const inv = await loadText('all:\n  vars:\n    base: &b {a: 1, b: 2}\n    merged: {<<: *b, b: 3}\n  hosts:\n    h:\n');
    assert.deepEqual(inv.hostVars('h').merged, { a: 1, b: 3 });
  });
});
