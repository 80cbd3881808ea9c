// The host handle over a Connection: wraps commands for become and
// environment, and offers file primitives built from POSIX tools (no Python
// on the target). Every path reaches the shell through `sh`, and always after
// `--`, so a path that starts with '-' never becomes an option.
import { sh, raw, joinCommands, type Command } from '../quote.js';
import { CommandTimeout, type Connection, type ExecResult } from '../connection/types.js';
import { ModuleFailure } from '../errors.js';
import type { BasicFacts, FileStat, Host, RunOptions, WriteFileOptions, WrittenFile } from './types.js';
import { factsCommand, parseFacts } from './facts.js';
import { parseStat, statCommand } from './stat.js';
import { escalate, execEscalated, type BecomeSettings } from './become.js';

export type { BecomeSettings } from './become.js';

export interface HostHandleOptions {
  become?: BecomeSettings;
  /** Environment applied to every command of the task. */
  environment?: Record<string, string>;
  /** The user the connection logs in as: become to the same user needs no sudo. */
  loginUser: string;
  /** Default time limit for each command (the task's `timeout`). */
  timeoutMs?: number;
  /** An async task's end (epoch ms) and its `async` seconds: every command must finish by then. */
  asyncDeadline?: { at: number; seconds: number };
  /** ansible_python_interpreter: the Python the facts describe (else discovered as Ansible does). */
  pythonInterpreter?: string;
}

/** Facts are gathered once per connection, shared by every task's handle. */
const factsCache = new WeakMap<Connection, Promise<BasicFacts>>();

export class HostHandle implements Host {
  constructor(
    readonly name: string,
    private readonly connection: Connection,
    private readonly options: HostHandleOptions,
  ) {}

  /** A handle for one task: same connection, that task's become and environment. */
  withOptions(options: Partial<HostHandleOptions>): HostHandle {
    return new HostHandle(this.name, this.connection, { ...this.options, ...options });
  }

  async run(command: Command, options: RunOptions = {}): Promise<ExecResult> {
    const script = this.script(command, options);
    const escalation = escalate(script, this.options.become, this.options.loginUser);
    const deadline = this.options.asyncDeadline;
    const asyncLeft = deadline === undefined ? undefined : Math.max(1, deadline.at - Date.now());
    const ownLimit = options.timeoutMs ?? this.options.timeoutMs;
    const timeoutMs = asyncLeft === undefined ? ownLimit : Math.min(ownLimit ?? asyncLeft, asyncLeft);
    try {
      if (escalation) return await execEscalated(this.connection, escalation, { stdin: options.stdin, timeoutMs });
      return await this.connection.exec(script.text, { stdin: options.stdin, timeoutMs });
    } catch (error) {
      // A command killed at the task's `timeout` fails the task, as in Ansible:
      // the host answered, so it is not unreachable.
      if (error instanceof CommandTimeout && deadline !== undefined && Date.now() >= deadline.at) {
        throw new ModuleFailure(`async task did not complete within the requested time - ${deadline.seconds}s`, { async_result: { started: 1, finished: 0 } });
      }
      if (error instanceof CommandTimeout) {
        throw new ModuleFailure(`The task timed out after ${(timeoutMs ?? 0) / 1000} s (command killed on ${this.name})`, { timedout: true });
      }
      throw error;
    }
  }

  async check(command: Command, options: RunOptions = {}): Promise<ExecResult> {
    const result = await this.run(command, options);
    if (result.rc !== 0) {
      const detail = result.stderr.trim() || result.stdout.trim() || `exit status ${result.rc}`;
      throw new ModuleFailure(`${command.display.split('\n')[0]}: ${detail}`, { ...result });
    }
    return result;
  }

  async readFile(path: string): Promise<Buffer | null> {
    // Exit 3 means "absent", distinct from a read error; base64 keeps binary content intact.
    const result = await this.run(sh`if [ -e ${path} ] || [ -L ${path} ]; then base64 < ${path}; else exit 3; fi`);
    if (result.rc === 3) return null;
    if (result.rc !== 0) throw new ModuleFailure(`cannot read ${path}: ${result.stderr.trim()}`);
    return Buffer.from(result.stdout, 'base64');
  }

  async stat(path: string, options: { checksum?: boolean } = {}): Promise<FileStat | null> {
    const result = await this.check(statCommand(path, options.checksum ?? false));
    return parseStat(result.stdout);
  }

  async writeFile(path: string, content: string | Buffer, options: WriteFileOptions = {}): Promise<WrittenFile> {
    const result = await this.check(atomicWriteCommand(path, byteLength(content), options), { stdin: content });
    return parseWriteOutput(result.stdout);
  }

