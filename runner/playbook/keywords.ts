// Task keywords: the engine's own schema, kept apart from module parameters.
// One table documents them (docs/keywords.md is generated from it) and drives
// load-time validation.
import type { Schema } from '../schema.js';

const template = { type: 'string', pattern: '\\{\\{' } as const;
const bool = { anyOf: [{ type: 'boolean' }, template] } as const;
const condition = { anyOf: [{ type: ['string', 'boolean'] }, { type: 'array', items: { type: ['string', 'boolean'] } }] } as const;
const stringList = { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } as const;
const count = { anyOf: [{ type: 'integer', minimum: 0 }, template] } as const;

interface KeywordSpec {
  schema: Schema;
  description: string;
}

/** Keywords valid on any task (and inherited from blocks and plays where it makes sense). */
export const TASK_KEYWORDS: Record<string, KeywordSpec> = {
  name: { schema: { type: 'string' }, description: 'Shown in output; also how handlers are notified.' },
  when: { schema: condition, description: 'Run only if the condition holds (a list means all of them).' },
  loop: { schema: { anyOf: [{ type: 'array' }, { type: 'string' }] }, description: 'Run once per item; the item is `item` (or loop_control.loop_var).' },
  loop_control: {
    schema: {
      type: 'object',
      additionalProperties: false,
      properties: { label: { type: 'string' }, loop_var: { type: 'string' }, index_var: { type: 'string' }, pause: { type: 'number' } },
    },
    description: 'label shown per item; loop_var/index_var rename item/index; pause seconds between items.',
  },
  register: { schema: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }, description: 'Save the result in this host variable.' },
  notify: { schema: stringList, description: 'Handlers (by name or listen topic) to run at the next flush if this task changed.' },
  tags: { schema: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'number'] } }] }, description: 'Select with --tags/--skip-tags; `always` and `never` are special.' },
  become: { schema: bool, description: 'Run as another user (sudo).' },
  become_user: { schema: { type: 'string' }, description: 'The user to become (default root).' },
  ignore_errors: { schema: bool, description: 'A failure is reported as ignored and the host continues.' },
  changed_when: { schema: condition, description: 'Override "changed" with a condition on the result.' },
  failed_when: { schema: condition, description: 'Override "failed" with a condition on the result.' },
  until: { schema: condition, description: 'Retry until the condition holds (see retries, delay).' },
  retries: { schema: count, description: 'How many retries for until (default 3).' },
  delay: { schema: { anyOf: [{ type: 'number', minimum: 0 }, template] }, description: 'Seconds between retries (default 5).' },
  check_mode: { schema: bool, description: 'true: always plan only; false: apply even under --check.' },
  diff: { schema: bool, description: 'Show or hide this task\'s diff regardless of --diff.' },
  no_log: { schema: bool, description: 'Censor the result and messages of this task in every output.' },
  run_once: { schema: bool, description: 'Run on the first host only; every host gets its result.' },
  delegate_to: { schema: { type: 'string' }, description: 'Run the module on this host instead (with the current host\'s variables).' },
  environment: { schema: { anyOf: [{ type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } }, template] }, description: 'Environment variables for the remote commands.' },
  vars: { schema: { type: 'object' }, description: 'Variables for this task (or block) only.' },
  args: { schema: { anyOf: [{ type: 'object' }, template] }, description: 'Module parameters given apart from the module key.' },
  timeout: { schema: count, description: 'Fail the task if it runs longer than this many seconds; the command is killed on the host, with every process it started.' },
  any_errors_fatal: { schema: bool, description: 'Accepted for compatibility; hosts stay independent in drover.' },
  // Ansible's older loop spellings, turned into `loop` by the loader.
  with_items: { schema: { anyOf: [{ type: 'array' }, { type: 'string' }] }, description: 'Old spelling of loop (flattens one level).' },
  with_list: { schema: { anyOf: [{ type: 'array' }, { type: 'string' }] }, description: 'Old spelling of loop.' },
  with_dict: { schema: { anyOf: [{ type: 'object' }, { type: 'string' }] }, description: 'Loop over a mapping as {key, value} items.' },
};

/** Keywords only handlers have. */
export const HANDLER_KEYWORDS: Record<string, KeywordSpec> = {
  listen: { schema: stringList, description: 'Topics this handler also answers to.' },
};

/** Block-only keys. */
export const BLOCK_KEYS = ['block', 'rescue', 'always'] as const;

/** Ansible keywords drover does not implement: named so the error can say so instead of "unknown module". */
export const UNSUPPORTED_KEYWORDS: Record<string, string> = {
  async: 'run the command in the background with shell and poll it with wait_for',
  poll: 'see async',
  throttle: 'use --forks or serial',
  local_action: 'use delegate_to: localhost',
  with_fileglob: 'not supported yet',
  with_sequence: 'use loop with the range helper',
  with_nested: 'not supported yet',
  with_subelements: 'not supported yet',
  become_method: 'drover always becomes with sudo',
  connection: 'set ansible_connection in the inventory',
  collections: 'not needed: modules are built in',
  debugger: 'not supported',
  vars_prompt: 'pass values with -e',
};
