// Lookups that read the controller: file, fileglob, first_found, template,
// password, pipe, lines. Relative names are searched as ansible-core's
// path_dwim_relative_stack does: the role's SUBDIR/ and the role itself
// (and its tasks/), then the playbook directory's SUBDIR/ and itself.
// pipe and lines run their command with /bin/sh in the playbook directory,
// synchronously, exactly as Ansible's plugins (shell=True): the command is
// the playbook author's, on the controller; nothing from a host is run.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, basename } from 'node:path';
import { randomInt } from 'node:crypto';
import { execaSync } from 'execa';
import { lookupRenderers } from './lookup-rendering.js';
import { ansibleTemplateVars } from './template-vars.js';
import { parseKv } from '../playbook/kv-args.js';
import { LookupFailure, type LookupContext, type LookupPlugin } from './lookup-types.js';
import { MISSING, isMapping, type Names } from './values.js';

function variable(names: Names, name: string): string | undefined {
  const value = names.resolve(name);
  return value === MISSING || typeof value !== 'string' || value === '' ? undefined : value;
}

function expandHome(path: string): string {
  return path === '~' || path.startsWith('~/') ? join(homedir(), path.slice(1)) : path;
}

/** The directory relative paths of pipe, lines and password start from (Ansible's loader basedir). */
function baseDir(ctx: LookupContext): string {
  return variable(ctx.names, 'playbook_dir') ?? process.cwd();
}

/** Where `needle` would be looked for, in order. */
export function searchCandidates(ctx: LookupContext, subdir: string, needle: string): string[] {
  if (needle.startsWith('~') || isAbsolute(needle)) return [expandHome(needle)];
  const withSub = (dir: string) => (needle.split('/')[0] === subdir ? [] : [join(dir, subdir, needle)]);
  const role = variable(ctx.names, 'role_path');
  const roots = role ? [role, join(role, 'tasks')] : [];
  return [...roots, baseDir(ctx)].flatMap((dir) => [...withSub(dir), join(dir, needle)]);
}

/** The first candidate that exists, or undefined. */
export function findInSearchPath(ctx: LookupContext, subdir: string, needle: string): string | undefined {
  return searchCandidates(ctx, subdir, needle).find((path) => existsSync(path));
}

function text(value: unknown, what: string): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new LookupFailure(`${what} needs text terms, got ${JSON.stringify(value)}`);
}

function readText(path: string): string {
  return readFileSync(path).toString('utf8');
}

const file: LookupPlugin = {
  options: ['lstrip', 'rstrip'],
  run(terms, options, ctx) {
    return terms.map((term) => {
      const found = findInSearchPath(ctx, 'files', text(term, 'file'));
      if (!found || statSync(found).isDirectory()) throw new LookupFailure(`could not locate file in lookup: ${String(term)}`);
      let contents = readText(found);
      if (options.lstrip === true) contents = contents.trimStart();
      if (options.rstrip !== false) contents = contents.trimEnd();
      return contents;
    });
  },
};

/** fnmatch as Python's glob uses it on one directory's names (no hidden files unless the pattern starts with '.'). */
function globRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') source += '.*';
    else if (c === '?') source += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end === -1) source += '\\[';
      else {
        let set = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        if (set.startsWith('!')) set = `^${set.slice(1)}`;
        source += `[${set}]`;
        i = end;
      }
    } else source += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

function globFiles(dir: string, pattern: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  const regex = globRegex(pattern);
  const hidden = pattern.startsWith('.');
  return readdirSync(dir)
    .filter((name) => (hidden || !name.startsWith('.')) && regex.test(name))
    .map((name) => join(dir, name))
    .filter((path) => statSync(path, { throwIfNoEntry: false })?.isFile() === true);
}

