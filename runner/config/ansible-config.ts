// ansible.cfg, found and read as ansible-core 2.14 does, and the ANSIBLE_*
// variables over it: for each setting drover has, the value and where it came
// from. The command line wins over both (runner/commands/), so the order is
// Ansible's: CLI > environment > ansible.cfg > default. Everything is read
// from the environment given (HOME, ANSIBLE_CONFIG, the working directory);
// DROVER_ANSIBLE_CONFIG=none turns the search off and DROVER_ANSIBLE_SYSTEM_CONFIG
// replaces /etc/ansible/ansible.cfg, so tests never see the machine's own.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { homedir } from 'node:os';
import { InputError, type Problem } from '../errors.js';
import { parseIni, type IniEntry, type IniFile } from './ini.js';
import { INERT_KEYS, INERT_SECTIONS, KNOWN_DEFAULTS_KEYS, KNOWN_SECTIONS, SETTINGS, STDOUT_CALLBACKS, type SettingDef, type SettingName } from './settings.js';

export interface ConfigSources {
  env?: Record<string, string | undefined>;
  cwd?: string;
  /** /etc/ansible/ansible.cfg by default; a test points it elsewhere. */
  systemFile?: string;
}

type Typed<N extends SettingName> = (typeof SETTINGS)[N]['type'] extends 'boolean' ? boolean : (typeof SETTINGS)[N]['type'] extends 'integer' ? number : (typeof SETTINGS)[N]['type'] extends 'pathspec' | 'pathlist' ? string[] : string;

export interface AnsibleConfig {
  /** The file in use, if any. */
  file?: string;
  /** The setting's value from the environment or the file, converted as Ansible does; undefined when neither sets it. */
  value<N extends SettingName>(name: N): Typed<N> | undefined;
  /** 'env: ANSIBLE_FORKS', the file path, or undefined. */
  origin(name: SettingName): string | undefined;
  /** Settings that are read but have no effect on drover, with why: shown once with -v. */
  ignored: string[];
  /** Settings that would change what a run does and drover lacks: a run refuses to start. */
  refused: Problem[];
}

/** Ansible's find_ini_config_file: $ANSIBLE_CONFIG (a file, or a directory holding ansible.cfg), ./ansible.cfg unless the directory is world-writable, ~/.ansible.cfg, /etc/ansible/ansible.cfg. */
export function findConfigFile(sources: ConfigSources = {}): { file?: string; warnings: string[] } {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const home = env.HOME ?? homedir();
  const warnings: string[] = [];
  if (env.DROVER_ANSIBLE_CONFIG === 'none') return { warnings };
  const candidates: string[] = [];
  if (env.ANSIBLE_CONFIG !== undefined) {
    const p = expandPath(env.ANSIBLE_CONFIG, cwd, env);
    candidates.push(existsSync(p) && statSync(p).isDirectory() ? join(p, 'ansible.cfg') : p);
  }
  try {
    if ((statSync(cwd).mode & 0o002) !== 0) {
      if (existsSync(join(cwd, 'ansible.cfg'))) warnings.push(`Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source.`);
    } else candidates.push(join(cwd, 'ansible.cfg'));
  } catch {
    // The working directory is gone: Ansible skips it too.
  }
  candidates.push(join(home, '.ansible.cfg'), sources.systemFile ?? env.DROVER_ANSIBLE_SYSTEM_CONFIG ?? '/etc/ansible/ansible.cfg');
  const file = candidates.find((p) => {
    try {
      accessSync(p, constants.R_OK);
      return true;
    } catch {
      return false;
    }
  });
  return file === undefined ? { warnings } : { file, warnings };
}

export function loadAnsibleConfig(sources: ConfigSources = {}): AnsibleConfig & { warnings: string[] } {
  const env = sources.env ?? process.env;
  const cwd = sources.cwd ?? process.cwd();
  const found = findConfigFile(sources);
  let ini: IniFile | undefined;
  if (found.file) {
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(found.file));
    } catch (error) {
      throw new InputError([{ message: `Error reading config file(${found.file}) because the config file was not utf8 encoded: ${(error as Error).message}` }]);
    }
    ini = parseIni(text, found.file);
  }
  const { ignored, refused } = classify(ini);
  const read = (name: SettingName): { raw: string; origin: string; fromFile: boolean; line?: number } | undefined => {
    const def: SettingDef = SETTINGS[name];
    let got: { raw: string; origin: string; fromFile: boolean; line?: number } | undefined;
    for (const v of def.env) if (env[v] !== undefined) got = { raw: env[v] as string, origin: `env: ${v}`, fromFile: false };
    if (got || !ini) return got;
    for (const [section, key] of def.ini) {
      const entry = ini.get(section, key);
      if (entry) got = { raw: entry.value, origin: ini.file, fromFile: true, line: entry.line };
    }
    return got;
  };
  const cache = new Map<SettingName, unknown>();
  const value = <N extends SettingName>(name: N): Typed<N> | undefined => {
    if (cache.has(name)) return cache.get(name) as Typed<N> | undefined;
    const got = read(name);
    const typed = got === undefined ? undefined : convert(name, got, got.fromFile ? dirname(ini!.file) : cwd, env);
    cache.set(name, typed);
    return typed as Typed<N> | undefined;
  };
  const pipelining = read('pipelining');
  if (pipelining && !value('pipelining')) ignored.push(`pipelining = False (${pipelining.origin}): drover always pipelines (every command goes to the host's sh on stdin; nothing is copied to a remote temp dir first)`);
  return { file: found.file, warnings: found.warnings, value, origin: (name) => read(name)?.origin, ignored, refused };
}

