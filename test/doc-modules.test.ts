// Module docs come from the module definitions: the committed docs/modules.md
// must equal the generator's output, and `drover doc` prints the same text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRegistry } from '../modules/registry.js';
import { moduleDoc, moduleList, modulesMarkdown } from '../runner/docs/module-doc.js';
import { projectRoot } from '../runner/paths.js';
import { runDrover } from './support/cli.js';

test('docs/modules.md is up to date with the module registry', () => {
  const committed = readFileSync(join(projectRoot(), 'docs', 'modules.md'), 'utf8');
  assert.ok(committed === modulesMarkdown(defaultRegistry), 'docs/modules.md is stale: run `make docs` and commit the result');
});

test('every module is documented: a row per parameter, changed-when, check mode and an example', () => {
  for (const module of defaultRegistry.all()) {
    const doc = moduleDoc(module);
    for (const param of Object.keys((module.schema as { properties?: object }).properties ?? {})) assert.match(doc, new RegExp(`^\\| \`${param}\` \\|`, 'm'), `${module.name}.${param}`);
    assert.match(doc, /^Changed when: /m, module.name);
    assert.match(doc, /^Check mode: plan only: reports the changes it would make/m, module.name);
    assert.match(doc, new RegExp(`^  ${module.name.replace('.', '\\.')}:`, 'm'), `${module.name} example`);
  }
  assert.equal(moduleList(defaultRegistry).split('\n').filter(Boolean).length, defaultRegistry.all().length);
});

test('drover doc copy prints the parameter table', async () => {
  const r = await runDrover(['doc', 'copy']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\| `dest` \| string \| no \|  \|  \|  \| Remote path \(required\)/m);
  assert.match(r.stdout, /^\| `content` \| string or mapping or array \| no \|/m);
  assert.match(r.stdout, /^\| `mode` \| string or integer \| no \|/m);
  assert.equal(r.stdout, moduleDoc(defaultRegistry.find('copy')!));
});

test('drover doc with an unknown module exits 5 and suggests the nearest one', async () => {
  const r = await runDrover(['doc', 'cpoy']);
  assert.equal(r.code, 5);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /unknown module 'cpoy'; did you mean 'copy'\?/);
});

test('drover doc --list names every module with its summary', async () => {
  const r = await runDrover(['doc', '--list']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, moduleList(defaultRegistry));
  assert.match(r.stdout, /^copy +Copy inline content/m);
});
