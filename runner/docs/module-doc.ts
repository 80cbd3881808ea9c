// Module documentation, generated from the module definition itself (its
// schema is the one source of parameter names, types, defaults and
// descriptions): `drover doc MODULE`, `drover doc --list`, docs/modules.md.
import type { AnyModule, ModuleRegistry } from '../module-api.js';
import type { Schema } from '../schema.js';
import { stringify } from 'yaml';

function typeOf(schema: Schema): string {
  if (schema.enum) return schema.enum.every((v) => typeof v === 'string') ? 'string' : 'any';
  if (schema.type) {
    return [schema.type].flat().map((t) => (t === 'array' && schema.items ? `list of ${typeOf(schema.items)}` : t === 'object' ? 'mapping' : t)).join(' or ');
  }
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return [...new Set(alternatives.map(typeOf))].join(' or ');
  return 'any';
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (value: unknown) => `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;

/** A value that satisfies a schema, for the generated example task. */
function exampleValue(name: string, schema: Schema): unknown {
  if (schema.examples?.length) return schema.examples[0];
  if (schema.default !== undefined) return schema.default;
  if (schema.enum?.length) return schema.enum[0];
  const type = [schema.type ?? 'string'].flat()[0];
  switch (type) {
    case 'boolean':
      return true;
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'array':
      return [exampleValue(name, schema.items ?? {})];
    case 'object':
      return {};
    default:
      return /path|dest|file/.test(name) ? `/tmp/${name}` : `{{ ${name} }}`;
  }
}

function exampleTask(module: AnyModule): string {
  const schema = module.schema as Schema;
  // "Exactly one of" (oneOf of required sets): the example takes the first choice, so it is valid.
  const required = [...(schema.required ?? []), ...(schema.oneOf?.[0]?.required ?? schema.anyOf?.[0]?.required ?? [])];
  const params = Object.fromEntries(required.map((name) => [name, exampleValue(name, schema.properties?.[name] ?? {})]));
  const value = required.length ? params : module.freeForm ? 'echo hello' : {};
  return stringify([{ name: `Example ${module.name} task`, [module.name]: value }]).trimEnd();
}

/** Everything about one module, as markdown. */
export function moduleDoc(module: AnyModule): string {
  const schema = module.schema as Schema;
  const required = new Set(schema.required ?? []);
  const aliasesOf = (param: string) =>
    Object.entries(module.paramAliases ?? {})
      .filter(([alias, canonical]) => canonical === param && !alias.startsWith('_'))
      .map(([alias]) => alias);
  const rows = Object.entries(schema.properties ?? {}).map(([name, p]) => {
    const choices = p.enum ? p.enum.map(code).join(', ') : '';
    return `| \`${name}\` | ${cell(typeOf(p))} | ${required.has(name) ? 'yes' : 'no'} | ${p.default === undefined ? '' : cell(code(p.default))} | ${cell(choices)} | ${aliasesOf(name).map(code).join(', ')} | ${cell(p.description ?? '')} |`;
  });
  const readOnly = module.apply === undefined;
  const check = readOnly
    ? 'plan only: reports the changes it would make. This module only reads (or runs on the controller), so under --check it does exactly what it does in a normal run and its result is available to later tasks.'
    : 'plan only: reports the changes it would make (plan reads the host; apply never runs under --check).';
  const lines = [
    `## ${module.name}`,
    '',
    module.summary,
    '',
    `Names: ${[module.name, ...(module.aliases ?? [])].map(code).join(', ')} (also \`ansible.builtin.${module.name}\`).`,
  ];
  if (module.freeForm) lines.push('', `Free form: a plain string as the task value becomes \`${module.freeForm}\` (\`${module.name}: ...\`).`);
  if (module.controllerOnly) lines.push('', 'Runs on the controller: no connection to the host is needed.');
  lines.push(
    '',
    '### Parameters',
    '',
    '| name | type | required | default | choices | aliases | description |',
    '|---|---|---|---|---|---|---|',
    ...(rows.length ? rows : ['| (none) | | | | | | |']),
    '',
    `Changed when: ${module.changedWhen}`,
    '',
    `Check mode: ${check}`,
    '',
    '### Example',
    '',
    '```yaml',
    exampleTask(module),
    '```',
  );
  return `${lines.join('\n')}\n`;
}

/** One line per module: name and summary (`drover doc --list`). */
export function moduleList(registry: ModuleRegistry): string {
  const modules = [...registry.all()].sort((a, b) => a.name.localeCompare(b.name));
  const width = Math.max(...modules.map((m) => m.name.length));
  return modules.map((m) => `${m.name.padEnd(width)}  ${m.summary}\n`).join('');
}

/** docs/modules.md: every module, generated (`make docs`). */
export function modulesMarkdown(registry: ModuleRegistry): string {
  const modules = [...registry.all()].sort((a, b) => a.name.localeCompare(b.name));
  const index = modules.map((m) => `| [\`${m.name}\`](#${m.name.replace(/[^a-z0-9_-]/g, '')}) | ${cell(m.summary)} |`);
  return [
    '# Modules',
    '',
    '<!-- Generated by `make docs` (scripts/docs-modules.ts) from the module registry: do not edit. -->',
    '',
    'Every module supports check mode and diff: under `--check` the engine runs only its read-only `plan`. Same text as `drover doc MODULE`.',
    '',
    '| module | summary |',
    '|---|---|',
    ...index,
    '',
    ...modules.map(moduleDoc),
  ].join('\n');
}