const fileglob: LookupPlugin = {
  run(terms, _options, ctx) {
    const found: string[] = [];
    for (const raw of terms) {
      const term = text(raw, 'fileglob');
      const pattern = basename(term);
      const dirs: string[] = [];
      if (pattern !== term) {
        const dir = findInSearchPath(ctx, 'files', dirname(term));
        if (dir) dirs.push(dir);
      } else {
        const role = variable(ctx.names, 'role_path');
        for (const dir of [...(role ? [role, join(role, 'tasks')] : []), baseDir(ctx)]) dirs.push(join(dir, 'files'), dir);
      }
      for (const dir of dirs) {
        const matches = globFiles(dir, pattern);
        if (matches.length > 0) {
          found.push(...matches);
          break;
        }
      }
    }
    return found;
  },
};

/** first_found's "magic extra splitting": strings split on any of `chars`, lists flattened. */
function splitOn(value: unknown, chars: string): string[] {
  if (typeof value === 'string') return value.split(new RegExp(`[${chars.replace(/[\]\\^-]/g, '\\$&')}]`));
  if (Array.isArray(value)) return value.flatMap((v) => splitOn(v, chars));
  if (value === undefined || value === null) return [];
  return [String(value)];
}

function firstFoundSearch(terms: unknown[], options: Record<string, unknown>): { search: string[]; skip: boolean } {
  let search: string[] = [];
  let skip = false;
  for (const term of terms) {
    let settings: Record<string, unknown>;
    if (isMapping(term)) {
      for (const key of Object.keys(term)) if (!['files', 'paths', 'skip'].includes(key)) throw new TemplateOptionError(key);
      settings = term;
    } else if (typeof term === 'string') settings = options;
    else if (Array.isArray(term)) {
      const inner = firstFoundSearch(term, options);
      search.push(...inner.search);
      skip = inner.skip;
      continue;
    } else throw new LookupFailure(`Invalid term supplied, can handle string, mapping or list of strings but got: ${JSON.stringify(term)}`);
    skip = settings.skip === true || settings.skip === 'yes' || settings.skip === 'true' || settings.skip === 'True';
    const files = splitOn(settings.files ?? [], ',;');
    const paths = splitOn(settings.paths ?? [], ',:;');
    if (paths.length > 0) for (const path of paths) for (const name of files) search.push(join(path, name));
    else if (files.length > 0) search = files;
    else search.push(term as string);
  }
  return { search, skip };
}

class TemplateOptionError extends LookupFailure {
  constructor(key: string) {
    super(`first_found: unknown key '${key}' in a term (it takes files, paths, skip)`);
  }
}

const firstFound: LookupPlugin = {
  options: ['files', 'paths', 'skip'],
  run(terms, options, ctx) {
    const { search, skip } = firstFoundSearch(terms, options);
    for (const name of search) {
      // Ansible templates each name and skips one that is undefined; names here are already rendered.
      const found = findInSearchPath(ctx, ctx.subdir ?? 'files', name);
      if (found) return [found];
    }
    if (skip) return [];
    throw new LookupFailure('No file was found when using first_found.');
  },
};

const template: LookupPlugin = {
  options: ['template_vars'],
  run(terms, options, ctx) {
    const extra = options.template_vars ?? {};
    if (!isMapping(extra)) throw new LookupFailure('template: template_vars must be a dict');
    return terms.map((term) => {
      const found = findInSearchPath(ctx, 'templates', text(term, 'template'));
      if (!found) throw new LookupFailure(`the template file ${String(term)} could not be found for the lookup`);
      // Ansible's order: the task's variables, then the template's own (template_path...), then template_vars.
      const own = ansibleTemplateVars(String(term), found, null);
      const names: Names = { resolve: (name) => (Object.hasOwn(extra, name) ? extra[name] : Object.hasOwn(own, name) ? own[name] : ctx.names.resolve(name)) };
      return lookupRenderers().renderText(readText(found), names, basename(found));
    });
  },
};

const PASSWORD_PARAMS = ['length', 'chars'];
const CHAR_SETS: Record<string, string> = {
  ascii_letters: 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
  ascii_lowercase: 'abcdefghijklmnopqrstuvwxyz',
  ascii_uppercase: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ',
  digits: '0123456789',
  hexdigits: '0123456789abcdefABCDEF',
  octdigits: '01234567',
  punctuation: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
};

