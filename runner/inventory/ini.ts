// Ansible's INI inventory format, read as plugins/inventory/ini.py reads it:
// one pass, the file starts in an implicit [ungrouped] section; [g:vars]
// and [g:children] may name groups declared further down, checked at the end.
// Values on host lines and in :vars sections go through the Python literal
// evaluator (so `port=80` is a number and `0644` a string), host lines being
// first split like a shell line.

import { InventoryError, withExcerpt } from './errors.js';
import { expandHostPattern } from './addresses.js';
import { parsePythonValue } from './pyliteral.js';
import { shlexSplit, ShlexError } from '../shlex.js';
import type { InventoryData } from './data.js';

/** Where a source file is: `abs` for inventory_file, `rel` (to the working directory) for messages. */
export interface SourceFile {
  abs: string;
  rel: string;
}

const SECTION = /^\[([^:\]\s]+)(?::([\p{L}\p{N}_]+))?\]\s*(?:#.*)?$/u;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;
// Python's str.splitlines() line breaks.
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;

type State = 'hosts' | 'children' | 'vars';
interface Pending {
  line: number;
  state: State;
  parents: string[];
}

export function parseIni(text: string, file: SourceFile, data: InventoryData): void {
  const lines = text.replace(/^\uFEFF/, '').split(LINE_BREAK);
  try {
    parseLines(lines, file, data);
  } catch (e) {
    throw withExcerpt(e, file.rel, (n) => lines[n - 1]?.trim());
  }
}

function parseLines(lines: string[], file: SourceFile, data: InventoryData): void {
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: State = 'hosts';
  let sectionLine = 0;

  const fail = (reason: string, lineNo: number): never => {
    throw new InventoryError(reason, { file: file.rel, line: lineNo }, lines[lineNo - 1]?.trim());
  };
  const addPendingChildren = (child: string): void => {
    for (const parent of pending.get(child)!.parents) {
      data.addChild(parent, child, { file: file.rel });
      if (pending.get(parent)?.state === 'children') addPendingChildren(parent);
    }
    pending.delete(child);
  };

  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (!line || line[0] === '#' || line[0] === ';') return;

    const m = SECTION.exec(line);
    if (m) {
      group = m[1]!;
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
        fail(`Section [${group}:${kind}] has an unknown type '${kind}' (expected :vars or :children)`, lineNo);
      }
      state = kind as State;
      sectionLine = lineNo;
      if (!data.groups.has(group)) {
        // [g] or [g:children] declares a group; [g:vars] alone must be backed by one later.
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: lineNo, state, parents: [] });
        data.addGroup(group);
      }
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') addPendingChildren(group);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      fail(`Invalid section entry '${line}': a section is [name], [name:vars] or [name:children], without spaces`, lineNo);
    }

    if (state === 'hosts') {
      parseHostLine(line, lineNo, group, file, data, fail);
    } else if (state === 'vars') {
      const eq = line.indexOf('=');
      if (eq < 0) fail(`Expected key=value, got: ${line}`, lineNo);
      const key = line.slice(0, eq).trim();
      const label = `inventory group ${group} (${file.rel}:${sectionLine})`;
      data.setGroupVar(group, key, parsePythonValue(line.slice(eq + 1).trim()), label, { file: file.rel, line: lineNo });
    } else {
      const gm = GROUP_NAME.exec(line);
      if (!gm) return fail(`Expected a group name, got: ${line}`, lineNo);
      const child = gm[1]!;
      if (data.groups.has(child)) {
        data.addChild(group, child, { file: file.rel, line: lineNo });
      } else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: lineNo, state: 'children', parents: [group] });
      }
    }
  });

  // Only the first unresolved reference is reported, as Ansible does.
  for (const [name, decl] of pending) {
    if (decl.state === 'vars') fail(`Section [${name}:vars] is not valid: group '${name}' is not defined`, decl.line);
    fail(`Section [${decl.parents[decl.parents.length - 1]}:children] includes undefined group '${name}'`, decl.line);
  }
}

function parseHostLine(
  line: string,
  lineNo: number,
  group: string,
  file: SourceFile,
  data: InventoryData,
  fail: (reason: string, lineNo: number) => never,
): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line, { comments: true });
  } catch (e) {
    if (e instanceof ShlexError) return fail(`Error parsing host definition '${line}': ${e.message}`, lineNo);
    throw e;
  }
  const entry = tokens[0];
  if (entry === undefined) return;
  let expanded: { hosts: string[]; port: number | undefined };
  try {
    expanded = expandHostPattern(entry);
  } catch (e) {
    if (e instanceof InventoryError && !e.pos) return fail(e.reason, lineNo);
    throw e;
  }
  if (entry.trim().endsWith(':') && expanded.port === undefined) {
    fail(`Invalid host pattern '${entry}': it ends in ':', which is reserved to introduce a port`, lineNo);
  }
  if (expanded.hosts.some((h) => h.trim() === '---')) {
    fail(`Invalid host pattern '${entry}': '---' is normally a sign this is a YAML file`, lineNo);
  }
  const vars: Array<[string, unknown]> = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0) fail(`Expected key=value host variable assignment, got: ${t}`, lineNo);
    vars.push([t.slice(0, eq), parsePythonValue(t.slice(eq + 1))]);
  }
  for (const host of expanded.hosts) {
    const label = `inventory host ${host} (${file.rel}:${lineNo})`;
    data.addHost(host, group, expanded.port, file.abs, label);
    for (const [k, v] of vars) data.setHostVar(host, k, v, label);
  }
}
