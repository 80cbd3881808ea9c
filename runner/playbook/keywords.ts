// Task keywords: the engine's own schema, kept apart from module parameters.
// One table documents them (docs/keywords.md is generated from it), drives
// load-time validation, the per-host validation of rendered values
// (runner/validate/keyword-values.ts) and the type the engine reads them as
// (EvaluatedKeywords below, derived from the table, not written twice).
import type { Schema, TypeOf } from '../schema.js';
import { LOOKUP_NAMES } from '../template/lookups.js';
import { BECOME_METHODS, CONNECTION_PLUGINS } from '../inventory/connection.js';

const template = { type: 'string', pattern: '\\{\\{' } as const;
const condition = { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }] } as const;
const stringList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;

/**
 * What a keyword's value must be once rendered for a host (and loop item), after
 * Ansible's conversions: boolean() for `type: boolean`, int() for `type: integer`,
 * scalars to text for `type: string`.
 */
interface RenderedSpec {
  /** The field of EvaluatedKeywords it fills. */
  readonly field: string;
  readonly schema: Schema;
  /** The value when the keyword is not set (or renders to null); without one the field is optional. */
  readonly default?: unknown;
  /** Written in seconds, kept in milliseconds (delayMs, timeoutMs). */
  readonly seconds?: true;
  /** Rendered once per host before the loop, or per loop item (no_log: both, so an item can switch it on). */
  readonly at: readonly ('host' | 'item')[];
}

interface TableEntry {
  /** The written value's shape (load time, editors); derived from `rendered` when absent. */
  readonly schema?: Schema;
  readonly rendered?: RenderedSpec;
  readonly description: string;
}

export interface KeywordSpec {
  schema: Schema;
  rendered?: RenderedSpec;
  description: string;
}

const boolean = { type: 'boolean' } as const;
const perItem = ['item'] as const;

