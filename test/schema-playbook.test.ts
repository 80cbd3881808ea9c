// The generated playbook JSON Schema: every real playbook and task file in the
// repository validates against it, and the mistakes an editor should underline
// (a typo'd parameter, an unknown module, an unknown task key) are flagged with
// the offending name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import AjvModule, { type ErrorObject, type ValidateFunction } from 'ajv';
import { parse } from 'yaml';
import { defaultRegistry } from '../modules/registry.js';
import { PLAY_KEYS } from '../runner/playbook/load.js';
import { playbookSchema, taskFileSchema } from '../runner/docs/playbook-schema.js';
import { projectRoot } from '../runner/paths.js';
import { filesUnder } from './support/tree.js';

// ajv ships CommonJS; its default export is the class under ESM interop.
const Ajv = AjvModule.default ?? AjvModule;
// strictRequired/strictTypes off: if/then on `required` is the point of the schema.
const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, allowUnionTypes: true });
const root = projectRoot();
const playbook = ajv.compile(playbookSchema(defaultRegistry));
const taskFile = ajv.compile(taskFileSchema(defaultRegistry));
const handlerFile = ajv.compile(taskFileSchema(defaultRegistry, { handlers: true }));

const yamlFiles = (dir: string) => filesUnder(dir).filter((f) => /\.ya?ml$/.test(f));

/** Which schema a file answers to, by where it lives (vars, defaults and meta files are not task lists). */
function schemaFor(path: string): ValidateFunction | null {
  const rel = relative(root, path);
  if (/(^|\/)(group_vars|host_vars|defaults|vars|meta|files|templates)\//.test(rel)) return null;
  // A drover test scenario's own settings file (docs/testing.md) is not a task list.
  if (/\/tests\/[^/]+\/scenario\.ya?ml$/.test(rel)) return null;
  if (/\/handlers\//.test(rel)) return handlerFile;
  if (/\/tasks\//.test(rel)) return taskFile;
  const content = parse(readFileSync(path, 'utf8')) as unknown;
  const isPlaybook = Array.isArray(content) && content.some((e) => typeof e === 'object' && e !== null && ('hosts' in e || 'import_playbook' in e));
  return isPlaybook ? playbook : taskFile;
}

function errorsOf(validate: ValidateFunction, yamlText: string): ErrorObject[] {
  return validate(parse(yamlText)) ? [] : (validate.errors ?? []);
}

const show = (errors: ErrorObject[]) => errors.map((e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`).join('\n');

test('every playbook and task file in the repository validates against the generated schema', () => {
  const files = ['playbooks', 'roles', 'test/fixtures/converge', 'test/fixtures/keywords'].flatMap((d) => yamlFiles(join(root, d)));
  const checked = files.filter((f) => schemaFor(f) !== null);
  assert.ok(checked.length >= 6, `expected the fixture playbooks and task files, found ${checked.map((f) => relative(root, f)).join(', ')}`);
  for (const file of checked) {
    const validate = schemaFor(file)!;
    const ok = validate(parse(readFileSync(file, 'utf8')));
    assert.ok(ok, `${relative(root, file)} does not validate:\n${show(validate.errors ?? [])}`);
  }
});

test("a typo'd module parameter is flagged, naming the parameter", () => {
  const errors = errorsOf(playbook, `
- hosts: all
  tasks:
    - name: motd
      copy:
        dest: /etc/motd
        content: hi
        mdoe: '0644'
`);
  const hit = errors.find((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty: string }).additionalProperty === 'mdoe');
  assert.ok(hit, show(errors));
  assert.equal(hit.instancePath, '/0/tasks/0/copy');
});

test('an unknown module is flagged as an unknown task key, naming it', () => {
  const errors = errorsOf(playbook, `
- hosts: all
  tasks:
    - name: motd
      cpoy:
        dest: /etc/motd
`);
  const hit = errors.find((e) => e.keyword === 'additionalProperties' && (e.params as { additionalProperty: string }).additionalProperty === 'cpoy');
  assert.ok(hit, show(errors));
  assert.equal(hit.instancePath, '/0/tasks/0');
});

test('an unknown keyword beside a module, and two modules in one task, are flagged', () => {
  const typo = errorsOf(taskFile, '- command: ls\n  registr: out\n');
  assert.ok(typo.some((e) => (e.params as { additionalProperty?: string }).additionalProperty === 'registr'), show(typo));
  const two = errorsOf(taskFile, '- command: ls\n  shell: ls\n');
  assert.ok(two.length > 0);
});

test('templates are accepted wherever a value could be templated, and wrong types are not', () => {
  assert.deepEqual(errorsOf(taskFile, `
- file: { path: /x, state: "{{ wanted }}", recurse: "{{ deep }}", mode: "{{ m }}" }
  become: "{{ root }}"
  retries: "{{ n }}"
- wait_for: { port: "{{ port }}", timeout: 5 }
`), []);
  assert.ok(errorsOf(taskFile, '- file: { path: /x, recurse: maybe }\n').length > 0);
  assert.ok(errorsOf(taskFile, '- file: { path: /x, state: folder }\n').length > 0);
});

test('required parameters: aliases count, args: may supply them, free form and aliases/ansible.builtin names work', () => {
  assert.deepEqual(errorsOf(taskFile, `
- ansible.builtin.file: { name: /x, state: directory }
- copy: { content: x }
  args: { dest: /y }
- command: ls -l
- yum: { name: vim }
- meta: flush_handlers
- import_tasks: other.yml
- block:
    - debug: { msg: hi }
  rescue:
    - debug:
  always: []
`), []);
  const missing = errorsOf(taskFile, '- file: { state: touch }\n');
  assert.ok(missing.some((e) => e.keyword === 'required' && (e.params as { missingProperty: string }).missingProperty === 'path'), show(missing));
  assert.ok(errorsOf(taskFile, '- meta: flush\n').length > 0);
});

test('plays: unknown play keys and import_playbook entries', () => {
  assert.deepEqual(errorsOf(playbook, '- import_playbook: other.yml\n- hosts: all\n  roles: [common, { role: web, port: 80 }]\n'), []);
  const errors = errorsOf(playbook, '- hosts: all\n  task: []\n');
  assert.ok(errors.some((e) => (e.params as { additionalProperty?: string }).additionalProperty === 'task'), show(errors));
  assert.ok(errorsOf(playbook, '- name: no hosts\n').some((e) => e.keyword === 'required'));
});

test('the schema is generated: every module name and every play key appears, every property has a description', () => {
  const schema = playbookSchema(defaultRegistry) as { definitions: Record<string, { properties: Record<string, { description?: string }> }> };
  const taskProps = schema.definitions.task!.properties;
  for (const module of defaultRegistry.all()) {
    assert.ok(taskProps[module.name] && taskProps[`ansible.builtin.${module.name}`], module.name);
    for (const [param, p] of Object.entries(schema.definitions[`module:${module.name}`]!.properties)) assert.ok(p.description, `${module.name}.${param}`);
  }
  for (const key of PLAY_KEYS) assert.ok(schema.definitions.play!.properties[key]?.description, key);
  for (const [key, p] of Object.entries(taskProps)) assert.ok(p.description, key);
});
