// Dynamic inventory: executable scripts and plugin configs. What Ansible
// itself answers for the script and constructed fixtures is checked in
// test/inventory-oracle.test.ts (expected/dynamic-*.json, recorded with
// scripts/record-inventory-oracle.py); this file proves the rest: scripts
// that fail or print nonsense are named, drover's own libvirt and
// terraform_state plugins read real sources, and a plugin or option drover
// does not have is refused instead of being read as a group named "plugin".
import { strict as assert } from 'node:assert';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../runner/inventory/index.js';

const FIXTURES = fileURLToPath(new URL('./fixtures/inventory/dynamic/', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'drover-dyninv-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

function script(name: string, body: string): string {
  const path = join(scratch, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

describe('inventory scripts', () => {
  test('a script that exits non-zero is named with its stderr', async () => {
    const path = script('broken', 'echo "cannot reach the CMDB" >&2; exit 1');
    await assert.rejects(loadInventory(path, { cwd: scratch }), /broken: Inventory script \(broken\) had an execution error: cannot reach the CMDB/);
  });

  test('a script that prints something other than a JSON mapping is refused', async () => {
    await assert.rejects(loadInventory(script('not-json', 'echo "web1 web2"'), { cwd: scratch }), /failed to parse executable inventory script results from not-json --list/);
    await assert.rejects(loadInventory(script('a-list', "echo '[\"web1\"]'"), { cwd: scratch }), /needs to be a json dict/);
  });

  test('a group whose hosts are not a list is refused', async () => {
    const path = script('bad-hosts', `echo '{"web": {"hosts": "web1"}}'`);
    await assert.rejects(loadInventory(path, { cwd: scratch }), /You defined a group 'web' with bad data for the host list/);
  });

  test('a non-executable file starting with #! is read as an ordinary inventory, as Ansible falls back to it', async () => {
    const path = join(scratch, 'plain.ini');
    writeFileSync(path, '#!/bin/sh\n[web]\nweb1\n');
    assert.deepEqual((await loadInventory(path, { cwd: scratch })).groupHosts('web'), ['web1']);
  });
});

describe('plugins', () => {
  test('drover.libvirt lists the domains of a libvirt connection, grouped by state and network', async () => {
    const inv = await loadInventory(join(FIXTURES, 'libvirt.yml'), { cwd: FIXTURES });
    assert.deepEqual(inv.hosts, ['test']);
    assert.deepEqual(inv.groupHosts('libvirt_state_running'), ['test']);
    assert.deepEqual(inv.groupHosts('libvirt_network_default'), ['test']);
    const vars = inv.hostVars('test');
    assert.equal(vars.libvirt_uuid, '6695eb01-f6a4-8304-79aa-97f2502e193f');
    assert.deepEqual(vars.libvirt_macs, ['aa:bb:cc:dd:ee:ff']);
    assert.equal(vars.ansible_connection, 'local', 'constructable options apply to the plugin\'s hosts');
  });

  test('drover.libvirt names the connection that failed', async () => {
    const config = join(scratch, 'missing.libvirt.yml');
    writeFileSync(config, 'plugin: drover.libvirt\nuri: test:///no/such/file.xml\n');
    await assert.rejects(loadInventory(config, { cwd: scratch }), /drover\.libvirt: virsh list --name --state-running on test:\/\/\/no\/such\/file\.xml failed/);
  });

  test('drover.terraform_state makes hosts of managed instances, with addresses and attributes', async () => {
    const inv = await loadInventory(join(FIXTURES, 'terraform/hosts.terraform.yml'), { cwd: FIXTURES });
    assert.deepEqual(inv.hosts, ['hub-prod-1', 'hub-prod-2']);
    assert.deepEqual(inv.groupHosts('terraform_openstack_compute_instance_v2'), ['hub-prod-1', 'hub-prod-2']);
    assert.deepEqual(inv.groupHosts('role_hub'), ['hub-prod-1', 'hub-prod-2']);
    assert.equal(inv.hostVars('hub-prod-1').ansible_host, '198.51.100.10');
    assert.equal(inv.hostVars('hub-prod-2').ansible_host, '2001:db8::2', 'the first non-empty address attribute');
    assert.equal(inv.hostVars('hub-prod-1').terraform_resource, 'openstack_compute_instance_v2.hub');
    assert.ok(!JSON.stringify(inv.hostVars('hub-prod-1')).includes('tf-sensitive-secret'), 'attributes Terraform marks sensitive are left out');
    assert.equal((inv.hostVars('hub-prod-1').terraform_attributes as Record<string, unknown>).flavor_name, 'm1.large');
  });

  test('a plugin drover does not have is refused, naming the ones it has', async () => {
    await assert.rejects(loadInventory(join(FIXTURES, 'aws.yml'), { cwd: FIXTURES }), /aws\.yml:1:1: inventory plugin 'amazon\.aws\.aws_ec2' is not available in drover; it has constructed, drover\.libvirt, drover\.terraform_state/);
  });

  test('an option a plugin does not take is refused, never ignored', async () => {
    const config = join(scratch, 'extra.yml');
    writeFileSync(config, 'plugin: constructed\nuse_vars_plugins: true\n');
    await assert.rejects(loadInventory(config, { cwd: scratch }), /constructed: unsupported option\(s\) use_vars_plugins/);
  });

  test('compose expressions run no lookups, as Ansible\'s constructed disables them', async () => {
    const dir = mkdtempSync(join(scratch, 'nolookup-'));
    writeFileSync(join(dir, '1.yml'), 'all:\n  hosts:\n    n1: {}\n');
    writeFileSync(join(dir, '2.yml'), `plugin: constructed\ncompose:\n  y: "lookup('pipe', 'touch ${dir}/ran')"\n  z: "'kept'"\n`);
    const inv = await loadInventory(dir, { cwd: dir });
    assert.equal(inv.hostVars('n1').y, undefined);
    assert.equal(inv.hostVars('n1').z, 'kept');
    assert.equal(existsSync(join(dir, 'ran')), false, 'the pipe lookup never ran');
  });

  test('strict: true makes a failing compose expression an error naming the host', async () => {
    const dir = mkdtempSync(join(scratch, 'strict-'));
    writeFileSync(join(dir, '1.yml'), 'all:\n  hosts:\n    n1: {}\n');
    writeFileSync(join(dir, '2.yml'), 'plugin: constructed\nstrict: true\ncompose:\n  x: nothing.here\n');
    await assert.rejects(loadInventory(dir, { cwd: dir }), /Could not set x for host n1: .*nothing/);
  });
});
