// --diff output: one DiffEntry as a unified diff, laid out like Ansible's
// CallbackBase._get_diff (difflib.unified_diff with `before: LABEL` /
// `after: LABEL` file names and 3 lines of context), so that diffs read the
// same as in Ansible and can be fed to `patch` after stripping the labels.
// This is the only file that imports the `diff` package.
import { structuredPatch } from 'diff';
import type { DiffEntry } from '../module-api.js';
import { painter, type Paint } from './style.js';

export interface DiffOptions {
  /** ANSI colour; off unless asked for. */
  color?: boolean;
  /** Lines of context around each change (Ansible's DIFF_CONTEXT, default 3). */
  context?: number;
}

/**
 * Render one before/after pair as a unified diff ending in a newline, or ''
 * when there is nothing to show (identical texts).
 */
export function renderDiff(entry: DiffEntry, options: DiffOptions = {}): string {
  if (entry.before === entry.after) return '';
  const paint = painter(options.color === true);
  // jsdiff marks a missing final newline with "\ No newline at end of file" in the hunk lines itself.
  const patch = structuredPatch('', '', entry.before, entry.after, undefined, undefined, {
    context: options.context ?? 3,
  });
  const lines = [`--- before: ${entry.label}`, `+++ after: ${entry.label}`];
  for (const hunk of patch.hunks) {
    lines.push(
      `@@ -${hunkRange(hunk.oldStart, hunk.oldLines)} +${hunkRange(hunk.newStart, hunk.newLines)} @@`,
      ...hunk.lines,
    );
  }
  return lines.map((line) => colorLine(line, paint)).join('\n') + '\n';
}

/** Render several entries one after another (a task may change several things). */
export function renderDiffs(entries: readonly DiffEntry[], options: DiffOptions = {}): string {
  return entries.map((entry) => renderDiff(entry, options)).join('');
}

/**
 * difflib's _format_range_unified, so hunk headers match Ansible byte for
 * byte: a one-line range is just its start, an empty range names the line
 * before it (`-0,0` for an empty file).
 */
function hunkRange(start: number, length: number): string {
  if (length === 1) return String(start);
  if (length === 0) return `${start - 1},0`;
  return `${start},${length}`;
}

/** Ansible colours by the first character: + green, - red, @@ cyan. */
function colorLine(line: string, paint: Paint): string {
  if (line.startsWith('+')) return paint(line, 'diffAdd');
  if (line.startsWith('-')) return paint(line, 'diffRemove');
  if (line.startsWith('@@')) return paint(line, 'diffLines');
  return line;
}
