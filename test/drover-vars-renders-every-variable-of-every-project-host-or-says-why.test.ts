// `drover vars` never crashes: every variable of every host of every project
// inventory (inventories/*), alone and with each project playbook, renders, or
// is shown as written with the reason it cannot be rendered yet (a fact, a
// role default or a registered result that only a run has).
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { parse, parseDocument, type Scalar, type YAMLMap } from 'yaml';
import { explainVars } from '../runner/engine/explain-vars.js';
import { loadInventory } from '../runner/inventory/index.js';
import { projectRoot } from '../runner/paths.js';
import { defaultRegistry } from '../modules/registry.js';
import { runDrover } from './support/cli.js';

const root = projectRoot();
const identity = join(root, 'inventories', 'example-environments.age-identity.txt');
// The hub inventories keep secrets in age vaults, opened with the demo identity.
process.env.DROVER_AGE_IDENTITY_FILE = identity;

const inventories = async () =>
  (await readdir(join(root, 'inventories'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => relative(process.cwd(), join(root, 'inventories', e.name)));
const playbooks = async () => (await readdir(join(root, 'playbooks'))).filter((f) => f.endsWith('.yml')).map((f) => relative(process.cwd(), join(root, 'playbooks', f)));
const invocation = (inventory: string, playbook = '') => ({ playbook, inventory: [inventory], extraVars: {}, tags: { only: [], skip: [] }, registry: defaultRegistry });

/** Each variable of the listing, and the reason it is not rendered (the comment drover vars writes above it), if any. */
function listing(text: string): Map<string, string | undefined> {
  const doc = parseDocument(text);
  assert.deepEqual(doc.errors, []);
  const pairs = (doc.contents as YAMLMap<Scalar<string>>).items;
  return new Map(pairs.map((p) => [p.key.value, p.key.commentBefore?.match(/not rendered, shown as written: (.+)/)?.[1]]));
}

test('every variable of every host of every project inventory renders, or says why it cannot', async () => {
  let variables = 0;
  let unrendered = 0;
  for (const inventory of await inventories()) {
    const hosts = (await loadInventory([inventory])).hosts;
    assert.ok(hosts.length > 0, `${inventory} has hosts`);
    for (const host of hosts) {
      const whole = listing(await explainVars(invocation(inventory), host));
      assert.ok(whole.size > 0);
      for (const [name, reason] of whole) {
        variables++;
        const one = await explainVars(invocation(inventory), host, name);
        const head = one.split('\n')[0]!;
        if (reason === undefined) {
          assert.ok(head.startsWith(`${name} = `), `${inventory} ${host} ${name}: ${head}`);
          assert.doesNotThrow(() => JSON.parse(head.slice(name.length + 3)), `${name}'s value is JSON`);
        } else {
          unrendered++;
          assert.equal(head, `${name} cannot be rendered: ${reason}`, `${inventory} ${host} ${name}`);
          // The reason names what is missing, never a stack.
          assert.match(reason, /undefined variable '\w+'/);
          assert.doesNotMatch(one, /\n\s+at /);
        }
      }
    }
  }
  assert.ok(variables > 400, `${variables} variables walked`);
  // hub-dev's backup_paths needs certs_key_path, a role default: the case that crashed.
  assert.ok(unrendered > 0, 'some variables need a run, and say so');
});

test('with each project playbook, every host of every inventory lists its variables without crashing', async () => {
  for (const playbook of await playbooks()) {
    for (const inventory of await inventories()) {
      for (const host of (await loadInventory([inventory])).hosts) {
        const whole = listing(await explainVars(invocation(inventory, playbook), host));
        for (const [name, reason] of whole) if (reason !== undefined) assert.match(reason, /undefined variable '\w+'/, `${playbook} ${inventory} ${host} ${name}`);
      }
    }
  }
});

test('drover vars on hub-dev, where a variable needs a role default, exits 0 and shows it as written with the reason', async () => {
  const r = await runDrover(['vars', 'hub-dev', '-i', join(root, 'inventories', 'hub-dev')], { env: { DROVER_AGE_IDENTITY_FILE: identity } });
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /internal error/);
  assert.match(r.stdout, /# not rendered, shown as written: undefined variable 'certs_key_path' in "\{\{ certs_key_path \}\}" \(while rendering variable 'backup_paths'\)\nbackup_paths:\n {2}- \/etc\/jupyterhub\n {2}- "\{\{ certs_key_path \}\}"\n/);
  assert.deepEqual((parse(r.stdout) as Record<string, unknown>).backup_paths, ['/etc/jupyterhub', '{{ certs_key_path }}']);
  const one = await runDrover(['vars', 'hub-dev', 'backup_paths', '-i', join(root, 'inventories', 'hub-dev')], { env: { DROVER_AGE_IDENTITY_FILE: identity } });
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^backup_paths cannot be rendered: undefined variable 'certs_key_path'.*\n=> inventories\/hub-dev\/group_vars\/hub\/main\.yml: \["\/etc\/jupyterhub","\{\{ certs_key_path \}\}"\]\n$/);
});
