// A play's vars_prompt, read as Ansible's Play._load_vars_prompt reads it: a
// list of mappings, each with a name and only the keys Ansible knows. The
// questions are asked when the play starts (runner/engine/vars-prompt.ts).
import type { Problem, SourceLocation } from '../errors.js';
import { keyLocationOf, locationOf } from './yaml-source.js';
import { ansibleBoolean, BOOLEAN_WORDS } from '../validate/coerce.js';
import { PASSLIB_SCHEMES } from '../template/crypt.js';

/** One question, as written (prompt and default may be templates, rendered with the play's vars). */
export interface VarPrompt {
  name: string;
  prompt?: string;
  default?: unknown;
  /** No echo while typing (Ansible's default: true). */
  private: boolean;
  /** Asked twice, until both answers match. */
  confirm: boolean;
  /** A crypt scheme (sha512_crypt, sha256_crypt, md5_crypt): the answer is stored hashed. */
  encrypt?: string;
  salt?: string;
  /** The answer is never templated (Ansible's wrap_var). */
  unsafe: boolean;
  location: SourceLocation;
}

/** The keys Ansible's Play._load_vars_prompt allows (salt_size is then refused by drover, with what to do instead). */
export const VAR_PROMPT_KEYS = ['name', 'prompt', 'default', 'private', 'confirm', 'encrypt', 'salt_size', 'salt', 'unsafe'];

export function parseVarsPrompt(value: unknown, at: SourceLocation, problems: Problem[]): VarPrompt[] {
  if (value === undefined || value === null) return [];
  // Ansible's preprocess_vars takes one mapping as a list of one.
  const entries = Array.isArray(value) ? value : [value];
  const prompts: VarPrompt[] = [];
  for (const entry of entries) {
    const where = locationOf(entry) ?? locationOf(value) ?? at;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ message: 'vars_prompt: each entry must be a mapping with a name:', location: where });
      continue;
    }
    const raw = entry as Record<string, unknown>;
    const bad = (key: string, message: string) => problems.push({ message: `vars_prompt '${String(raw.name ?? '')}': ${message}`, location: keyLocationOf(raw, key) ?? where });
    // Ansible's own words for the two structural errors.
    if (!('name' in raw)) problems.push({ message: "Invalid vars_prompt data structure, missing 'name' key", location: where });
    for (const key of Object.keys(raw)) if (!VAR_PROMPT_KEYS.includes(key)) problems.push({ message: `Invalid vars_prompt data structure, found unsupported key '${key}'`, location: keyLocationOf(raw, key) ?? where });
    if ('name' in raw && (typeof raw.name !== 'string' || raw.name === '')) bad('name', 'name must be a variable name');
    if (raw.prompt !== undefined && typeof raw.prompt !== 'string') bad('prompt', 'prompt must be a string');
    if (raw.salt !== undefined && typeof raw.salt !== 'string') bad('salt', 'salt must be a string');
    if (raw.encrypt !== undefined && !(typeof raw.encrypt === 'string' && Object.hasOwn(PASSLIB_SCHEMES, raw.encrypt))) {
      bad('encrypt', `encrypt ${JSON.stringify(raw.encrypt)} is not supported: drover hashes with ${Object.keys(PASSLIB_SCHEMES).join(', ')}`);
    }
    // As the password_hash filter: a random salt of another size is not offered; a given salt is.
    if (raw.salt_size !== undefined) bad('salt_size', 'salt_size is not supported: give salt instead, or leave both out for a random salt of the full size');
    const flag = (key: string, fallback: boolean): boolean => {
      const v = raw[key];
      if (v === undefined) return fallback;
      const word = ansibleBoolean(v);
      if (word === undefined) bad(key, `${key} must be a boolean (${BOOLEAN_WORDS}), got ${JSON.stringify(v)}`);
      return word ?? fallback;
    };
    prompts.push({
      name: String(raw.name ?? ''),
      ...(typeof raw.prompt === 'string' ? { prompt: raw.prompt } : {}),
      ...(raw.default !== undefined && raw.default !== null ? { default: raw.default } : {}),
      private: flag('private', true),
      confirm: flag('confirm', false),
      ...(typeof raw.encrypt === 'string' ? { encrypt: raw.encrypt } : {}),
      ...(typeof raw.salt === 'string' ? { salt: raw.salt } : {}),
      unsafe: flag('unsafe', false),
      location: where,
    });
  }
  return prompts;
}
