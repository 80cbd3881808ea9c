// The JSON Schema (draft-07) of a playbook file and of a task file, generated
// from the module registry and the engine's keyword tables: nothing here names
// a module. Editors use it through yaml-language-server (docs/editor.md);
// `drover schema` prints it.
import type { AnyModule, ModuleRegistry } from '../module-api.js';
import type { Schema } from '../schema.js';
import { BLOCK_KEYS, HANDLER_KEYWORDS, TASK_KEYWORDS } from '../playbook/keywords.js';
import { PLAY_KEYS } from '../playbook/load.js';
import { VAR_PROMPT_KEYS } from '../playbook/vars-prompt.js';
import type { MetaAction } from '../playbook/types.js';

type Json = Record<string, unknown>;

/** A value that is still a template: its type is known only per host, after templating. */
const TEMPLATE = { type: 'string', pattern: '\\{\\{', description: 'A template ({{ ... }}), typed after templating.' } as const;
const META_ACTIONS = ['flush_handlers', 'noop', 'end_play', 'end_host', 'clear_host_errors'] as const satisfies readonly MetaAction[];
const bool = { anyOf: [{ type: 'boolean' }, TEMPLATE] };

/** Play keys that are not task keywords: their shape and meaning. */
const PLAY_ONLY: Record<string, { schema: Json; description: string }> = {
  hosts: { schema: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }, description: "Host pattern: 'all', a group, 'web:&prod:!db01', or a list." },
  vars_files: { schema: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] }, description: 'YAML files of variables, relative to the playbook.' },
  gather_facts: { schema: bool, description: 'Gather facts before the first task (default true).' },
  serial: {
    schema: { anyOf: [{ type: ['integer', 'string'] }, { type: 'array', items: { type: ['integer', 'string'] } }] },
    description: 'Run the play on this many hosts (or percent) at a time; a list gives growing batches.',
  },
  pre_tasks: { schema: { $ref: '#/definitions/taskList' }, description: 'Tasks run before roles.' },
  roles: {
    schema: {
      type: 'array',
      items: {
        anyOf: [
          { type: 'string' },
          { type: 'object', properties: { role: { type: 'string' }, name: { type: 'string' } }, anyOf: [{ required: ['role'] }, { required: ['name'] }] },
        ],
      },
    },
    description: 'Roles applied before tasks: a name, or a mapping with role: plus keywords and variables.',
  },
  tasks: { schema: { $ref: '#/definitions/taskList' }, description: 'The tasks of the play, after roles.' },
  post_tasks: { schema: { $ref: '#/definitions/taskList' }, description: 'Tasks run after tasks (and after a handler flush).' },
  handlers: { schema: { $ref: '#/definitions/handlerList' }, description: 'Tasks run once at a flush when notified.' },
  remote_user: { schema: { type: 'string' }, description: "The login user of the play's tasks (each task may set its own); the inventory's ansible_user wins over it, as in Ansible." },
  strategy: { schema: { type: 'string' }, description: 'Accepted for compatibility; hosts always run independently.' },
  order: { schema: { enum: ['inventory'] }, description: 'Only inventory order (the default); other orders are refused.' },
  vars_prompt: {
    schema: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: Object.fromEntries(VAR_PROMPT_KEYS.map((k) => [k, {}])),
      },
    },
    description: 'Questions asked on the terminal when the play starts; a variable given with -e is not asked; without a terminal only a default answers.',
  },
};

/** Every task key that names this module: its name, its aliases, and `ansible.builtin.` spellings. */
export function moduleKeys(module: AnyModule): string[] {
  const names = [module.name, ...(module.aliases ?? [])];
  return [...names, ...names.filter((n) => !n.includes('.')).map((n) => `ansible.builtin.${n}`)];
}

/** Also accept a template wherever the value is not already any string. */
export function templatable(schema: Schema): Json {
  const s = { ...schema } as Json;
  if (s.properties) s.properties = Object.fromEntries(Object.entries(schema.properties!).map(([k, v]) => [k, templatable(v)]));
  if (s.items) s.items = templatable(schema.items!);
  if (typeof s.additionalProperties === 'object') s.additionalProperties = templatable(schema.additionalProperties as Schema);
  if (s.anyOf) s.anyOf = schema.anyOf!.map(templatable);
  if (s.oneOf) s.oneOf = schema.oneOf!.map(templatable);
  const types = schema.type === undefined ? [] : [schema.type].flat();
  // A length limit is a constraint too: '{{ bridge_name }}' may be longer than the name it renders to.
  const plainString = types.includes('string') && !schema.enum && !schema.const && !schema.pattern && !schema.format && schema.maxLength === undefined;
  if (plainString) return s;
  const { description, default: def, ...rest } = s;
  return { ...(description !== undefined && { description }), ...(def !== undefined && { default: def }), anyOf: [rest, TEMPLATE] };
}

