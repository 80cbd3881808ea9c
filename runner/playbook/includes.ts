// include_tasks, include, include_role and import_role as Ansible 2.14 reads
// them (playbook/task_include.py, role_include.py, helpers.py): imports are
// static (their tasks are read and validated now, and every keyword of the
// import applies to each of them); includes are dynamic (read and validated
// when a host reaches them; their keywords are the include's own, and only
// `apply` and `vars` reach the included tasks).
import { resolve } from 'node:path';
import type { Problem, SourceLocation } from '../errors.js';
import { TASK_KEYWORDS } from './keywords.js';
import { keywordProblems } from '../validate/keywords.js';
import { ansibleBoolean } from '../validate/coerce.js';
import type { IncludeRoleTask, IncludeTask, Keywords, RoleFiles, TaskNode } from './types.js';
import { keyLocationOf } from './yaml-source.js';
import { ArgsSyntaxError, parseKv } from './kv-args.js';
import { NO_LOAD_TIME_VARS, renderAtLoad, type LoadTimeVars } from './load-time-vars.js';

/** What a task mapping became before its action is read (see tasks.ts). */
export interface IncludeBase {
  keywords: Keywords;
  location: SourceLocation;
  role?: TaskNode['role'];
  baseDir: string;
}

export interface IncludeSite {
  /** The task mapping as written. */
  entry: Record<string, unknown>;
  /** The action key as written (include_role, ansible.builtin.include_tasks...). */
  key: string;
  /** include_tasks, include, import_tasks, include_role or import_role. */
  action: string;
  label: string;
  problems: Problem[];
  /** The file is read at run time: an `include` in it is dynamic, as under any dynamic parent. */
  dynamicParent?: boolean;
  /** What an import's templated name sees (the loader knows no host yet). */
  loadVars?: LoadTimeVars;
  role?: TaskNode['role'];
}

/** An import's file or role name rendered now, as Ansible does; null (with the problem said) when it names what is not known yet. */
function renderedAtLoad(site: IncludeSite, text: string, instead: string): string | null {
  try {
    return renderAtLoad(text, site.loadVars ?? NO_LOAD_TIME_VARS, { role: site.role, taskVars: site.entry.vars });
  } catch (error) {
    const message = `${site.label}: ${site.action} is read when the playbook loads, when only the play's vars, the import's vars, role vars and extra vars are known, so '${text}' cannot be rendered (${(error as Error).message}): use ${instead}`;
    site.problems.push({ message, location: keyLocationOf(site.entry, site.key) });
    return null;
  }
}

/** Ansible's TaskInclude.VALID_INCLUDE_KEYWORDS, less what drover does not do on an include (said so, never ignored). */
const INCLUDE_KEYWORDS = new Set(['name', 'when', 'loop', 'loop_control', 'loop_with', 'vars', 'tags', 'ignore_errors', 'no_log', 'args']);
const INCLUDE_KEYWORDS_NOT_YET: Record<string, string> = {
  register: 'register a task inside the included file instead',
  run_once: 'put run_once on the tasks inside',
  timeout: 'put timeout on the tasks inside',
};

/** The include's own keywords: Ansible refuses the rest at load ("'become' is not a valid attribute for a TaskInclude"). */
export function includeKeywordProblems(site: IncludeSite): void {
  const control = site.entry.loop_control;
  if (typeof control === 'object' && control !== null) {
    for (const key of ['extended', 'extended_allitems', 'pause', 'label']) {
      if (!(key in control)) continue;
      const unsupported = { kind: 'keyword', name: `loop_control.${key} on ${site.action}`, instead: 'loop_var and index_var' } as const;
      site.problems.push({ message: `${site.label}: loop_control.${key} on ${site.action} is not supported by drover (loop_var and index_var are)`, location: keyLocationOf(control, key) ?? keyLocationOf(site.entry, 'loop_control'), unsupported });
    }
  }
  const className = site.action === 'include_role' ? 'IncludeRole' : 'TaskInclude';
  for (const keyword of Object.keys(site.entry)) {
    if (keyword === site.key || INCLUDE_KEYWORDS.has(keyword) || keyword.startsWith('with_') || !(keyword in TASK_KEYWORDS)) continue;
    const at = keyLocationOf(site.entry, keyword);
    if (keyword in INCLUDE_KEYWORDS_NOT_YET) {
      const unsupported = { kind: 'keyword', name: `${keyword} on ${site.action}`, instead: INCLUDE_KEYWORDS_NOT_YET[keyword]! } as const;
      site.problems.push({ message: `${site.label}: '${keyword}' on ${site.action} is not supported by drover (${unsupported.instead})`, location: at, unsupported });
    } else {
      site.problems.push({ message: `${site.label}: '${keyword}' is not a valid attribute for a ${className} (Ansible refuses it too: use apply: {${keyword}: ...} to give it to the included tasks)`, location: at });
    }
  }
}