/** "path length=8 chars=digits": the path (which may hold spaces) and its parameters, as Ansible's _parse_parameters. */
function passwordTerm(term: string, options: Record<string, unknown>): { path: string; length: number; chars: string } {
  const space = term.indexOf(' ');
  let path = space === -1 ? term : term.slice(0, space);
  const params: Record<string, unknown> = space === -1 ? {} : parseKv(term.slice(space + 1));
  if (typeof params._raw_params === 'string') {
    path = `${path} ${params._raw_params}`;
    delete params._raw_params;
    if (!term.startsWith(path)) throw new LookupFailure('Unrecognized value after key=value parameters given to password lookup');
  }
  const invalid = Object.keys(params).filter((k) => !PASSWORD_PARAMS.includes(k));
  if (invalid.some((k) => ['encrypt', 'ident', 'seed'].includes(k))) {
    throw new LookupFailure(`password lookup: ${invalid.join(', ')} is not supported by drover; store the plain password and hash it with the password_hash filter`);
  }
  if (invalid.length) throw new LookupFailure(`Unrecognized parameter(s) given to password lookup: ${invalid.join(', ')}`);
  const length = Number(params.length ?? options.length ?? 20);
  if (!Number.isInteger(length) || length < 0) throw new LookupFailure(`password lookup: length must be an integer, got ${String(params.length ?? options.length)}`);
  let specs: unknown = params.chars ?? options.chars ?? ['ascii_letters', 'digits', '.,:-_'];
  if (typeof specs === 'string') {
    const list = specs.includes(',,') ? [','] : [];
    list.push(...specs.replace(/,,/g, ',').split(',').filter(Boolean));
    specs = list;
  }
  const chars = (specs as unknown[]).map((s) => CHAR_SETS[String(s)] ?? String(s)).join('').replace(/["']/g, '');
  return { path, length, chars };
}

const password: LookupPlugin = {
  options: ['length', 'chars'],
  run(terms, options, ctx) {
    return terms.map((term) => {
      const spec = passwordTerm(text(term, 'password'), options);
      const path = isAbsolute(expandHome(spec.path)) ? expandHome(spec.path) : join(baseDir(ctx), spec.path);
      if (path !== '/dev/null' && existsSync(path)) {
        const stored = readText(path).trimEnd();
        // A stored " salt=" suffix belongs to encrypt=, which drover does not offer: the password is what precedes it.
        const at = stored.lastIndexOf(' salt=');
        return at === -1 ? stored : stored.slice(0, at);
      }
      if (spec.chars.length === 0) throw new LookupFailure('password lookup: no characters to choose from');
      const value = Array.from({ length: spec.length }, () => spec.chars[randomInt(spec.chars.length)]).join('');
      if (path !== '/dev/null') {
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        writeFileSync(path, `${value}\n`, { mode: 0o600 });
        chmodSync(path, 0o600);
      }
      return value;
    });
  },
};

function shell(what: string, term: unknown, ctx: LookupContext): string {
  const command = text(term, what);
  const run = execaSync('/bin/sh', ['-c', command], { cwd: baseDir(ctx), reject: false, stdin: 'ignore', stripFinalNewline: false, encoding: 'utf8' });
  if (run.exitCode !== 0) {
    const stderr = String(run.stderr ?? '').trim();
    throw new LookupFailure(`lookup_plugin.${what}(${command}) returned ${run.exitCode ?? 'a signal'}${stderr ? `: ${stderr}` : ''}`);
  }
  return String(run.stdout);
}

const pipe: LookupPlugin = { run: (terms, _options, ctx) => terms.map((term) => shell('pipe', term, ctx).trimEnd()) };

/** Python's str.splitlines: every line break it knows, no empty last line. */
function splitLines(value: string): string[] {
  const lines = value.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

const lines: LookupPlugin = { run: (terms, _options, ctx) => terms.flatMap((term) => splitLines(shell('lines', term, ctx))) };

export const fileLookups: Record<string, LookupPlugin> = { file, fileglob, first_found: firstFound, template, password, pipe, lines };