function withDescription(schema: Schema | Json, description: string): Json {
  return { ...(schema as Json), description };
}

function keywordProperties(handlers: boolean): Record<string, Json> {
  const table = handlers ? { ...TASK_KEYWORDS, ...HANDLER_KEYWORDS } : TASK_KEYWORDS;
  return Object.fromEntries(Object.entries(table).map(([k, spec]) => [k, withDescription(spec.schema, spec.description)]));
}

/** The schema of a module key's value: the parameters (templatable), their aliases, a free-form string, or nothing. */
function moduleValueSchema(module: AnyModule): Json {
  const params = module.schema as Schema;
  const properties: Record<string, Json> = Object.fromEntries(Object.entries(params.properties ?? {}).map(([k, v]) => [k, templatable(v)]));
  for (const [alias, canonical] of Object.entries(module.paramAliases ?? {})) {
    const target = properties[canonical];
    if (target && !(alias in properties)) properties[alias] = { ...target, description: `Alias of ${canonical}.` };
  }
  const { properties: _p, required: _r, type: _t, description: _d, ...rest } = params as Json;
  const required = params.required ?? [];
  // A string is key=value words (`file: path=/x state=directory`) for every module, or a command line for free-form ones.
  const types = ['object', 'string', ...(required.length === 0 ? ['null'] : [])];
  return { description: `${module.summary} (drover doc ${module.name})`, ...rest, type: types.length > 1 ? types : 'object', properties };
}

/** Required parameters, any alias counting; skipped when args: may supply them. */
function requiredClauses(module: AnyModule): Json[] {
  const aliasesOf = (name: string) => Object.entries(module.paramAliases ?? {}).filter(([, c]) => c === name).map(([a]) => a);
  return ((module.schema as Schema).required ?? []).map((name) => {
    const names = [name, ...aliasesOf(name)];
    return names.length === 1 ? { required: [name] } : { anyOf: names.map((n) => ({ required: [n] })) };
  });
}

interface Action {
  key: string;
  value: Json;
  /** Other keys allowed beside it (block's rescue/always). */
  extra?: Record<string, Json>;
  /** Extra checks on the value unless args: is given. */
  unlessArgs?: Json[];
}

function actions(registry: ModuleRegistry): Action[] {
  const list: Action[] = [];
  for (const module of registry.all()) {
    const value = { $ref: `#/definitions/module:${module.name}`, description: `${module.summary} (drover doc ${module.name})` };
    const required = requiredClauses(module);
    for (const key of moduleKeys(module)) list.push({ key, value, ...(required.length && { unlessArgs: required }) });
  }
  const taskList = { $ref: '#/definitions/taskList' };
  const [block, rescue, always] = BLOCK_KEYS;
  list.push({
    key: block,
    value: withDescription(taskList, 'Tasks run in order; the keywords of the block apply to each.'),
    extra: { [rescue]: withDescription(taskList, 'Tasks run when a block task fails.'), [always]: withDescription(taskList, 'Tasks run after block (and rescue), whatever happened.') },
  });
  const fileRef = { anyOf: [{ type: 'string' }, { type: 'object', required: ['file'], properties: { file: { type: 'string' } } }] };
  const role = { type: 'object', required: ['name'], properties: { name: { type: 'string', description: 'The role to run.' } } };
  const special: Record<string, Json> = {
    import_tasks: withDescription(fileRef, 'Tasks from this file (relative to the current file), inlined at load time.'),
    include_tasks: withDescription(fileRef, 'Tasks from this file; a templated name is resolved per host at run time.'),
    include: withDescription(fileRef, 'Old spelling of include_tasks.'),
    import_role: withDescription(role, "A role's tasks, inlined at load time."),
    include_role: withDescription(role, "A role's tasks (loaded like import_role)."),
    meta: { enum: [...META_ACTIONS], description: 'An engine action: flush_handlers, noop, end_play, end_host or clear_host_errors.' },
  };
  for (const [key, value] of Object.entries(special)) for (const k of [key, `ansible.builtin.${key}`]) list.push({ key: k, value });
  // Task keywords in Ansible (no ansible.builtin. spelling), but each names the task's module.
  const legacy = { anyOf: [{ type: 'string' }, { type: 'object', required: ['module'] }] };
  list.push({ key: 'action', value: withDescription(legacy, "Old spelling: 'MODULE key=value...' or {module: MODULE, ...parameters}.") });
  list.push({ key: 'local_action', value: withDescription(legacy, 'action: run on the controller (delegate_to: localhost).') });
  return list;
}

