// Writing a whole file's new content, shared by copy, template, lineinfile and
// blockinfile: atomically (temp file in the same directory, then rename),
// with an optional backup, and with Ansible's `validate`: a command holding
// '%s' that must accept the temp file before it replaces the real one.
// Without validate the host handle's writeFile does the work.
import { splitCommandLine } from './split-command.js';
import { ModuleFailure } from '../../runner/module-api.js';
import type { FileStat, Host, WrittenFile } from '../../runner/host/types.js';
import { sh, raw, joinCommands, type Command } from '../../runner/quote.js';
import { atomicWriteCommand, parseWriteOutput } from '../../runner/host/handle.js';
import { applyAttributes, attributeChanges, type Attributes } from './file-attributes.js';

export const validateSchemaProperty = {
  type: 'string',
  description: "A command run on the new content before it is installed, '%s' standing for its temp file (e.g. 'visudo -cf %s'); split into words like Ansible does, never run by a shell.",
} as const;

export interface WriteContentOptions {
  backup?: boolean;
  validate?: string;
}

/** Write content to path; returns where it was staged and the backup's path when one was made. */
export async function writeContent(host: Host, path: string, content: Buffer, options: WriteContentOptions = {}): Promise<WrittenFile> {
  if (options.validate === undefined) return host.writeFile(path, content, { backup: options.backup });
  const validate = validateCommand(options.validate);
  const text = (line: string) => sh`${raw(line)}`;
  // Exit 97 tells a refused validation apart from a failure of drover's own steps.
  const validation = [sh`set +e; ${validate} </dev/null >&2; rc=$?; set -e`, text(`if [ "$rc" -ne 0 ]; then echo "validate exit status $rc" >&2; exit 97; fi`)];
  const script = atomicWriteCommand(path, content.length, { backup: options.backup }, validation);
  const result = await host.run(script, { stdin: content });
  if (result.rc === 97) throw new ModuleFailure(`failed to validate: ${result.stderr.trim()}`, { ...result });
  if (result.rc !== 0) throw new ModuleFailure(`cannot write ${path}: ${result.stderr.trim() || `exit status ${result.rc}`}`, { ...result });
  return parseWriteOutput(result.stdout);
}

/**
 * The validate string as a command on "$tmp": split into words the way
 * Python's shlex does (Ansible runs it without a shell), each word quoted,
 * '%s' inside a word replaced by the temp file's path and '%%' by '%'.
 */
export function validateCommand(validate: string): Command {
  if (!validate.includes('%s')) throw new ModuleFailure(`validate must contain %s: ${validate}`);
  const words = splitCommandLine(validate);
  if (words.length === 0) throw new ModuleFailure('validate is empty');
  const parts = words.map((word) => {
    const pieces = word.split('%s').map((piece) => piece.replace(/%%/g, '%'));
    // '' quotes to '' , harmless next to "$tmp": %s alone becomes ''"$tmp"''.
    return sh`${raw(pieces.map((piece) => sh`${piece}`.text).join('"$tmp"'))}`;
  });
  return joinCommands(parts, ' ');
}

/**
 * Mode, owner and group after the content step: nothing when none was asked
 * for; otherwise only when the file is new (it got the umask's mode) or when
 * plan found them different. Symbolic modes resolve against the real file.
 */
export async function settleAttributes(host: Host, path: string, wanted: Attributes, before: FileStat | null, written: boolean): Promise<void> {
  if (wanted.mode === undefined && wanted.owner === undefined && wanted.group === undefined) return;
  const current = written || before === null ? await host.stat(path) : before;
  if (attributeChanges(path, wanted, current, current?.kind === 'directory').length === 0) return;
  await applyAttributes(host, path, wanted, current, current?.kind === 'directory');
}
