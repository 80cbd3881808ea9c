// Directory inventories (inventories/dev with several sources), group_vars/ and
// host_vars/ next to the inventory and next to the playbook, and the precedence
// of all those layers. Fixture: fixtures/inventory/dir.

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { envInventoryPath, loadInventory, type LoadOptions } from '../runner/inventory/index.js';

const cwd = fileURLToPath(new URL('./fixtures/inventory/dir/', import.meta.url));
const load = (options: LoadOptions = {}) => loadInventory(envInventoryPath('dev'), { cwd, ...options });

describe('directory inventory', () => {
  it('reads every source file in sorted order and skips ignored ones', async () => {
    const inv = await load();
    assert.deepEqual(inv.sources, ['inventories/dev/extra.yml', 'inventories/dev/hosts']); // README.md is ignored
    assert.deepEqual(inv.hosts, ['mon01', 'web01', 'web02', 'db01']);
    assert.deepEqual(inv.groupNames('web01'), ['monitoring', 'prod', 'web']);
  });

  it('orders layers as Ansible does, lowest first', async () => {
    const inv = await load({ playbookDirs: ['playbooks'] });
    assert.deepEqual(inv.hostVarLayers('web01').map((l) => l.source), [
      'inventory group web (inventories/dev/hosts:12)',
      'inventories/dev/group_vars/all.yml',
      'playbooks/group_vars/all.yml',
      'inventories/dev/group_vars/prod.yml',
      'inventories/dev/group_vars/web/10-base.yml',
      'inventories/dev/group_vars/web/20-more.yaml',
      'inventories/dev/group_vars/web/sub/30-nested.yml',
      'playbooks/group_vars/web.yml',
      'inventory host web01 (inventories/dev/extra.yml:6)',
      'inventory host web01 (inventories/dev/hosts:2)',
      'inventories/dev/host_vars/web01.yml',
      'playbooks/host_vars/web01.yml',
    ]);
  });

  it('lets group_vars/ beat group vars written in the inventory, even group_vars/all', async () => {
    const v = (await load()).hostVars('web01');
    assert.equal(v.from_inventory, 'all-gv'); // [web:vars] loses to group_vars/all.yml
    assert.equal(v.color, 'web-dir-20'); // a group_vars directory, merged in file order
    assert.equal(v.nested, true); // subdirectories are read too
  });

  it('lets host_vars/ beat inline host vars, and the playbook side beat the inventory side', async () => {
    assert.equal((await load()).hostVars('web01').http_port, 9001);
    const withPlaybook = (await load({ playbookDirs: ['playbooks'] })).hostVars('web01');
    assert.equal(withPlaybook.http_port, 9002);
    assert.equal(withPlaybook.color, 'pb-web');
  });

  it('takes NAME before NAME.yml/.yaml/.json and ignores hidden, backup and other files', async () => {
    const inv = await load();
    assert.equal(inv.hostVars('db01').db_port, 5432); // group_vars/db, no extension
    assert.equal(inv.hostVars('db01').env, 'prod-yml'); // prod.yml found before prod.json
    const sources = inv.hostVarLayers('web01').map((l) => l.source).join('\n');
    assert.doesNotMatch(sources, /notes\.md|\.hidden|backup|unused/);
  });

  it('hands out layers that cannot be changed in place (groups share them)', async () => {
    const inv = await load();
    const vars = inv.hostVarLayers('web01').find((l) => l.source.endsWith('10-base.yml'))!.vars as Record<string, unknown>;
    assert.throws(() => {
      vars.color = 'changed';
    }, TypeError);
    inv.hostVars('web01').color = 'fine'; // the merged object is the caller's own
  });

  it('adds a playbook vars root after loading', async () => {
    const inv = await load();
    await inv.addVarsRoot('playbooks');
    await inv.addVarsRoot('playbooks'); // a second time changes nothing
    assert.equal(inv.hostVars('web01').pb_host, true);
    assert.equal(inv.hostVarLayers('web01').filter((l) => l.source === 'playbooks/host_vars/web01.yml').length, 1);
  });

  it('gives the implicit localhost group_vars/all, host_vars/localhost and a local connection', async () => {
    const inv = await load();
    assert.equal(inv.hasHost('localhost'), false);
    assert.equal(inv.isImplicitLocalhost('localhost'), true);
    assert.deepEqual(inv.groupNames('localhost'), []);
    assert.deepEqual(inv.hostVarLayers('localhost').map((l) => l.source), [
      'inventories/dev/group_vars/all.yml',
      'implicit localhost',
      'inventories/dev/host_vars/localhost.yml',
    ]);
    assert.equal(inv.hostVars('localhost').ansible_connection, 'local');
  });

  it('reads every file through the readVarsFile hook (vaults are opened after it)', async () => {
    const seen: string[] = [];
    const inv = await load({
      readVarsFile: async (file) => {
        seen.push(file);
        const text = await readFile(file, 'utf8');
        return file.endsWith('web01.yml') ? text.replace('9001', '9101') : text;
      },
    });
    assert.equal(inv.hostVars('web01').http_port, 9101);
    assert.ok(seen.some((f) => f.endsWith('hosts')) && seen.some((f) => f.endsWith('10-base.yml')));
  });

  it('refuses a vault-encrypted file without a password, naming what to pass', async () => {
    await assert.rejects(
      load({ readVarsFile: async (file) => (file.endsWith('all.yml') ? '$ANSIBLE_VAULT;1.1;AES256\n3131\n' : readFile(file, 'utf8')) }),
      {
        message:
          'inventories/dev/group_vars/all.yml is encrypted with Ansible Vault, and no password was given: use --vault-id LABEL@FILE, --vault-password-file FILE, --ask-vault-pass, or set DROVER_VAULT_PASSWORD_FILE (or ANSIBLE_VAULT_PASSWORD_FILE)',
      },
    );
  });

  it('rejects an unknown host and a missing source', async () => {
    const inv = await load();
    assert.throws(() => inv.hostVars('nope'), { message: "host 'nope' is not in the inventory" });
    await assert.rejects(loadInventory('inventories/missing', { cwd }), { message: 'inventory source not found: inventories/missing' });
  });
});

describe('group precedence', () => {
  const fixtures = fileURLToPath(new URL('./fixtures/inventory/', import.meta.url));
  const loadDepth = () => loadInventory('precedence/depth.ini', { cwd: fixtures });

  it('orders groups by depth before names: the deepest group wins', async () => {
    const inv = await loadDepth();
    assert.deepEqual(inv.groupsOf('h1'), ['all', 'beta', 'zzz', 'alpha', 'mmm', 'aaa']);
    assert.equal(inv.hostVars('h1').level, 'aaa');
  });

  it('orders groups of equal depth by ansible_group_priority, then by name', async () => {
    const inv = await loadDepth();
    assert.equal(inv.hostVars('h2').same_depth, 'alpha'); // priority 5 beats beta's default 1
    assert.deepEqual(inv.groupsOf('h2'), ['all', 'beta', 'alpha']);
  });
});