const TABLE = {
  name: { schema: { type: 'string' }, description: 'Shown in output; also how handlers are notified.' },
  when: { schema: condition, description: 'Run only if the condition holds (a list means all of them).' },
  loop: {
    schema: { anyOf: [{ type: 'array' }, template] },
    rendered: { field: 'loop', schema: { type: 'array' }, at: ['host'] },
    description: 'Run once per item; the item is `item` (or loop_control.loop_var).',
  },
  loop_control: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: {
        label: { type: 'string' },
        loop_var: { type: 'string' },
        index_var: { type: 'string' },
        pause: { type: 'number' },
        extended: { anyOf: [{ type: 'boolean' }, template] },
        extended_allitems: { anyOf: [{ type: 'boolean' }, template] },
      },
    },
    description: 'label shown per item; loop_var/index_var rename item/index; pause seconds between items; extended sets ansible_loop (index, first, last, length, revindex, previtem, nextitem, allitems unless extended_allitems is false).',
  },
  register: { schema: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, description: 'Save the result in this host variable.' },
  notify: { schema: stringList, description: 'Handlers (by name or listen topic) to run at the next flush if this task changed.' },
  tags: { schema: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'number'] } }] }, description: 'Select with --tags/--skip-tags; `always` and `never` are special.' },
  become: { rendered: { field: 'become', schema: boolean, at: perItem }, description: 'Run as another user (sudo, or su with ansible_become_method), default -b/--become or ansible.cfg\'s become (false). The inventory\'s ansible_become, ansible_become_user and ansible_become_method win over become and become_user, as in Ansible; a password (ansible_become_password, or -K) is answered on stdin when sudo or su asks.' },
  remote_user: {
    rendered: { field: 'remoteUser', schema: { type: 'string', minLength: 1 }, at: perItem },
    description: "The login user for this task's connection (a connection of its own per user). The inventory's ansible_user (or ansible_ssh_user) wins over it, as in Ansible; it wins over -u.",
  },
  become_user: { rendered: { field: 'becomeUser', schema: { type: 'string', minLength: 1 }, at: perItem }, description: 'The user to become (default --become-user or ansible.cfg\'s become_user, else root).' },
  connection: {
    rendered: { field: 'connection', schema: { enum: Object.keys(CONNECTION_PLUGINS) }, at: perItem },
    description: "How to reach the host: ssh (smart and paramiko are ssh too) or local; it stands where -c does, so the inventory's ansible_connection wins over it, as in Ansible.",
  },
  become_method: {
    rendered: { field: 'becomeMethod', schema: { enum: [...BECOME_METHODS] }, at: perItem },
    description: `How to become: ${BECOME_METHODS.join(' or ')} (default --become-method or ansible.cfg's become_method, else sudo); the inventory's ansible_become_method wins, as in Ansible. Other methods are refused.`,
  },
  ignore_errors: { rendered: { field: 'ignoreErrors', schema: boolean, default: false, at: ['host'] }, description: 'A failure is reported as ignored and the host continues.' },
  changed_when: { schema: condition, description: 'Override "changed" with a condition on the result.' },
  failed_when: { schema: condition, description: 'Override "failed" with a condition on the result.' },
  until: { schema: condition, description: 'Retry until the condition holds (see retries, delay).' },
  retries: { rendered: { field: 'retries', schema: { type: 'integer', minimum: 0 }, default: 3, at: perItem }, description: 'How many retries for until (default 3).' },
  delay: { rendered: { field: 'delayMs', schema: { type: 'number', minimum: 0 }, default: 5, seconds: true, at: perItem }, description: 'Seconds between retries (default 5).' },
  check_mode: { rendered: { field: 'checkMode', schema: boolean, at: perItem }, description: 'true: always plan only; false: apply even under --check.' },
  diff: { rendered: { field: 'diff', schema: boolean, at: perItem }, description: 'Show or hide this task\'s diff regardless of --diff.' },
  no_log: { rendered: { field: 'noLog', schema: boolean, default: false, at: ['host', 'item'] }, description: 'Censor the result and messages of this task in every output.' },
  run_once: { rendered: { field: 'runOnce', schema: boolean, default: false, at: ['host'] }, description: 'Run on the first host only; every host gets its result.' },
  throttle: {
    rendered: { field: 'throttle', schema: { type: 'integer', minimum: 0 }, default: 0, at: ['host'] },
    description: 'At most this many hosts run the task at the same time (0: no limit beyond --forks and serial); ignored with run_once, as in Ansible. On a block or play every task inherits it, each with its own limit.',
  },
  delegate_to: { rendered: { field: 'delegateTo', schema: { type: 'string', minLength: 1 }, at: perItem }, description: 'Run the module on this host instead (with the current host\'s variables).' },
  environment: {
    schema: { anyOf: [{ type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } }, template] },
    rendered: { field: 'environment', schema: { type: 'object', additionalProperties: { type: 'string' } }, at: perItem },
    description: 'Environment variables for the remote commands.',
  },
  vars: { schema: { anyOf: [{ type: 'object' }, { type: 'array', items: { type: 'object' } }] }, description: 'Variables for this task (or block) only: a mapping, or a list of mappings merged in order (as Ansible\'s _load_vars).' },
  args: {
    schema: { anyOf: [{ type: 'object' }, template] },
    rendered: { field: 'args', schema: { type: 'object' }, at: perItem },
    description: 'Module parameters given apart from the module key.',
  },
  any_errors_fatal: {
    schema: boolean,
    description: "A host failing (or unreachable on) this task ends the play for every host once the task has finished on all of them; no later batch or play runs (a host in a rescue or always section keeps the batch going). The play then runs in lock-step, as Ansible's linear strategy. Default ANSIBLE_ANY_ERRORS_FATAL or ansible.cfg's any_errors_fatal (false).",
  },
  timeout: {
    rendered: { field: 'timeoutMs', schema: { type: 'integer', minimum: 0 }, seconds: true, at: perItem },
    description: 'Fail the task if it runs longer than this many seconds (0: no limit); the command is killed on the host, with every process it started.',
  },
  module_defaults: {
    schema: {},
    description: "Default parameters per module ({file: {mode: '0644'}}, or a list of such mappings), on a play, block or task; the task's own parameters win, and an inner entry for a module replaces an outer one whole, as in Ansible. Keys name modules drover has (short name, alias or ansible.builtin.); action groups are refused.",
  },
  async: {
    rendered: { field: 'asyncSeconds', schema: { type: 'integer', minimum: 0 }, default: 0, at: perItem },
    description: "Run the task as an async job that must finish within this many seconds (0: not async), else it fails with Ansible's 'async task did not complete within the requested time'. drover runs it to the end over the open connection (with poll > 0), and registers ansible_job_id, started and finished as Ansible does, but no results_file; poll: 0 (fire and forget) is refused.",
  },
  poll: {
    rendered: { field: 'pollSeconds', schema: { type: 'integer', minimum: 0 }, default: 15, at: perItem },
    description: 'With async: how often Ansible checks on the job (default 15). drover waits for the job directly, so the value only matters when it is 0, which is refused.',
  },
  // Ansible's older loop spellings (with_items, with_dict, with_sequence...) are added below, one per lookup.
} as const satisfies Record<string, TableEntry>;

