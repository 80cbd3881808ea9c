// Host patterns (`hosts:` of a play, --limit) evaluated as Ansible's
// InventoryManager does: split on ',' (or ':' when the whole is not an
// address), then all plain patterns in order (union), then every '&'
// (intersection), then every '!' (exclusion). A word matches groups first
// (all their hosts), and hosts too when it is a glob, a regex or has a dot.
// The order is Ansible's: the union in pattern order, each group in its own
// host order; --limit only filters that list.

import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InventoryError } from './errors.js';
import { parseAddress } from './addresses.js';
import { LOCALHOST_NAMES, type Inventory } from './inventory.js';

export interface Selection {
  /** Matching hosts, without duplicates, in Ansible's order. */
  hosts: string[];
  /** One line per pattern that matched nothing (Ansible warns and goes on). */
  warnings: string[];
}

export interface SelectOptions {
  /** --limit: the same syntax; `@FILE` reads patterns from FILE, one a line. */
  limit?: string | string[];
  /** Base for `@FILE` (default: process.cwd()). */
  cwd?: string;
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

/** The hosts a play with `hosts: pattern` (and --limit) runs on. */
export function selectHosts(inventory: Inventory, pattern: string | string[], options: SelectOptions = {}): Selection {
  const warnings: string[] = [];
  let hosts = evaluate(inventory, splitHostPattern(pattern), warnings);
  if (options.limit !== undefined) {
    const subset = limitPatterns(options.limit, options.cwd ?? process.cwd());
    if (subset.length > 0) {
      const allowed = new Set(evaluate(inventory, subset, warnings));
      hosts = hosts.filter((h) => allowed.has(h));
    }
  }
  return { hosts: [...new Set(hosts)], warnings };
}

/** 'a,b' or 'a:b:&c' -> words; a lone address such as 'fe80::1' or 'web[1:3]' stays whole. */
export function splitHostPattern(pattern: string | string[]): string[] {
  if (Array.isArray(pattern)) return pattern.flatMap(splitHostPattern);
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern, true)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function limitPatterns(limit: string | string[], cwd: string): string[] {
  const out: string[] = [];
  for (const p of splitHostPattern(limit)) {
    if (!p.startsWith('@')) {
      out.push(p);
      continue;
    }
    const file = path.resolve(cwd, p.slice(1));
    const st = statSync(file, { throwIfNoEntry: false });
    if (!st) throw new InventoryError(`limit file not found: ${p.slice(1)}`);
    if (!st.isFile()) throw new InventoryError(`a limit starting with '@' must name a file, not a directory: ${p.slice(1)}`);
    out.push(...readFileSync(file, 'utf8').split('\n').map((l) => l.trim()));
  }
  return out;
}

function evaluate(inv: Inventory, patterns: string[], warnings: string[]): string[] {
  const regular = patterns.filter((p) => p !== '' && p[0] !== '&' && p[0] !== '!');
  const ordered = [
    ...(regular.length ? regular : ['all']),
    ...patterns.filter((p) => p[0] === '&'),
    ...patterns.filter((p) => p[0] === '!'),
  ];
  let hosts: string[] = [];
  for (const p of ordered) {
    if (inv.hasHost(p)) {
      hosts.push(p);
      continue;
    }
    const that = matchOne(inv, p, warnings);
    if (p[0] === '!') {
      const drop = new Set(that);
      hosts = hosts.filter((h) => !drop.has(h));
    } else if (p[0] === '&') {
      const keep = new Set(that);
      hosts = hosts.filter((h) => keep.has(h));
    } else {
      const present = new Set(hosts);
      hosts.push(...that.filter((h) => !present.has(h)));
    }
  }
  return hosts;
}

function matchOne(inv: Inventory, raw: string, warnings: string[]): string[] {
  const pattern = raw[0] === '&' || raw[0] === '!' ? raw.slice(1) : raw;
  let expr = pattern;
  let subscript: [number, number | undefined] | undefined;
  const m = pattern[0] === '~' ? null : SUBSCRIPT.exec(pattern);
  if (m) {
    expr = m[1]!;
    if (m[2] !== undefined) subscript = [Number(m[2]), undefined];
    else subscript = [Number(m[3]), m[5] ? Number(m[5]) : -1];
    if (m[4] === '-') warnings.push(`use [x:y] inclusive subscripts instead of [x-y] in '${pattern}'`);
  }
  const hosts = enumerate(inv, expr, warnings);
  if (!hosts.length || !subscript) return hosts;
  const [start, end] = subscript;
  if (end) return hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
  const host = hosts[start < 0 ? hosts.length + start : start];
  if (host === undefined) throw new InventoryError(`no hosts matched the subscripted pattern '${pattern}'`);
  return [host];
}

function enumerate(inv: Inventory, pattern: string, warnings: string[]): string[] {
  const re = compile(pattern);
  const results: string[] = [];
  const groups = inv.groupNamesInOrder().filter((g) => re.test(g));
  for (const g of groups) results.push(...inv.groupHosts(g));
  if (!groups.length || pattern[0] === '~' || /[.?*[]/.test(pattern)) {
    results.push(...inv.hostNamesInOrder().filter((h) => re.test(h)));
  }
  // `hosts: localhost` works without localhost in the inventory (implicit localhost).
  if (!results.length && LOCALHOST_NAMES.includes(pattern)) results.push(pattern);
  if (!results.length && !groups.length && pattern !== 'all') {
    warnings.push(`could not match supplied host pattern, ignoring: ${pattern}`);
  }
  return results;
}

/** '~regex' (Python syntax, anchored at the start) or an fnmatch glob (whole name). */
function compile(pattern: string): RegExp {
  try {
    if (pattern[0] !== '~') return new RegExp(`^(?:${globToRegExp(pattern)})$`, 's');
    let src = pattern.slice(1).replace(/\(\?P</g, '(?<').replace(/\(\?P=(\w+)\)/g, '\\k<$1>');
    let flags = '';
    const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
    if (inline) {
      flags = [...new Set(inline[1]!.replace(/[aLux]/g, ''))].join('');
      src = src.slice(inline[0].length);
    }
    return new RegExp(`^(?:${src.replace(/\\Z/g, '$').replace(/\\A/g, '^')})`, flags);
  } catch {
    throw new InventoryError(`invalid host list pattern: ${pattern}`);
  }
}

/** Python's fnmatch.translate: '*', '?', '[seq]' and '[!seq]'. */
export function globToRegExp(pat: string): string {
  let out = '';
  let i = 0;
  while (i < pat.length) {
    const c = pat[i++]!;
    if (c === '*') {
      if (pat[i - 2] !== '*') out += '.*'; // '**' is one '*'
    } else if (c === '?') {
      out += '.';
    } else if (c === '[') {
      let j = i;
      if (pat[j] === '!') j++;
      if (pat[j] === ']') j++;
      while (j < pat.length && pat[j] !== ']') j++;
      if (j >= pat.length) {
        out += '\\[';
        continue;
      }
      let stuff = pat.slice(i, j).replace(/\\/g, '\\\\').replace(/\]/g, '\\]');
      i = j + 1;
      if (stuff === '!') out += '.';
      else {
        if (stuff[0] === '!') stuff = '^' + stuff.slice(1);
        else if (stuff[0] === '^') stuff = '\\' + stuff;
        out += `[${stuff}]`;
      }
    } else {
      out += c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
    }
  }
  return out;
}