/** What drover does with each key of the file besides the settings it applies. */
function classify(ini: IniFile | undefined): { ignored: string[]; refused: Problem[] } {
  const ignored: string[] = [];
  const refused: Problem[] = [];
  if (!ini) return { ignored, refused };
  const supported = new Set(Object.values(SETTINGS).flatMap((d) => d.ini.map(([s, k]) => `${s}.${k}`)));
  for (const e of ini.entries) {
    const where = `[${e.section}] ${e.key}`;
    if (supported.has(`${e.section}.${e.key}`)) {
      if (e.key === 'stdout_callback' && !(e.value in STDOUT_CALLBACKS)) refused.push(refusal(ini, e, `stdout_callback = ${e.value}: drover has no such output (it shows Ansible's default callback's events its own way; use --output plain|listr|json)`, `${where} = ${e.value}`, '--output plain|listr|json'));
      continue;
    }
    if (INERT_SECTIONS.includes(e.section) || INERT_KEYS[e.section]?.includes(e.key) || e.section === 'DEFAULT') {
      ignored.push(`${where} (${ini.file}:${e.line}): no effect on drover, which has no ${e.section === 'defaults' || e.section === 'ssh_connection' ? 'such thing' : `[${e.section}]`}`);
    } else if (KNOWN_SECTIONS.includes(e.section) && (e.section !== 'defaults' || KNOWN_DEFAULTS_KEYS.includes(e.key))) {
      refused.push(refusal(ini, e, `${where} would change what the run does, and drover does not have it: remove it for drover, or give what drover supports (docs/ansible-cfg.md)`, where, 'remove it, or give what drover supports (docs/ansible-cfg.md)'));
    } else {
      ignored.push(`${where} (${ini.file}:${e.line}): not a setting ansible-core 2.14 knows either`);
    }
  }
  return { ignored, refused };
}

function refusal(ini: IniFile, e: IniEntry, message: string, name: string, instead: string): Problem {
  return { message: `ansible.cfg: ${message}`, location: { file: ini.file, line: e.line, column: 1 }, unsupported: { kind: 'setting', name, instead } };
}

/** Ansible's ensure_type: boolean(strict=False), int(), and paths expanded (~, $VARS) and made absolute against the file's directory. */
function convert(name: SettingName, got: { raw: string; origin: string; line?: number }, base: string, env: Record<string, string | undefined>): unknown {
  const def: SettingDef = SETTINGS[name];
  const raw = got.raw;
  switch (def.type) {
    case 'boolean':
      return ['y', 'yes', 'on', '1', 'true', 't', '1.0'].includes(raw.trim().toLowerCase());
    case 'integer': {
      if (!/^\s*[-+]?\d+\s*$/.test(raw)) {
        const at = got.line === undefined ? undefined : { file: got.origin, line: got.line, column: 1 };
        throw new InputError([{ message: `Invalid type for configuration option ${name} (from ${got.origin}): ${JSON.stringify(raw)} is not an integer`, ...(at ? { location: at } : {}) }]);
      }
      return Number.parseInt(raw, 10);
    }
    case 'path':
      return expandPath(raw, base, env);
    case 'pathspec':
      return raw.split(':').map((p) => expandPath(p, base, env));
    case 'pathlist':
      return raw.split(',').map((p) => expandPath(p.trim(), base, env));
    default:
      return raw;
  }
}

/** Ansible's unfrackpath(follow=False): {{CWD}}, ~ and $VARS expanded, made absolute against `base`, normalised. */
function expandPath(path: string, base: string, env: Record<string, string | undefined>): string {
  let p = path.replace('{{CWD}}', process.cwd());
  const home = env.HOME ?? homedir();
  if (p === '~' || p.startsWith('~/')) p = join(home, p.slice(1));
  p = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a: string | undefined, b: string | undefined) => env[(a ?? b) as string] ?? whole);
  return normalize(isAbsolute(p) ? p : resolve(base, p));
}

let current: (AnsibleConfig & { warnings: string[] }) | undefined;

/** The process's configuration, read once (the CLI's; a library user may call loadAnsibleConfig with its own sources). */
export function ansibleConfig(): AnsibleConfig & { warnings: string[] } {
  current ??= loadAnsibleConfig();
  return current;
}
