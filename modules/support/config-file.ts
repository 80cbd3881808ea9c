// Whole-file edits of small line-oriented config files (/etc/hosts,
// /etc/fstab, sysctl.d, modprobe.d, exports.d, cron.d, INI files): read the
// file once in plan, let the module compute the new text (or null: the file
// should not exist), and write exactly that in apply, atomically. Links are
// followed like lineinfile does, so an /etc/hosts that is a symlink stays one.
// The text is the file's bytes as raw-text.ts keeps them: lines the module does
// not touch are written back byte for byte, UTF-8 or not.
import { posix } from 'node:path';
import type { DiffEntry } from '../../runner/module-api.js';
import type { Host } from '../../runner/host/types.js';
import { sh } from '../../runner/quote.js';
import { textDiff } from './diff.js';
import { bytesToText, textToBytes } from './raw-text.js';
import { readTextTarget, type TextTarget } from './text-edit.js';
import { writeContent } from './write-content.js';

/** A config file as plan read it. */
export interface ConfigFile {
  target: TextTarget;
  /** Current text; null when the file does not exist. */
  text: string | null;
}

/** What a module wants the file to become; null removes it. */
export interface ConfigEdit {
  file: ConfigFile;
  after: string | null;
}

export async function readConfigFile(host: Host, path: string): Promise<ConfigFile> {
  const target = await readTextTarget(host, path);
  return { target, text: target.content === null ? null : bytesToText(target.content) };
}

/** True when the edit would change the host. */
export function editChanges(edit: ConfigEdit): boolean {
  return edit.file.text !== edit.after;
}

/** The change sentence (with what the module says it is for) and diff for an edit; nothing when the text stays. */
export function describeEdit(edit: ConfigEdit, what?: string): { changes: string[]; diff: DiffEntry[] } {
  if (!editChanges(edit)) return { changes: [], diff: [] };
  const { path } = edit.file.target;
  const sentence = edit.after === null ? `remove ${path}` : edit.file.text === null ? `create ${path}` : `update ${path}`;
  return { changes: [what ? `${sentence}: ${what}` : sentence], diff: [textDiff(path, rawBytes(edit.file.text), rawBytes(edit.after))] };
}

/** Write (creating missing parent directories) or remove; nothing when the text stays. */
export async function applyEdit(host: Host, edit: ConfigEdit, options: { backup?: boolean } = {}): Promise<{ backupPath?: string }> {
  if (!editChanges(edit)) return {};
  const path = edit.file.target.realPath;
  if (edit.after === null) {
    await host.check(sh`rm -f -- ${path}`);
    return {};
  }
  if (edit.file.text === null) await host.check(sh`mkdir -p -- ${posix.dirname(path)}`);
  return writeContent(host, path, textToBytes(edit.after), { backup: options.backup });
}

const rawBytes = (text: string | null) => (text === null ? null : textToBytes(text));

/** Lines without their newlines; '' and a trailing newline give no extra empty line. */
export function splitLines(text: string | null): string[] {
  if (text === null || text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Lines back to text, every line ending in a newline. */
export function joinLines(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}