  facts(): Promise<BasicFacts> {
    let cached = factsCache.get(this.connection);
    if (!cached) {
      cached = this.check(factsCommand(this.options.pythonInterpreter)).then((r) => parseFacts(r.stdout));
      // A failed gather is not cached, so a later task may retry it.
      cached.catch(() => factsCache.delete(this.connection));
      factsCache.set(this.connection, cached);
    }
    return cached;
  }

  /** The script to run as the become user: environment, working directory, then the command. */
  private script(command: Command, options: RunOptions): Command {
    const env = { ...this.options.environment, ...options.env };
    const parts: Command[] = [];
    for (const [key, value] of Object.entries(env)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new ModuleFailure(`invalid environment variable name ${JSON.stringify(key)}`);
      parts.push(sh`export ${raw(key)}=${value}`);
    }
    // -P: the physical directory, as Python's os.chdir leaves it for Ansible's modules ($PWD has no symlinks in it).
    if (options.cwd !== undefined) parts.push(sh`cd -P -- ${options.cwd} || exit 1`);
    parts.push(command);
    return joinCommands(parts);
  }
}

/**
 * Shell steps that receive SIZE bytes of stdin into "$tmp", a new temp file
 * `.drover-tmp.XXXXXXXX` next to PATH (set as "$p"), and fail unless all of
 * them arrived: when drover dies mid-upload the remote side sees an early EOF,
 * and a short file must never replace PATH (docs/atomic-writes.md).
 */
function receiveUpload(path: string, size: number): Command[] {
  return [
    sh`set -e`,
    sh`p=${path}`,
    sh`want=${String(size)}`,
    // "; echo ." keeps a directory name's own trailing newlines, which $(...) would strip; ${d%??} drops dirname's newline and the dot.
    script(`d=$(dirname -- "$p"; echo .); d=\${d%??}; tmp=$(mktemp "$d/.drover-tmp.XXXXXXXX")`),
    // Signals too: when drover dies, sshd goes with it and the next write to
    // stderr raises SIGPIPE; either way the temp file must not stay behind.
    script(`trap 'rm -f -- "$tmp"' EXIT; trap 'exit 129' HUP; trap 'exit 141' PIPE; trap 'exit 143' TERM`),
    script(`cat > "$tmp"`),
    script(`got=$(wc -c < "$tmp"); got=$((got + 0))`),
    script(`if [ "$got" -ne "$want" ]; then rm -f -- "$tmp"; echo "upload incomplete: received $got of $want bytes; $p left unchanged" >&2; exit 1; fi`),
  ];
}

/**
 * Write stdin to PATH atomically: a temp file in the same directory (same
 * filesystem, so the rename is atomic), given the old file's mode and owner
 * (or the requested ones), then renamed over PATH. Prints the backup path if
 * one was made. `checks` run on the finished "$tmp" before anything replaces
 * PATH (a module's validate command); one that exits stops the write.
 * Output: the temp file's path (copy reports it as `src`, as Ansible reports
 * its upload's), then the backup's, each ended by a NUL: a path may hold a newline.
 */
export function atomicWriteCommand(path: string, size: number, options: WriteFileOptions, checks: readonly Command[] = []): Command {
  const steps: Command[] = [
    ...receiveUpload(path, size),
    // Keep the existing file's metadata; a new file gets the umask's mode, not mktemp's 0600.
    script(
      `if [ -e "$p" ]; then chmod --reference="$p" -- "$tmp"; chown --reference="$p" -- "$tmp" 2>/dev/null || true; ` +
        `else m=$(umask); chmod "$(printf '%o' $(( 0666 & ~m )))" -- "$tmp"; fi`,
    ),
  ];
  if (options.owner !== undefined || options.group !== undefined) {
    const owner = `${options.owner ?? ''}${options.group !== undefined ? `:${options.group}` : ''}`;
    steps.push(sh`chown ${owner} -- "$tmp"`);
  }
  // chmod after chown: chown clears setuid/setgid bits.
  if (options.mode !== undefined) steps.push(sh`chmod ${options.mode} -- "$tmp"`);
  steps.push(...checks, script(`printf '%s\\0' "$tmp"`));
  if (options.backup) {
    steps.push(script(`if [ -f "$p" ]; then b="$p.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$p" "$b"; printf '%s\\0' "$b"; fi`));
  }
  steps.push(sh`mv -f -- "$tmp" "$p"`, sh`trap - EXIT`);
  return joinCommands(steps);
}

/** What atomicWriteCommand printed: where the content was staged, and the backup's path if one was made. */
export function parseWriteOutput(stdout: string): WrittenFile {
  const [stagedPath, backupPath] = stdout.split('\0');
  return { ...(stagedPath ? { stagedPath } : {}), ...(backupPath ? { backupPath } : {}) };
}

/** A line of drover's own shell code, with no values in it. */
function script(text: string): Command {
  return sh`${raw(text)}`;
}

function byteLength(content: string | Buffer): number {
  return typeof content === 'string' ? Buffer.byteLength(content) : content.length;
}