type Table = typeof TABLE;
type Rendered = { [K in keyof Table]: Table[K] extends { rendered: infer R extends RenderedSpec } ? R : never }[keyof Table];
type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The keywords rendered at `stage`, typed from their rendered schemas: a field with a default is always there. */
export type EvaluatedAt<Stage extends 'host' | 'item'> = Simplify<
  { [R in Rendered as Stage extends R['at'][number] ? (R extends { default: unknown } ? R['field'] : never) : never]: TypeOf<R['schema']> } & {
    [R in Rendered as Stage extends R['at'][number] ? (R extends { default: unknown } ? never : R['field']) : never]?: TypeOf<R['schema']>;
  }
>;

/** Every evaluated keyword of a task on one host and item. */
export type EvaluatedKeywords = EvaluatedAt<'host'> & EvaluatedAt<'item'>;

const booleanText = '^\\s*([Yy]([Ee][Ss])?|[Oo][Nn]|[Tt]([Rr][Uu][Ee])?|1|[Nn][Oo]?|[Oo][Ff][Ff]|[Ff]([Aa][Ll][Ss][Ee])?|0)\\s*$';

/** What may be written for a rendered schema: the value itself, the text Ansible converts to it, or a template. */
function writtenSchema(rendered: Schema): Schema {
  if (rendered.type === 'boolean') return { anyOf: [{ type: 'boolean' }, { enum: [0, 1] }, { type: 'string', pattern: booleanText }, template] };
  if (rendered.type === 'integer' || rendered.type === 'number') return { anyOf: [rendered, { type: 'string', pattern: '^\\s*[0-9]+\\s*$' }, template] };
  return { anyOf: [rendered, template] };
}

function spec(entry: TableEntry): KeywordSpec {
  return { schema: entry.schema ?? writtenSchema(entry.rendered!.schema), ...(entry.rendered ? { rendered: entry.rendered } : {}), description: entry.description };
}

/** Keywords valid on any task (and inherited from blocks and plays where it makes sense). */
export const TASK_KEYWORDS: Record<string, KeywordSpec> = Object.fromEntries(Object.entries(TABLE).map(([k, entry]) => [k, spec(entry)]));

/** `with_NAME`: loop over what the lookup NAME returns for the given terms (turned into loop + loop_with by the loader). */
for (const name of LOOKUP_NAMES) {
  TASK_KEYWORDS[`with_${name}`] = {
    schema: {},
    description: `Old loop spelling: loop over \`query('${name}', terms...)\` (a list value gives the terms, anything else is one term).`,
  };
}

/** Keywords only handlers have. */
export const HANDLER_KEYWORDS: Record<string, KeywordSpec> = {
  listen: { schema: stringList, description: 'Topics this handler also answers to.' },
};

/** Block-only keys. */
export const BLOCK_KEYS = ['block', 'rescue', 'always'] as const;

/** Ansible keywords drover does not implement: named so the error can say so instead of "unknown module". */
export const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  collections: 'not needed: modules are built in',
  debugger: 'no interactive task debugger: use -vvv, --step or --start-at-task',
  vars_prompt: 'a play keyword: write it on the play, as Ansible requires',
};

/**
 * A vars keyword's mapping: Ansible's Base._load_vars takes a mapping or a list of mappings,
 * each updating the ones before it (hash_behaviour replace). Undefined for anything else.
 */
export function varsMapping(value: unknown): Record<string, unknown> | undefined {
  const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isMapping(value)) return value;
  if (Array.isArray(value) && value.every(isMapping)) return Object.assign({}, ...value) as Record<string, unknown>;
  return undefined;
}