/**
 * One task: keywords plus exactly one action. Each action key gets an if/then
 * branch (present -> only keywords and that key are allowed), so an editor
 * reports the typo itself rather than "matches none of 60 alternatives".
 */
function taskSchema(registry: ModuleRegistry, handlers: boolean): Json {
  const keywords = keywordProperties(handlers);
  const all = actions(registry);
  // Branches only name the keywords (their schemas are checked once, under properties below).
  const allowed = Object.fromEntries(Object.keys(keywords).map((k) => [k, true]));
  const branches = all.map((a): Json => {
    const then: Json = { properties: { ...allowed, [a.key]: true, ...(a.extra && Object.fromEntries(Object.keys(a.extra).map((k) => [k, true]))) }, additionalProperties: false };
    if (a.unlessArgs) Object.assign(then, { if: { not: { required: ['args'] } }, then: { properties: { [a.key]: { allOf: a.unlessArgs } } } });
    return { if: { required: [a.key] }, then };
  });
  const properties: Record<string, Json> = { ...keywords };
  for (const a of all) Object.assign(properties, { [a.key]: a.value }, a.extra);
  return {
    type: 'object',
    description: handlers ? 'A handler: a task run once at a flush when notified (by name or a listen topic).' : 'A task: keywords plus exactly one module key (or block/import/include/meta).',
    properties,
    minProperties: 1,
    allOf: [
      ...branches,
      // No action key at all: only keywords are allowed, so an unknown module is named as an unknown property.
      { if: { not: { anyOf: all.map((a) => ({ required: [a.key] })) } }, then: { properties: allowed, additionalProperties: false } },
    ],
  };
}

function definitions(registry: ModuleRegistry): Json {
  const defs: Json = {
    task: taskSchema(registry, false),
    handler: taskSchema(registry, true),
    taskList: { type: ['array', 'null'], items: { $ref: '#/definitions/task' } },
    handlerList: { type: ['array', 'null'], items: { $ref: '#/definitions/handler' } },
  };
  for (const module of registry.all()) defs[`module:${module.name}`] = moduleValueSchema(module);
  return defs;
}

function playSchema(): Json {
  const properties: Record<string, Json> = {};
  for (const key of PLAY_KEYS) {
    const spec = PLAY_ONLY[key] ?? TASK_KEYWORDS[key];
    if (!spec) throw new Error(`play key '${key}' has no schema: add it to PLAY_ONLY in runner/docs/playbook-schema.ts`);
    properties[key] = withDescription(spec.schema, spec.description);
  }
  return { type: 'object', description: 'A play: hosts, variables, roles and tasks.', required: ['hosts'], properties, additionalProperties: false };
}

const importPlaybook = {
  type: 'object',
  description: 'Plays from another playbook file, relative to this one.',
  properties: Object.fromEntries(['import_playbook', 'ansible.builtin.import_playbook'].map((k) => [k, { type: 'string', description: 'The playbook file to import.' }])),
  anyOf: [{ required: ['import_playbook'] }, { required: ['ansible.builtin.import_playbook'] }],
  additionalProperties: false,
};

/** The JSON Schema of a playbook file (a list of plays or import_playbook entries). */
export function playbookSchema(registry: ModuleRegistry): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://drover.dev/schema/playbook.json',
    title: 'drover playbook',
    description: 'A list of plays; generated by `drover schema` from the module registry and the keyword tables.',
    type: 'array',
    items: { if: { type: 'object', required: ['import_playbook'] }, then: importPlaybook, else: { if: { type: 'object', required: ['ansible.builtin.import_playbook'] }, then: importPlaybook, else: { $ref: '#/definitions/play' } } },
    definitions: { play: playSchema(), ...definitions(registry) },
  };
}

/** The JSON Schema of a task file (roles/NAME/tasks/*.yml, import_tasks targets), or of a handlers file. */
export function taskFileSchema(registry: ModuleRegistry, options: { handlers?: boolean } = {}): Json {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://drover.dev/schema/${options.handlers ? 'handlers' : 'tasks'}.json`,
    title: options.handlers ? 'drover handlers file' : 'drover task file',
    description: 'A list of tasks; generated by `drover schema` from the module registry and the keyword tables.',
    type: 'array',
    items: { $ref: `#/definitions/${options.handlers ? 'handler' : 'task'}` },
    definitions: definitions(registry),
  };
}
