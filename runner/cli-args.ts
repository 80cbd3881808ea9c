// From command-line words to run options: make-style ENV=NAME / GROUP=NAME /
// KEY=VALUE words (so `drover run playbooks/hub.yml ENV=hub-dev GROUP=hub`
// mirrors `make playbook PLAYBOOK=hub ENV=hub-dev GROUP=hub`), -e in every
// form Ansible accepts, and tag lists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Invocation } from './engine/invocation.js';
import { InputError } from './errors.js';
import { checkInputFileSizeSync } from './input-size.js';
import { parseYaml } from './playbook/yaml-source.js';
import { shlexSplit } from './shlex.js';

interface WordFlags {
  inventory: string[];
  limit?: string;
  extraVars: string[];
  tags: string[];
  skipTags: string[];
}

export function resolveInvocation(playbook: string, words: string[], flags: WordFlags): Invocation {
  const inventory = [...flags.inventory];
  const limits = flags.limit ? [flags.limit] : [];
  const extraVars: Record<string, unknown> = {};
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new InputError([{ message: `unexpected word '${word}': after the playbook give ENV=NAME, GROUP=NAME or KEY=VALUE` }]);
    const key = word.slice(0, eq);
    const value = word.slice(eq + 1);
    if (key === 'ENV') {
      if (flags.inventory.length === 0) inventory.push(join('inventories', value));
    } else if (key === 'GROUP') limits.unshift(value);
    else extraVars[key] = value;
  }
  for (const entry of flags.extraVars) Object.assign(extraVars, parseExtraVars(entry));
  return {
    playbook,
    inventory,
    limit: limits.length ? limits.join(':&') : undefined,
    extraVars,
    tags: { only: splitTags(flags.tags), skip: splitTags(flags.skipTags) },
  };
}

/** -e accepts key=value words, inline YAML/JSON, or @file, like ansible-playbook. */
export function parseExtraVars(text: string): Record<string, unknown> {
  if (text.startsWith('@')) {
    const file = text.slice(1);
    let source: string;
    checkInputFileSizeSync(file, file);
    try {
      source = readFileSync(file, 'utf8');
    } catch (error) {
      throw new InputError([{ message: `cannot read extra vars file ${file}: ${(error as NodeJS.ErrnoException).code}` }]);
    }
    return asMapping(parseYaml(source, file), file);
  }
  const trimmed = text.trim();
  if (trimmed.startsWith('{') || trimmed.startsWith('---')) return asMapping(parseYaml(trimmed, '-e'), '-e');
  const vars: Record<string, unknown> = {};
  for (const word of shlexSplit(text)) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new InputError([{ message: `-e '${text}': '${word}' is not KEY=VALUE (use YAML for other values: -e '{"k": [1, 2]}')` }]);
    vars[word.slice(0, eq)] = word.slice(eq + 1);
  }
  return vars;
}

function asMapping(value: unknown, where: string): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new InputError([{ message: `extra vars from ${where} must be a mapping` }]);
}

function splitTags(values: string[]): string[] {
  return values.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}
