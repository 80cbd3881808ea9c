// The generated inventory and vars-file schemas: every YAML inventory and
// group_vars/host_vars file in the repository validates, and what an editor
// should underline (a misspelt group key, a port that is not a port, an
// unknown connection type) is flagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import AjvModule from 'ajv';
import { parse } from 'yaml';
import { inventorySchema, varsFileSchema } from '../runner/docs/inventory-schema.js';
import { CONNECTION_VAR_NAMES } from '../runner/inventory/connection.js';
import { decryptAge, isAge } from '../runner/vault/age.js';
import { projectRoot } from '../runner/paths.js';
import { filesUnder } from './support/tree.js';

const Ajv = AjvModule.default ?? AjvModule;
const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, allowUnionTypes: true });
const inventory = ajv.compile(inventorySchema());
const varsFile = ajv.compile(varsFileSchema());
const root = projectRoot();

const errorsOf = (validate: typeof inventory, text: string) => (validate(parse(text)) ? '' : JSON.stringify(validate.errors));

// The example environments' vault files are age-encrypted to the demo identity committed beside them.
const demoIdentities = readFileSync(join(root, 'inventories/example-environments.age-identity.txt'), 'utf8').split('\n').filter((l) => l.startsWith('AGE-SECRET-KEY-'));
const plaintextOf = async (file: string) => {
  const text = readFileSync(file, 'utf8');
  return isAge(text) ? new TextDecoder().decode(await decryptAge(text, { identities: demoIdentities })) : text;
};

test('every YAML inventory and vars file in the repository validates against the generated schemas', async () => {
  const files = ['inventories', 'test/fixtures/inventory/yaml', 'test/fixtures/inventory/dir', 'test/fixtures/vars-inventory', 'test/fixtures/converge'].flatMap((d) => filesUnder(join(root, d)));
  const varsFiles = files.filter((f) => /\/(group_vars|host_vars)\/.+\.ya?ml$|\/(group_vars|host_vars)\/[^/.]+$/.test(f));
  const inventories = files.filter((f) => /\.ya?ml$/.test(f) && !varsFiles.includes(f) && /(inventor|hosts)/.test(relative(root, f)) && !/playbooks\//.test(f));
  assert.ok(inventories.length >= 1 && varsFiles.length >= 3, `found inventories ${inventories.join(', ')} and vars files ${varsFiles.join(', ')}`);
  for (const file of inventories) assert.equal(errorsOf(inventory, readFileSync(file, 'utf8')), '', relative(root, file));
  for (const file of varsFiles) assert.equal(errorsOf(varsFile, await plaintextOf(file)), '', relative(root, file));
});

test('a misspelt group key, a bad port and an unknown connection type are flagged', () => {
  const typo = errorsOf(inventory, 'all:\n  children:\n    hub:\n      host:\n        hub01:\n');
  assert.match(typo, /additionalProperty":"host"/, 'host: instead of hosts: is underlined');
  const port = errorsOf(inventory, 'all:\n  hosts:\n    hub01:\n      ansible_port: twenty-two\n');
  assert.match(port, /\/all\/hosts\/hub01\/ansible_port/);
  const connection = errorsOf(varsFile, 'ansible_connection: docker\n');
  assert.match(connection, /ansible_connection/);
  assert.equal(errorsOf(varsFile, 'ansible_port: "{{ base_port + 1 }}"\nanything_else: [1, 2]\n'), '', 'templates and free-form variables pass');
});

test('every connection variable the inventory reads has a description in the schema', () => {
  const properties = (varsFileSchema().properties ?? {}) as Record<string, { description?: string }>;
  for (const name of Object.values(CONNECTION_VAR_NAMES).flat()) assert.ok(properties[name]?.description, name);
});

test('drover schema --inventory and --vars print these schemas', async () => {
  const { runDrover } = await import('./support/cli.js');
  const printed = await runDrover(['schema', '--inventory']);
  assert.equal(printed.code, 0, printed.stderr);
  assert.deepEqual(JSON.parse(printed.stdout), inventorySchema());
});
