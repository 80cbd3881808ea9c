// docs/editor.md's promise, checked with the real yaml-language-server: with
// the schema from `drover schema` named in a file's modeline, the editor
// underlines a typo'd parameter, an unknown module and a misspelt inventory
// key at the right line, and a correct playbook gets no mark at all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultRegistry } from '../modules/registry.js';
import { inventorySchema } from '../runner/docs/inventory-schema.js';
import { playbookSchema } from '../runner/docs/playbook-schema.js';
import { projectRoot } from '../runner/paths.js';
import { editorDiagnostics } from './support/editor.js';

let dir: string;
const modeline = (schema: string) => `# yaml-language-server: $schema=./${schema}\n`;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'drover-editor-'));
  writeFileSync(join(dir, 'drover.schema.json'), JSON.stringify(playbookSchema(defaultRegistry)));
  writeFileSync(join(dir, 'drover.inventory.schema.json'), JSON.stringify(inventorySchema()));
});

after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test("a typo'd module parameter is underlined where it is written", async () => {
  const text = `${modeline('drover.schema.json')}- hosts: hub\n  tasks:\n    - name: motd\n      copy:\n        dest: /etc/motd\n        content: hi\n        mdoe: "0644"\n`;
  const diagnostics = await editorDiagnostics(join(dir, 'typo.yml'), text);
  assert.deepEqual(diagnostics, [{ message: 'Property mdoe is not allowed.', line: 8, column: 9, severity: 'error' }]);
});

test('an unknown module and a wrong value type are underlined', async () => {
  const text = `${modeline('drover.schema.json')}- hosts: hub\n  tasks:\n    - copyy:\n        dest: /etc/motd\n    - file:\n        path: /srv\n        state: folder\n`;
  const diagnostics = await editorDiagnostics(join(dir, 'unknown.yml'), text);
  assert.ok(diagnostics.some((d) => d.line === 4 && /copyy/.test(d.message)), JSON.stringify(diagnostics));
  assert.ok(diagnostics.some((d) => d.line === 8 && /directory|absent|Value is not accepted/.test(d.message)), JSON.stringify(diagnostics));
});

test("the repository's own playbook gets no mark", async () => {
  const demo = readFileSync(join(projectRoot(), 'playbooks', 'demo.yml'), 'utf8');
  assert.deepEqual(await editorDiagnostics(join(dir, 'demo.yml'), `${modeline('drover.schema.json')}${demo}`), []);
});

test('a misspelt key in a YAML inventory is underlined', async () => {
  const text = `${modeline('drover.inventory.schema.json')}all:\n  children:\n    hub:\n      host:\n        hub01:\n`;
  const diagnostics = await editorDiagnostics(join(dir, 'hosts.yml'), text);
  assert.deepEqual(diagnostics.map((d) => [d.line, d.message]), [[5, 'Property host is not allowed.']]);
});