/** The include's parameters: the action's value (a file name or a mapping) merged with args:. */
function includeArgs(site: IncludeSite, value: unknown, fileKey: 'file' | 'name'): Record<string, unknown> | null {
  const args = typeof site.entry.args === 'object' && site.entry.args !== null ? (site.entry.args as Record<string, unknown>) : {};
  if (typeof value === 'string') {
    // A string is key=value words as for any action (include_tasks: file=x.yml); its free words are the file or role name.
    let parsed: Record<string, string>;
    try {
      parsed = parseKv(value);
    } catch (error) {
      if (!(error instanceof ArgsSyntaxError)) throw error;
      site.problems.push({ message: `${site.label}: cannot split the arguments of ${site.action}: ${error.message}`, location: keyLocationOf(site.entry, site.key) });
      return null;
    }
    const { _raw_params: name, ...named } = parsed;
    return { ...args, ...named, ...(name !== undefined ? { [fileKey]: name } : {}) };
  }
  if (value === null || value === undefined) return { ...args };
  if (typeof value === 'object' && !Array.isArray(value)) return { ...(value as Record<string, unknown>), ...args };
  site.problems.push({ message: `${site.label}: ${site.action} takes a ${fileKey === 'file' ? 'file name' : 'mapping with name:'}, got ${JSON.stringify(value)}`, location: keyLocationOf(site.entry, site.key) });
  return null;
}

function invalidOptions(site: IncludeSite, args: Record<string, unknown>, valid: readonly string[]): boolean {
  const bad = Object.keys(args).filter((k) => !valid.includes(k));
  if (bad.length === 0) return false;
  site.problems.push({ message: `${site.label}: Invalid options for ${site.action}: ${bad.join(',')} (valid: ${valid.join(', ')})`, location: keyLocationOf(site.entry, site.key) });
  return true;
}

/** `apply:` of include_tasks and include_role: keywords, checked like a block's. */
function applyKeywords(site: IncludeSite, apply: unknown, normalise: (raw: Record<string, unknown>) => Keywords): Keywords | undefined | null {
  if (apply === undefined || apply === null) return undefined;
  const at = keyLocationOf(site.entry, site.key);
  if (typeof apply !== 'object' || Array.isArray(apply)) {
    site.problems.push({ message: `${site.label}: Expected a dict for apply but got ${JSON.stringify(apply)} instead`, location: at });
    return null;
  }
  const raw = apply as Record<string, unknown>;
  let ok = true;
  for (const key of Object.keys(raw)) {
    if (key in TASK_KEYWORDS && key !== 'loop' && !key.startsWith('with_') && key !== 'loop_control' && key !== 'register') continue;
    site.problems.push({ message: `${site.label}: apply: '${key}' is not a block keyword`, location: keyLocationOf(raw, key) ?? at });
    ok = false;
  }
  for (const p of keywordProblems(raw)) {
    site.problems.push({ message: `${site.label}: apply: ${p.message}`, location: keyLocationOf(raw, p.keyword) ?? at });
    ok = false;
  }
  return ok ? normalise(raw) : null;
}

/** include_tasks / include: dynamic (an include with a fixed name and no loop, outside a dynamic include, is static as in Ansible). */
export function parseTaskInclude(
  site: IncludeSite,
  value: unknown,
  base: IncludeBase,
  normalise: (raw: Record<string, unknown>) => Keywords,
): IncludeTask | { staticFile: string } | null {
  const args = includeArgs(site, value, 'file');
  if (!args) return null;
  const valid = site.action === 'import_tasks' ? ['file', '_raw_params'] : ['file', '_raw_params', 'apply'];
  if (site.action !== 'include' && invalidOptions(site, args, valid)) return null;
  const file = args._raw_params ?? args.file;
  if (typeof file !== 'string' || file === '') {
    site.problems.push({ message: `${site.label}: No file specified for ${site.action}`, location: keyLocationOf(site.entry, site.key) });
    return null;
  }
  const looped = base.keywords.loop !== undefined;
  const isStatic = site.action === 'import_tasks' || (site.action === 'include' && !file.includes('{{') && !looped && !site.dynamicParent);
  if (isStatic) {
    if (args.apply !== undefined) site.problems.push({ message: `${site.label}: Invalid options for ${site.action}: apply (use include_tasks)`, location: keyLocationOf(site.entry, site.key) });
    const rendered = renderedAtLoad(site, file, `include_tasks for '${file}'`);
    return rendered === null ? null : { staticFile: rendered };
  }
  includeKeywordProblems(site);
  const apply = applyKeywords(site, args.apply, normalise);
  if (apply === null) return null;
  return { ...base, kind: 'include', file, ...(apply ? { apply } : {}) };
}

