// The fixtures' expected answers were recorded from ansible-core itself
// (fixtures/inventory/expected/*.json, `recorded_with` says which version):
// hosts in run order, the `groups` and `group_names` magic variables, every
// host's merged inventory variables and the hosts of host patterns. Drover
// must give the same answers; inventory_file/inventory_dir are compared
// relative to the fixture directory, as recorded.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory, selectHosts } from '../runner/inventory/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/inventory/', import.meta.url));
const EXPECTED = path.join(FIXTURES, 'expected');

interface Recorded {
  recorded_with: string;
  args: { cwd: string; sources: string[]; playbook_dir?: string; extra_hosts?: string[]; patterns?: Array<{ pattern: string; limit?: string }> };
  hosts: string[];
  groups: Record<string, string[]>;
  group_names: Record<string, string[]>;
  vars: Record<string, Record<string, unknown>>;
  patterns: Array<{ pattern: string; limit?: string; hosts?: string[]; error?: string }>;
}

for (const name of readdirSync(EXPECTED).filter((f) => f.endsWith('.json')).sort()) {
  const rec = JSON.parse(readFileSync(path.join(EXPECTED, name), 'utf8')) as Recorded;
  const cwd = path.join(FIXTURES, rec.args.cwd);
  const load = () => loadInventory(rec.args.sources, { cwd, playbookDirs: rec.args.playbook_dir ? [rec.args.playbook_dir] : [] });

  describe(`same as ${rec.recorded_with}: ${name}`, () => {
    it('lists hosts in the order Ansible runs them', async () => {
      assert.deepEqual((await load()).hosts, rec.hosts);
    });

    it('builds the groups magic variable', async () => {
      assert.deepEqual((await load()).groupsMap(), rec.groups);
    });

    it('builds group_names for every host', async () => {
      const inv = await load();
      for (const [host, names] of Object.entries(rec.group_names)) assert.deepEqual(inv.groupNames(host), names, host);
    });

    it('merges every host variable the same way', async () => {
      const inv = await load();
      for (const [host, expected] of Object.entries(rec.vars)) {
        const got = { ...inv.hostVars(host) };
        for (const k of ['inventory_file', 'inventory_dir']) {
          if (typeof got[k] === 'string') got[k] = path.relative(cwd, got[k] as string) || '.';
        }
        assert.deepEqual(got, expected, host);
      }
    });

    for (const p of rec.patterns) {
      const title = `selects ${JSON.stringify(p.pattern)}${p.limit === undefined ? '' : ` limited to ${JSON.stringify(p.limit)}`}`;
      it(title, async () => {
        const inv = await load();
        const run = () => selectHosts(inv, p.pattern, { limit: p.limit, cwd });
        if (p.error !== undefined) assert.throws(run, new RegExp(p.error.replace(/[[\]()]/g, '\\$&'), 'i'));
        else assert.deepEqual(run().hosts, p.hosts);
      });
    }
  });
}
