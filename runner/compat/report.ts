// The migration report of `drover compat`: each item with "loads" or
// "refused", then every construct drover does not have, grouped by kind with
// counts and what to use instead, then the other problems (mistakes Ansible
// refuses too). The same content as text for people and as JSON for CI.
import { relative, resolve } from 'node:path';
import { UNSUPPORTED_KINDS, type Problem, type SourceLocation, type UnsupportedKind } from '../errors.js';
import type { CompatResult, ItemKind } from './check.js';

export interface CompatReport {
  root: string;
  /** Every item loads: the exit code is 0 only then. */
  ok: boolean;
  items: { kind: ItemKind; path: string; name?: string; status: 'loads' | 'refused'; problems: number }[];
  unsupported: (Place & { kind: UnsupportedKind; name: string; instead: string; message: string })[];
  other: (Place & { message: string })[];
  counts: { items: number; loads: number; refused: number; unsupported: number; other: number; byKind: Record<UnsupportedKind, number> };
}

interface Place {
  file: string;
  line: number;
  column: number;
}

export function compatReport(result: CompatResult): CompatReport {
  const path = (file: string) => relative(result.root, resolve(file)) || '.';
  const place = (at: SourceLocation | undefined): Place => (at ? { file: path(at.file), line: at.line, column: at.column } : { file: '', line: 0, column: 0 });
  const byPlace = (a: Place, b: Place) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
  const items = result.items.map((i) => ({ kind: i.kind, path: path(i.path), ...(i.name ? { name: i.name } : {}), status: i.problems.length ? ('refused' as const) : ('loads' as const), problems: i.problems.length }));
  const unsupported = result.problems
    .filter((p): p is Problem & { unsupported: NonNullable<Problem['unsupported']> } => p.unsupported !== undefined)
    .map((p) => ({ ...place(p.unsupported.at ?? p.location), kind: p.unsupported.kind, name: p.unsupported.name, instead: p.unsupported.instead, message: p.message }))
    .sort((a, b) => UNSUPPORTED_KINDS.indexOf(a.kind) - UNSUPPORTED_KINDS.indexOf(b.kind) || byPlace(a, b));
  const other = result.problems.filter((p) => p.unsupported === undefined).map((p) => ({ ...place(p.location), message: p.message })).sort(byPlace);
  const byKind = Object.fromEntries(UNSUPPORTED_KINDS.map((k) => [k, unsupported.filter((u) => u.kind === k).length])) as Record<UnsupportedKind, number>;
  const loads = items.filter((i) => i.status === 'loads').length;
  return {
    root: result.root,
    ok: loads === items.length,
    items,
    unsupported,
    other,
    counts: { items: items.length, loads, refused: items.length - loads, unsupported: unsupported.length, other: other.length, byKind },
  };
}

const at = (p: Place) => `${p.file}:${p.line}:${p.column}`;

export function formatCompatReport(report: CompatReport): string {
  const lines: string[] = [];
  const kindWidth = Math.max(...report.items.map((i) => i.kind.length), 4);
  for (const item of report.items) {
    const what = item.name && item.name !== item.path.split('/').pop() ? `${item.path} (${item.name})` : item.path;
    lines.push(`${item.status.padEnd(7)}  ${item.kind.padEnd(kindWidth)}  ${what}${item.problems ? `: ${item.problems} problem${item.problems === 1 ? '' : 's'}` : ''}`);
  }
  const { counts } = report;
  if (counts.unsupported > 0) {
    const kinds = UNSUPPORTED_KINDS.filter((k) => counts.byKind[k] > 0);
    lines.push('', `Not supported by drover: ${counts.unsupported} (${kinds.map((k) => `${k} ${counts.byKind[k]}`).join(', ')})`);
    for (const kind of kinds) {
      lines.push('', `  ${kind} (${counts.byKind[kind]})`);
      for (const u of report.unsupported.filter((x) => x.kind === kind)) lines.push(`    ${at(u)}  ${u.name}`, `      instead: ${u.instead}`);
    }
  }
  if (counts.other > 0) {
    lines.push('', `Other problems (not constructs drover lacks: mistakes Ansible refuses too, files that cannot be read): ${counts.other}`);
    for (const o of report.other) lines.push(`  ${o.file ? `${at(o)}: ` : ''}${o.message.split('\n').join('\n    ')}`);
  }
  lines.push('', `${counts.loads} of ${counts.items} load, ${counts.refused} refused; ${counts.unsupported} unsupported construct${counts.unsupported === 1 ? '' : 's'}, ${counts.other} other problem${counts.other === 1 ? '' : 's'}`);
  return `${lines.join('\n')}\n`;
}
