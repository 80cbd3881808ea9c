// Editing part of a text file in place (lineinfile, blockinfile): read the
// file and what it is in one round trip, let the module compute the new
// content, then plan the content change plus mode/owner/group, and apply
// exactly that. Like Ansible, a path that is a symlink edits the file the link
// points to (the link stays); attributes are set on that file too.
import { posix } from 'node:path';
import type { ApplyResult, Plan } from '../../runner/module-api.js';
import { ModuleFailure } from '../../runner/module-api.js';
import type { FileStat, Host } from '../../runner/host/types.js';
import { joinCommands, sh } from '../../runner/quote.js';
import { attributeChanges, type Attributes } from './file-attributes.js';
import { textDiff } from './diff.js';
import { asFileStat, expandUser, parsePathInfo, pathInfoCommand } from './path-info.js';
import { settleAttributes, writeContent } from './write-content.js';

/** The file as plan found it. */
export interface TextTarget {
  /** The path as given (after '~' expansion). */
  path: string;
  /** Where content is written: the path with links resolved. */
  realPath: string;
  /** null when nothing is there (or a link points nowhere). */
  current: FileStat | null;
  content: Buffer | null;
}

export interface TextEditParams extends Attributes {
  backup?: boolean;
  validate?: string;
}

export interface TextEditState {
  target: TextTarget;
  after: Buffer;
  contentChanged: boolean;
}

/** Read path (following links) in one round trip. A directory is an error, as in Ansible. */
export async function readTextTarget(host: Host, rawPath: string): Promise<TextTarget> {
  const path = await expandUser(host, rawPath);
  const result = await host.check(
    joinCommands([
      pathInfoCommand([path], false),
      pathInfoCommand([path], true),
      sh`if [ -f ${path} ]; then base64 -w0 < ${path}; fi; echo`,
    ]),
  );
  const [lstatLine = '', statLine = '', base64 = ''] = result.stdout.split('\n');
  const own = parsePathInfo(lstatLine, path);
  const followed = parsePathInfo(statLine, path);
  if (followed?.kind === 'directory') throw new ModuleFailure(`Path ${path} is a directory !`, { rc: 256 });
  if (followed && followed.kind !== 'file') throw new ModuleFailure(`${path} is a ${followed.kind}, not a regular file`);
  return {
    path,
    realPath: followed?.realPath ?? own?.realPath ?? path,
    current: followed ? asFileStat(followed) : null,
    content: followed ? Buffer.from(base64, 'base64') : null,
  };
}

/**
 * The plan for new content `after` (null: leave the content alone, and do not
 * create a missing file): the content change, if any, plus attribute changes.
 */
export function planTextEdit(target: TextTarget, after: Buffer | null, params: Attributes, result: Record<string, unknown>): Plan<TextEditState> {
  const contentChanged = after !== null && (target.content === null || !target.content.equals(after));
  const where = target.realPath === target.path ? target.path : `${target.path} (-> ${target.realPath})`;
  const changes: string[] = [];
  if (contentChanged) changes.push(target.content === null ? `create ${where}` : `update content of ${where}`);
  // A file that stays missing has no attributes to set (Ansible would fail on it later; there is nothing to do).
  if (contentChanged || target.current) changes.push(...attributeChanges(target.realPath, params, target.current, false));
  return {
    changes,
    diff: contentChanged ? [textDiff(target.path, target.content, after)] : [],
    state: { target, after: after ?? Buffer.alloc(0), contentChanged },
    result,
  };
}

/** Apply the plan; the backup's path is returned under `backupKey` (lineinfile says 'backup', blockinfile 'backup_file'). */
export async function applyTextEdit(host: Host, params: TextEditParams, plan: Plan<unknown>, backupKey: string): Promise<ApplyResult> {
  const { target, after, contentChanged } = plan.state as TextEditState;
  let backupFile: string | undefined;
  if (contentChanged) {
    // create=true makes missing parent directories, as Ansible's os.makedirs does.
    if (target.content === null) await host.check(sh`mkdir -p -- ${posix.dirname(target.realPath)}`);
    const written = await writeContent(host, target.realPath, after, { backup: params.backup, validate: params.validate });
    backupFile = written.backupPath;
  }
  if (contentChanged || target.current) await settleAttributes(host, target.realPath, params, target.current, contentChanged);
  return { result: { ...plan.result, ...(backupFile ? { [backupKey]: backupFile } : {}) } };
}
