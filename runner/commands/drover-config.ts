// drover.yml: the project's defaults for drover's own settings, the ones
// ansible.cfg has no word for (host keys file, output, run log, debug log).
// Read from $DROVER_CONFIG (a path, or 'none') or ./drover.yml. A flag given
// on the command line wins over it; it wins over ansible.cfg's stdout_callback.
// Unknown keys and wrong types are refused at file:line:col, never ignored.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError, type Problem } from '../errors.js';
import { keyLocationOf, locationOf, parseYaml } from '../playbook/yaml-source.js';

type Check = (value: unknown) => boolean;
const text: Check = (v) => typeof v === 'string' && v !== '';

/** Each setting: the command-line flag it is the default of, what it takes, and whether it is a path (relative to drover.yml). */
export const DROVER_SETTINGS = {
  known_hosts: { flag: 'knownHosts', takes: 'a file path', check: text, path: true },
  accept_new_host_keys: { flag: 'acceptNewHostKeys', takes: 'true or false', check: (v: unknown) => typeof v === 'boolean', path: false },
  output: { flag: 'output', takes: 'auto, plain, listr, json or ansible', check: (v: unknown) => ['auto', 'plain', 'listr', 'json', 'ansible'].includes(v as string), path: false },
  log: { flag: 'log', takes: 'a directory path, or false for no run log', check: (v: unknown) => v === false || text(v), path: true },
  debug_log: { flag: 'debugLog', takes: 'a file path', check: text, path: true },
} as const;

export type DroverSettingName = keyof typeof DROVER_SETTINGS;

export interface DroverConfig {
  /** Where it was read from (absent: no drover.yml). */
  file?: string;
  values: Partial<Record<DroverSettingName, unknown>>;
}

export function droverConfig(env: NodeJS.ProcessEnv = process.env): DroverConfig {
  const named = env.DROVER_CONFIG;
  if (named === 'none') return { values: {} };
  const file = resolve(named ?? 'drover.yml');
  if (named === undefined && !existsSync(file)) return { values: {} };
  const content = parseYaml(readFileSync(file, 'utf8'), file);
  const at = (key?: string) => (key === undefined ? locationOf(content) : keyLocationOf(content, key)) ?? { file, line: 1, column: 1 };
  if (content === null || content === undefined) return { file, values: {} };
  if (typeof content !== 'object' || Array.isArray(content)) throw new InputError([{ message: `${file} must be a mapping of drover settings (${Object.keys(DROVER_SETTINGS).join(', ')})`, location: at() }]);
  const problems: Problem[] = [];
  const values: DroverConfig['values'] = {};
  for (const [key, value] of Object.entries(content)) {
    if (!Object.hasOwn(DROVER_SETTINGS, key)) {
      problems.push({ message: `unknown drover.yml setting '${key}'; drover.yml has ${Object.keys(DROVER_SETTINGS).join(', ')} (Ansible's settings go in ansible.cfg)`, location: at(key) });
      continue;
    }
    const setting = DROVER_SETTINGS[key as DroverSettingName];
    if (!setting.check(value)) {
      problems.push({ message: `drover.yml setting '${key}' takes ${setting.takes}, got ${JSON.stringify(value)}`, location: at(key) });
      continue;
    }
    values[key as DroverSettingName] = setting.path && typeof value === 'string' ? resolve(dirname(file), value) : value;
  }
  if (problems.length > 0) throw new InputError(problems);
  return { file, values };
}