const ROLE_FROM = ['tasks_from', 'vars_from', 'defaults_from', 'handlers_from'] as const;

/** include_role (dynamic) or import_role (static: the caller reads the role now). */
export function parseRoleInclude(
  site: IncludeSite,
  value: unknown,
  base: IncludeBase,
  normalise: (raw: Record<string, unknown>) => Keywords,
): IncludeRoleTask | { staticRole: string; from: RoleFiles } | null {
  const args = includeArgs(site, value, 'name');
  if (!args) return null;
  const dynamic = site.action === 'include_role';
  const valid = ['name', 'role', ...ROLE_FROM, 'allow_duplicates', ...(dynamic ? ['apply', 'public'] : [])];
  const at = keyLocationOf(site.entry, site.key);
  if ('rolespec_validate' in args) {
    const unsupported = { kind: 'parameter', name: `${site.action}: rolespec_validate`, instead: 'remove it (drover does not check meta/argument_specs.yml)' } as const;
    site.problems.push({ message: `${site.label}: rolespec_validate is not supported by drover (drover does not check meta/argument_specs.yml: remove it)`, location: at, unsupported });
    return null;
  }
  if (invalidOptions(site, args, valid)) return null;
  const name = args.name ?? args.role;
  if (typeof name !== 'string' || name === '') {
    site.problems.push({ message: `${site.label}: 'name' is a required field for ${site.action}`, location: at });
    return null;
  }
  const from: RoleFiles = {};
  for (const key of ROLE_FROM) {
    const file = args[key];
    if (file === undefined) continue;
    if (typeof file !== 'string') {
      site.problems.push({ message: `${site.label}: Expected a string for ${key} but got ${JSON.stringify(file)} instead`, location: at });
      return null;
    }
    from[key.replace(/_from$/, '') as keyof RoleFiles] = file;
  }
  const flags: Record<'public' | 'allow_duplicates', boolean> = { public: false, allow_duplicates: true };
  for (const key of ['public', 'allow_duplicates'] as const) {
    if (args[key] === undefined) continue;
    const parsed = ansibleBoolean(args[key]);
    if (parsed === undefined) {
      site.problems.push({ message: `${site.label}: ${key} must be a boolean (true/false, yes/no), got ${JSON.stringify(args[key])}; drover does not template it`, location: at });
      return null;
    }
    flags[key] = parsed;
  }
  if (!dynamic) {
    const rendered = [name, ...Object.values(from)].map((text) => renderedAtLoad(site, text, 'include_role'));
    if (rendered.includes(null)) return null;
    const [staticName, ...renderedFrom] = rendered as string[];
    Object.keys(from).forEach((key, i) => (from[key as keyof RoleFiles] = renderedFrom[i]!));
    if (!flags.allow_duplicates) {
      const unsupported = { kind: 'parameter', name: 'import_role: allow_duplicates=false', instead: 'include_role, or list the role under roles:' } as const;
      site.problems.push({ message: `${site.label}: allow_duplicates: false on import_role is not supported by drover (use include_role, or list the role under roles:)`, location: at, unsupported });
      return null;
    }
    return { staticRole: staticName!, from };
  }
  includeKeywordProblems(site);
  const apply = applyKeywords(site, args.apply, normalise);
  if (apply === null) return null;
  return { ...base, kind: 'include_role', name, from, ...(apply ? { apply } : {}), public: flags.public, allowDuplicates: flags.allow_duplicates };
}

/** Where an include's file is: beside the including file, else in its role's tasks/, else beside the playbook (Ansible's search). */
export function includeCandidates(file: string, node: { baseDir: string; role?: TaskNode['role'] }, playDir: string): string[] {
  const candidates = [resolve(node.baseDir, file)];
  if (node.role) candidates.push(resolve(node.role.dir, 'tasks', file));
  candidates.push(resolve(playDir, file));
  return [...new Set(candidates)];
}
