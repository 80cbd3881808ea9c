// --diff output: one DiffEntry as a unified diff, laid out like Ansible's
// CallbackBase._get_diff (difflib.unified_diff with `before: LABEL` /
// `after: LABEL` file names and 3 lines of context), so that diffs read the
// same as in Ansible and can be fed to `patch` after stripping the labels.
// This is the only file that imports the `diff` package.
//
// Like Ansible, a side over max_diff_size (104448 bytes, env ANSIBLE_MAX_DIFF_SIZE,
// 0 = no limit) is not diffed: "diff skipped: ... size is greater than N".
// Under it, jsdiff's Myers is O(lines x edits): 3,000 lines all changed took
// 2.3 s and 10,000 ran past 200 s. It is capped at MAX_EDIT_LENGTH edits; past
// the cap the changed middle (after the common first and last lines) is shown
// as one replacement hunk, which costs linear time and still applies with patch.
import { structuredPatch } from 'diff';
import { InputError } from '../errors.js';
import type { DiffEntry } from '../module-api.js';
import { painter, type Paint } from './style.js';

export interface DiffOptions {
  /** ANSI colour; off unless asked for. */
  color?: boolean;
  /** Lines of context around each change (Ansible's DIFF_CONTEXT, default 3). */
  context?: number;
  /** Bytes above which a side is not diffed (Ansible's max_diff_size); 0 means no limit. */
  maxSize?: number;
  /** Edits Myers may try before the replacement hunk is used instead. */
  maxEditLength?: number;
}

/** Ansible's MAX_FILE_SIZE_FOR_DIFF default. */
export const DEFAULT_MAX_DIFF_SIZE = 104_448;
/** Measured, 2,700 lines (100 KB) all changed: 2.8 s uncapped, 170 ms at 1,000 edits, 20 ms at 300; 100 scattered changed lines (200 edits) still get their 100 minimal hunks in 57 ms. */
const MAX_EDIT_LENGTH = 300;

/** The limit from ANSIBLE_MAX_DIFF_SIZE, as Ansible reads it; a value that is not a whole number is an error. */
export function maxDiffSizeFrom(env: NodeJS.ProcessEnv): number {
  const raw = env.ANSIBLE_MAX_DIFF_SIZE;
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_DIFF_SIZE;
  if (!/^\s*-?\d+\s*$/.test(raw)) throw new InputError([{ message: `ANSIBLE_MAX_DIFF_SIZE=${JSON.stringify(raw)} is not a whole number of bytes (0 means no limit)` }]);
  return Number.parseInt(raw, 10);
}

/**
 * Render one before/after pair as a unified diff ending in a newline, or ''
 * when there is nothing to show (identical texts).
 */
export function renderDiff(entry: DiffEntry, options: DiffOptions = {}): string {
  if (entry.before === entry.after) return '';
  const skipped = oversized(entry, options.maxSize ?? DEFAULT_MAX_DIFF_SIZE);
  if (skipped) return skipped;
  const paint = painter(options.color === true);
  const context = options.context ?? 3;
  // jsdiff marks a missing final newline with "\ No newline at end of file" in the hunk lines itself.
  const patch = structuredPatch('', '', entry.before, entry.after, undefined, undefined, {
    context,
    maxEditLength: options.maxEditLength ?? MAX_EDIT_LENGTH,
  }) as ReturnType<typeof structuredPatch> | undefined;
  const hunks = patch ? patch.hunks : [replacementHunk(entry.before, entry.after, context)];
  const lines = [`--- before: ${entry.label}`, `+++ after: ${entry.label}`];
  for (const hunk of hunks) {
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

/** Ansible's messages for a side over the limit (CallbackBase._get_diff, dst_larger / src_larger). */
function oversized(entry: DiffEntry, maxSize: number): string {
  if (maxSize <= 0) return '';
  let text = '';
  if (Buffer.byteLength(entry.before) > maxSize) text += `diff skipped: destination file size is greater than ${maxSize}\n`;
  if (Buffer.byteLength(entry.after) > maxSize) text += `diff skipped: source file size is greater than ${maxSize}\n`;
  return text;
}

interface Hunk {
  oldStart: number;
  oldLines: number;
  newStart: number;
  newLines: number;
  lines: string[];
}

/** Lines with their newline kept, so that a last line without one differs from the same line with one. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** One hunk: the lines between the common head and tail, all removed then all added, with context. */
function replacementHunk(before: string, after: string, context: number): Hunk {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const lead = Math.min(context, head);
  const trail = Math.min(context, tail);
  const mark = (prefix: string) => (line: string) => (line.endsWith('\n') ? [prefix + line.slice(0, -1)] : [prefix + line, '\\ No newline at end of file']);
  const lines = [
    ...a.slice(head - lead, head).flatMap(mark(' ')),
    ...a.slice(head, a.length - tail).flatMap(mark('-')),
    ...b.slice(head, b.length - tail).flatMap(mark('+')),
    ...a.slice(a.length - tail, a.length - tail + trail).flatMap(mark(' ')),
  ];
  const oldLines = a.length - head - tail + lead + trail;
  const newLines = b.length - head - tail + lead + trail;
  return { oldStart: head - lead + 1, oldLines, newStart: head - lead + 1, newLines, lines };
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
